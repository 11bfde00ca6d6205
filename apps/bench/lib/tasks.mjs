// The work every pool runs, identical for cc, the peers and the raw designs.

/** The tiny task of A, C, G and H. */
export function inc(x) {
  return x + 1;
}

function fib(n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

/** The CPU task of D: fib(n); n = 29 takes about 5 ms on this machine. */
export function cpu(n) {
  return fib(n);
}

export const CPU_N = 29;
