// Plain JavaScript tasks for the child-node tests.
export function square(x) {
  return x * x;
}
