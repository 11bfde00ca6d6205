// A plain JavaScript task module (for the compiled-JavaScript tests).
export function square(x) {
  return x * x;
}
