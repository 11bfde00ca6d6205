// Plain JavaScript tasks for the child-node tests (run without tsx).
export function square(x) {
  return x * x;
}

// Prints `text` a little later, from the child process (its stdout is the parent's).
export async function announce(text) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  console.log(text);
  return text;
}

// Loops on the CPU for ever, ignoring its signal.
export function spinForever() {
  for (;;);
}
