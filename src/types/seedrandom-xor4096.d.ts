// seedrandom ships each generator as its own CommonJS file; @types/seedrandom types only the
// package root. Importing the one generator meshsim uses keeps ARC4 and node:crypto unloaded.
declare module 'seedrandom/lib/xor4096.js' {
  import type seedrandom from 'seedrandom';
  const xor4096: {
    (seed: string): seedrandom.PRNG;
    (seed: string, options: { state: true }): seedrandom.StatefulPRNG<seedrandom.State.Xor4096>;
  };
  export default xor4096;
}
