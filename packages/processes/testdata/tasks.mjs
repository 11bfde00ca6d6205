// Plain JavaScript tasks for the child-node tests (run without tsx).
export function square(x) {
  return x * x;
}
