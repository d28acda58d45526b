/**
 * `npm run bench`: our server (bench/bench-server.ts, compiled: bench/compiled.ts) and the node:http2 anchor
 * (../shared/bench/anchors/node-http2-server.mjs) measured with h2load by
 * ../shared/bench/run-h2load.sh in the same run (pinned cores, quiet gate, medians), then one
 * table: scenario, ours, node:http2, ratio, each server's CPU %. The table also goes to
 * BENCHMARKS.md with the date and Node version.
 *
 * Options: -s S1,S2,S3,S4,S4d,S5 (default: all), -r N (repeats, default 3), --quick (scaled
 * down: -r 1, --scale 0.1, 256 MiB bulk; a few minutes), --scale F, --bulk PATH, --no-pin,
 * --no-write (do not touch BENCHMARKS.md). Needs h2load (Debian nghttp2-client) and ../shared.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { MEMORY_SECTION } from './memory-section.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, SHARED_DIR } from '../spec/helpers/shared.js';
import { compileBenchServer } from './compiled.js';
import type { CoreBenchJson } from './core.bench.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const get = (flag: string, fallback: string): string => {
  const i = argv.indexOf(flag);
  return i >= 0 ? (argv[i + 1] ?? fallback) : fallback;
};
const scenarios = get('-s', 'S1,S2,S3,S4,S4d,S5');
const repeats = get('-r', quick ? '1' : '3');
const scale = get('--scale', quick ? '0.1' : '1');
const bulk = get('--bulk', quick ? '/bytes/268435456' : '/bytes/1073741824');
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
const compiled = compileBenchServer();
const out = mkdtempSync(join(tmpdir(), 'h2duplex-bench-'));
const tsv = join(out, 'summary.tsv');

const servers: Array<{ label: string; port: number; command: string[] }> = [
  { label: 'node-http2', port: 18180, command: ['node', join(SHARED_DIR, 'bench', 'anchors', 'node-http2-server.mjs'), '18180'] },
  { label: 'h2duplex', port: 18181, command: ['node', compiled.server, '18181'] },
];

for (const s of servers) {
  const args = [harness, '-l', s.label, '-s', scenarios, '-r', repeats, '--scale', scale, '--bulk', bulk, '-t', tsv, ...pin, '-o', join(out, s.label), String(s.port), '--', ...s.command];
  const r = spawnSync('bash', args, { stdio: 'inherit', cwd: REPO_ROOT });
  if (r.status !== 0) console.error(`bench: ${s.label} run exited with ${String(r.status)}`);
}

// summary.tsv: label, scenario, req/s median, min, max, MB/s, p50, p99, srv%, h2load%, n, fail, ...
const rows = existsSync(tsv) ? readFileSync(tsv, 'utf8').trim().split('\n').map((l) => l.split('\t')) : [];
const cell = (label: string, scenario: string, column: number): number => Number(rows.find((r) => r[0] === label && r[1] === scenario)?.[column] ?? NaN);
const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const table = [
  '| scenario | metric | h2duplex | node:http2 | ratio | h2duplex CPU % | node:http2 CPU % |',
  '|---|---|---|---|---|---|---|',
];
for (const scenario of scenarios.split(',')) {
  const bulkScenario = scenario.startsWith('S4');
  const latency = scenario === 'S3';
  // S4: throughput in MB/s; S3: p50 latency (ratio node ÷ ours); others: req/s.
  const column = bulkScenario ? 5 : latency ? 6 : 2;
  const ours = cell('h2duplex', scenario, column);
  const node = cell('node-http2', scenario, column);
  const ratio = latency ? node / ours : ours / node;
  const metric = bulkScenario ? 'MB/s' : latency ? 'p50 ms' : 'req/s';
  table.push(`| ${scenario} | ${metric} | ${fmt(ours, latency ? 3 : bulkScenario ? 1 : 0)} | ${fmt(node, latency ? 3 : bulkScenario ? 1 : 0)} | ${fmt(ratio, 2)} | ${fmt(cell('h2duplex', scenario, 8))} | ${fmt(cell('node-http2', scenario, 8))} |`);
}

// The sans-IO core against Python h2, in memory (bench/core.bench.ts), in the same invocation.
const coreArgs = quick ? ['--n', '5000', '--bulk-mib', '64', '--repeats', '3'] : [];
const core = spawnSync(process.execPath, [compiled.core, ...coreArgs, '--json'], { encoding: 'utf8', cwd: REPO_ROOT, maxBuffer: 1 << 24 });
process.stdout.write(core.stdout);
const coreJson = ((): CoreBenchJson | null => {
  try {
    return JSON.parse(core.stdout.trim().split('\n').pop() ?? '') as CoreBenchJson;
  } catch {
    console.error(`bench: the core loop failed: ${core.stderr.trim()}`);
    return null;
  }
})();
const coreRow = (name: string, metric: string, ours: number, h2: number | null) =>
  `| ${name} | ${metric} | ${fmt(ours, 0)} | ${h2 === null ? 'n/a' : `${fmt(h2, 0)} (Python h2)`} | ${h2 === null ? 'n/a' : `${fmt(ours / h2, 1)}×`} | – | – |`;
if (coreJson?.rr !== undefined) table.push(coreRow('core rr', 'req/s', coreJson.rr.ours, coreJson.rr.h2));
for (const b of coreJson?.bulk ?? []) table.push(coreRow(`core bulk, window ${b.window}`, 'MB/s', b.ours, b.h2));
console.log(`\n# h2duplex vs node:http2, same run (ratio > 1: we are better; S3 is node p50 ÷ ours; core rows: our sans-IO core vs Python h2 in memory)\n${table.join('\n')}`);
console.log(`# raw output: ${out}`);

if (!argv.includes('--no-write')) {
  const doc = [
    '# Benchmarks',
    '',
    `Latest \`npm run bench${quick ? ' -- --quick' : ''}\`: ${new Date().toISOString()} on Node ${process.version}, ${repeats} repeat(s), scale ${scale}, bulk ${bulk}.`,
    'Both servers ran in the same invocation through `../shared/bench/run-h2load.sh` (server and h2load',
    'pinned to separate cores, quiet gate, medians). Scenarios: `../shared/bench/README.md`.',
    '',
    ...table,
    '',
    'The `core` rows are the sans-IO core alone, in memory, against Python h2 4.x running the same loop',
    '(`npm run bench:core`, `../shared/bench/inmem/python-h2-loop.py`); their anchor column is Python h2, not node:http2.',
    '',
  ];
  // The memory section belongs to `npm run bench:memory`: keep it.
  const file = join(REPO_ROOT, 'BENCHMARKS.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const memory = previous.indexOf(MEMORY_SECTION);
  writeFileSync(file, doc.join('\n') + (memory >= 0 ? `\n${previous.slice(memory)}` : ''));
}
