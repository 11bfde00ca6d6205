// Plain JavaScript tasks for the child-node tests.
export function square(x) {
  return x * x;
}

// Loops on the CPU for ever, ignoring its signal.
export function spinForever() {
  for (;;);
}
