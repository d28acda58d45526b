/**
 * `npm run fuzz -- --runs N`: runs the property suites with N inputs per property (CI runs
 * them with their short default budget as part of `npm test`).
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

const mocha = createRequire(import.meta.url).resolve('mocha/bin/mocha.js');
console.log(`fuzz: ${runs} inputs per property`);
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', mocha, '--no-config', '--extension', 'ts', '--timeout', '0', '--reporter', 'spec/helpers/summary-reporter.cjs', 'spec/property/*.spec.ts'],
  { stdio: 'inherit', env: { ...process.env, FUZZ_RUNS: String(runs) } },
);
process.exit(result.status ?? 1);
