/**
 * `npm run fuzz -- --runs N [--grep TEXT]`: runs the property suites with N inputs per property
 * (CI runs them with their short default budget as part of `npm test`). `--grep` picks suites
 * by title, e.g. `--grep receiveData` for the core's input fuzzing. The adapter property runs
 * whole exchanges per input and caps itself at 2000.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
const at = args.indexOf('--runs');
const runs = at >= 0 ? Number(args[at + 1]) : 100_000;
if (!Number.isInteger(runs) || runs <= 0) {
  console.error('usage: npm run fuzz -- --runs N   (N a positive integer)');
  process.exit(2);
}

const grepAt = args.indexOf('--grep');
const grep = grepAt >= 0 ? ['--grep', args[grepAt + 1] ?? ''] : [];
const mocha = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
console.log(`fuzz: ${runs} inputs per property`);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', mocha, '--no-config', '--extension', 'ts', '--timeout', '0', '--reporter', 'spec/helpers/summary-reporter.cjs', ...grep, 'spec/property/*.spec.ts'],
  { stdio: 'inherit', env: { ...process.env, FUZZ_RUNS: String(runs) } },
);
process.exit(result.status ?? 1);
