/**
 * How many inputs a property test tries: a short budget by default (CI), `FUZZ_RUNS` for long
 * runs (`npm run fuzz -- --runs 100000`).
 */
export function fuzzRuns(defaultRuns: number): number {
  const env = Number(process.env['FUZZ_RUNS']);
  return Number.isInteger(env) && env > 0 ? env : defaultRuns;
}
