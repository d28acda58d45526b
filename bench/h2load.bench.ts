/**
 * `npm run bench`: our server (bench/bench-server.ts) and the node:http2 anchor
 * (../shared/bench/anchors/node-http2-server.mjs) measured with h2load by
 * ../shared/bench/run-h2load.sh in the same run, and the ratio ours / node:http2 per scenario.
 *
 * Options: -s S1,S4 (scenarios; default S1,S4), -r N (repeats, default 3), --scale F (shrink
 * -n of S1-S3/S5), --bulk PATH (S4 path; default /bytes/1073741824), --no-pin.
 * Needs h2load (Debian nghttp2-client) and ../shared beside the repository.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, SHARED_DIR } from '../spec/helpers/shared.js';

const argv = process.argv.slice(2);
const get = (flag: string, fallback: string): string => {
  const i = argv.indexOf(flag);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
};
const scenarios = get('-s', 'S1,S4');
const repeats = get('-r', '3');
const scale = get('--scale', '1');
const bulk = get('--bulk', '/bytes/1073741824');
const pin = argv.includes('--no-pin') ? ['--no-pin'] : [];

if (SHARED_DIR === null) {
  console.error('bench: ../shared is missing (the harness lives in ../shared/bench)');
  process.exit(2);
}
if (spawnSync('sh', ['-c', 'command -v h2load'], { stdio: 'ignore' }).status !== 0) {
  console.error('bench: h2load is missing (apt-get install nghttp2-client)');
  process.exit(2);
}
const harness = join(SHARED_DIR, 'bench', 'run-h2load.sh');
const out = mkdtempSync(join(tmpdir(), 'h2duplex-bench-'));
const tsv = join(out, 'summary.tsv');

const servers: Array<{ label: string; port: number; command: string[] }> = [
  { label: 'node-http2', port: 18180, command: ['node', join(SHARED_DIR, 'bench', 'anchors', 'node-http2-server.mjs'), '18180'] },
  { label: 'h2duplex', port: 18181, command: ['node', '--import', 'tsx', join(REPO_ROOT, 'bench', 'bench-server.ts'), '18181'] },
];

for (const s of servers) {
  const args = [harness, '-l', s.label, '-s', scenarios, '-r', repeats, '--scale', scale, '--bulk', bulk, '-t', tsv, ...pin, '-o', join(out, s.label), String(s.port), '--', ...s.command];
  const r = spawnSync('bash', args, { stdio: 'inherit', cwd: REPO_ROOT });
  if (r.status !== 0) console.error(`bench: ${s.label} run exited with ${String(r.status)}`);
}

// summary.tsv columns: label, scenario, req/s median, min, max, MB/s, p50, p99, srv%, h2load%, n, fail, ...
const rows = existsSync(tsv) ? readFileSync(tsv, 'utf8').trim().split('\n').map((l) => l.split('\t')) : [];
const value = (label: string, scenario: string, column: number): number => Number(rows.find((r) => r[0] === label && r[1] === scenario)?.[column] ?? NaN);
console.log('\n# h2duplex / node:http2, same run (>1 = we are faster)');
for (const scenario of scenarios.split(',')) {
  const rps = value('h2duplex', scenario, 2) / value('node-http2', scenario, 2);
  const mbs = value('h2duplex', scenario, 5) / value('node-http2', scenario, 5);
  console.log(`${scenario}: req/s ratio ${rps.toFixed(2)}  MB/s ratio ${mbs.toFixed(2)}  (ours ${value('h2duplex', scenario, 2).toFixed(0)} req/s ${value('h2duplex', scenario, 5).toFixed(1)} MB/s; node:http2 ${value('node-http2', scenario, 2).toFixed(0)} req/s ${value('node-http2', scenario, 5).toFixed(1)} MB/s)`);
}
console.log(`# raw output: ${out}`);
