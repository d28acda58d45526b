/** The heading of BENCHMARKS.md's memory section: `npm run bench:memory` writes it, `npm run bench` keeps it. */
export const MEMORY_SECTION = '## Memory (`npm run bench:memory`)';
