import fc from 'fast-check';

// Property tests run with a fixed seed so CI is reproducible; FC_SEED explores other seeds.
// fast-check prints the seed and the shrunk counterexample of any failure.
const seed = Number(process.env.FC_SEED ?? 20261126);
fc.configureGlobal({ seed, numRuns: Number(process.env.FC_RUNS ?? 100) });
