/**
 * `npm run bench`: our server (bench/bench-server.ts, compiled: bench/compiled.ts) and the node:http2 anchor
 * (../shared/bench/anchors/node-http2-server.mjs) measured with h2load by
 * ../shared/bench/run-h2load.sh in the same run (pinned cores, quiet gate, medians), then one
 * table: scenario, ours, node:http2, ratio, each server's CPU %. The table also goes to
 * BENCHMARKS.md with the date and Node version.
 *
 * Then the TLS scenarios S1t and S4t (bench/tls.bench.ts: h2load over TLS against our
 * createSecureServer() and node:http2's, same rules), in BENCHMARKS.md's TLS section.
 *
 * Then the priority scenarios S1p and S4p (bench/priority.bench.ts: S1 and S4 with and without an
 * RFC 9218 `priority` request header against our server, and without it against node:http2's,
 * same rules; issue #20), in BENCHMARKS.md's Priorities section.
 *
 * Then the client side, C1-C4 (bench/client.bench.ts: our connect() and node:http2's client, one
 * program, against nghttpd), and the proxy, P1-P3 (bench/proxy.bench.ts: examples/proxy.ts and
 * node:http2's idiomatic one between h2load and nghttpd), and SOAK (bench/soak.bench.ts: 60 s of
 * mixed responses, req/s and peak RSS of each server), each in its BENCHMARKS.md section.
 *
 * Options: -s S1,S2,S3,S4,S4d,S5,S1t,S4t,S1p,S4p,C1,C2,C3,C4,P1,P2,P3,SOAK (default: all), -r N (repeats, default 3), --quick (scaled
 * down: -r 1, --scale 0.1, 256 MiB bulk; a few minutes), --scale F, --bulk PATH, --no-pin,
 * --gate PCT (quiet gate, % of a core; -1: off), --warmup N (small GETs before measuring),
 * --tls-prof DIR (our TLS server under `node --cpu-prof`, profile into DIR), --no-write (do not
 * touch BENCHMARKS.md). Each part runs only when one of its scenarios is chosen and rewrites
 * only its own section of BENCHMARKS.md: `-s S1t,S4t` skips the h2c runs and the core loop and
 * keeps the h2c table. Needs h2load (Debian nghttp2-client), ../shared for h2c and the priority
 * scenarios, openssl for TLS.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hasOpenssl } from '../examples/self-signed.js';
import { MEMORY_SECTION } from './memory-section.js';
import { CLIENT_SCENARIOS, clientTable, type ClientRow, type ClientScenario, runClientBench, writeClientSection } from './client.bench.js';
import { hasCommand } from '../spec/helpers/tools.js';
import { runSoakBench, SOAK_SCENARIOS, soakTable, writeSoakSection, type SoakResult } from './soak.bench.js';
import { PRIORITY_SCENARIOS, priorityDetails, priorityTable, type PriorityResult, runPriorityBench, writePrioritySection } from './priority.bench.js';
import { PROXY_SCENARIOS, proxyTable, type ProxyRow, type ProxyScenario, runProxyBench, writeProxySection } from './proxy.bench.js';
import { runTlsBench, TLS_SCENARIOS, TLS_SECTION, tlsDetails, tlsSection, tlsTable, type TlsResult } from './tls.bench.js';
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
const scenarios = get('-s', 'S1,S2,S3,S4,S4d,S5,S1t,S4t,S1p,S4p,C1,C2,C3,C4,P1,P2,P3,SOAK');
const tlsScenarios = scenarios.split(',').filter((s) => TLS_SCENARIOS.includes(s));
const priorityScenarios = scenarios.split(',').filter((s) => PRIORITY_SCENARIOS.includes(s));
const clientScenarios = scenarios.split(',').filter((s): s is ClientScenario => (CLIENT_SCENARIOS as readonly string[]).includes(s));
const proxyScenarios = scenarios.split(',').filter((s): s is ProxyScenario => (PROXY_SCENARIOS as readonly string[]).includes(s));
const runSoak = scenarios.split(',').some((s) => SOAK_SCENARIOS.includes(s));
const h2cScenarios = scenarios.split(',').filter((s) => !TLS_SCENARIOS.includes(s) && !PRIORITY_SCENARIOS.includes(s) && !(CLIENT_SCENARIOS as readonly string[]).includes(s) && !(PROXY_SCENARIOS as readonly string[]).includes(s) && !SOAK_SCENARIOS.includes(s));
const runH2c = h2cScenarios.length > 0;
const repeats = get('-r', quick ? '1' : '3');
const scale = get('--scale', quick ? '0.1' : '1');
const bulk = get('--bulk', quick ? '/bytes/268435456' : '/bytes/1073741824');
const pin = argv.includes('--no-pin') ? ['--no-pin'] : [];
// Given: passed to run-h2load.sh too; else each runner's default (gate 25 %, 20000 warm-up GETs).
const gate = get('--gate', '25');
const warmup = get('--warmup', '20000');
const gateArgs = [...(argv.includes('--gate') ? ['--gate', gate] : []), ...(argv.includes('--warmup') ? ['--warmup', warmup] : [])];

if (runH2c && SHARED_DIR === null) {
  console.error('bench: ../shared is missing (the harness lives in ../shared/bench)');
  process.exit(2);
}
if (spawnSync('sh', ['-c', 'command -v h2load'], { stdio: 'ignore' }).status !== 0) {
  console.error('bench: h2load is missing (apt-get install nghttp2-client)');
  process.exit(2);
}
const shared = SHARED_DIR ?? '';
const harness = join(shared, 'bench', 'run-h2load.sh');
const compiled = compileBenchServer();
const out = mkdtempSync(join(tmpdir(), 'h2duplex-bench-'));
const tsv = join(out, 'summary.tsv');

const servers: Array<{ label: string; port: number; command: string[] }> = [
  { label: 'node-http2', port: 18180, command: ['node', join(shared, 'bench', 'anchors', 'node-http2-server.mjs'), '18180'] },
  { label: 'h2duplex', port: 18181, command: ['node', compiled.server, '18181'] },
];

for (const s of runH2c ? servers : []) {
  const args = [harness, '-l', s.label, '-s', h2cScenarios.join(','), '-r', repeats, '--scale', scale, '--bulk', bulk, '-t', tsv, ...pin, ...gateArgs, '-o', join(out, s.label), String(s.port), '--', ...s.command];
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
for (const scenario of h2cScenarios) {
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
const core = runH2c ? spawnSync(process.execPath, [compiled.core, ...coreArgs, '--json'], { encoding: 'utf8', cwd: REPO_ROOT, maxBuffer: 1 << 24 }) : null;
if (core !== null) process.stdout.write(core.stdout);
const coreJson = ((): CoreBenchJson | null => {
  if (core === null) return null;
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
if (runH2c) console.log(`\n# h2duplex vs node:http2, same run (ratio > 1: we are better; S3 is node p50 ÷ ours; core rows: our sans-IO core vs Python h2 in memory)\n${table.join('\n')}`);

// TLS (S1t, S4t) after the h2c scenarios, with the same flags.
let tls: TlsResult | null = null;
if (tlsScenarios.length > 0 && !hasOpenssl()) console.error(`bench: openssl is missing (apt-get install openssl): ${tlsScenarios.join(', ')} not run`);
else if (tlsScenarios.length > 0) {
  tls = await runTlsBench({ scenarios: tlsScenarios, repeats: Number(repeats), scale: Number(scale), bulk, pin: pin.length === 0, gate: Number(gate), warmup: Number(warmup), out, ourServer: compiled.tlsServer, ...(argv.includes('--tls-prof') ? { cpuProfDir: get('--tls-prof', out) } : {}) });
  console.log(`\n# TLS (ALPN h2, ${tls.tls}): h2duplex createSecureServer vs node:http2 createSecureServer, same run (ratio > 1: we are better)\n${tlsTable(tls).join('\n')}\n${tlsDetails(tls).join('\n')}`);
}
// Priorities (S1p, S4p: S1 and S4 with and without a `priority` header), after TLS, with the same flags.
let priority: PriorityResult | null = null;
if (priorityScenarios.length > 0 && SHARED_DIR === null) console.error(`bench: ../shared is missing (node:http2's anchor lives in ../shared/bench/anchors): ${priorityScenarios.join(', ')} not run`);
else if (priorityScenarios.length > 0) {
  priority = await runPriorityBench({ scenarios: priorityScenarios, repeats: Number(repeats), scale: Number(scale), bulk, pin: pin.length === 0, gate: Number(gate), warmup: Number(warmup), out, ourServer: compiled.server, nodeServer: join(shared, 'bench', 'anchors', 'node-http2-server.mjs') });
  console.log(`\n# priorities (RFC 9218): h2duplex with and without a priority header vs node:http2 without, same run (with ÷ without: 1 is free; ours ÷ node > 1: we are better)\n${priorityTable(priority).join('\n')}\n${priorityDetails(priority).join('\n')}`);
}
// The client side (C1-C4: our connect() and node:http2's client against nghttpd), last.
let clientRows: ClientRow[] | null = null;
if (clientScenarios.length > 0) {
  if (!hasCommand('nghttpd')) console.error(`bench: nghttpd is missing (apt-get install nghttp2-server): ${clientScenarios.join(', ')} not run`);
  else {
    clientRows = await runClientBench({ scenarios: clientScenarios, repeats: Number(repeats), quick, scale: Number(scale), pin: pin.length === 0, gate: Number(gate) });
    console.log(`\n# client side: our connect() vs node:http2's client against nghttpd, same run (ratio > 1: we are better)\n${clientTable(clientRows).join('\n')}`);
  }
}
// The proxy (P1-P3: examples/proxy.ts and an idiomatic node:http2 proxy, h2load → proxy → nghttpd), last.
let proxyRows: ProxyRow[] | null = null;
if (proxyScenarios.length > 0) {
  if (!hasCommand('nghttpd')) console.error(`bench: nghttpd is missing (apt-get install nghttp2-server): ${proxyScenarios.join(', ')} not run`);
  else {
    // Its own default scale (0.25 of the issue's counts; 0.05 quick), multiplied by --scale when given.
    proxyRows = await runProxyBench({ scenarios: proxyScenarios, repeats: Number(repeats), quick, pin: pin.length === 0, gate: Number(gate), bulkBytes: Number(bulk.slice('/bytes/'.length)), ...(argv.includes('--scale') ? { scale: 0.25 * Number(scale) } : {}) });
    console.log(`\n# proxy: examples/proxy.ts vs an idiomatic node:http2 proxy, h2load → proxy → nghttpd (ratio > 1: we are better)\n${proxyTable(proxyRows).join('\n')}`);
  }
}
// The soak (memory under load: 60 s of mixed responses, peak RSS of each server), last.
let soak: SoakResult | null = null;
if (runSoak) {
  soak = await runSoakBench({ quick, pin: pin.length === 0, gate: Number(gate) });
  console.log(`\n# soak (memory under load), ${soak.duration} s per server: h2duplex vs node:http2 (${soak.pinNote})\n${soakTable(soak.rows).join('\n')}`);
}
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
  // A section whose part did not run stays as it was; the memory section belongs to `npm run bench:memory`.
  const file = join(REPO_ROOT, 'BENCHMARKS.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const memory = previous.indexOf(MEMORY_SECTION);
  const tlsAt = previous.indexOf(TLS_SECTION);
  const h2cEnd = Math.min(...[tlsAt, memory, previous.length].filter((i) => i >= 0));
  const parts = [
    runH2c ? doc.join('\n') : previous.slice(0, h2cEnd) || '# Benchmarks\n',
    tls !== null ? tlsSection(tls, { command: `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`, repeats: Number(repeats), scale: Number(scale), bulk }) : tlsAt >= 0 ? previous.slice(tlsAt, memory > tlsAt ? memory : undefined) : '',
    memory >= 0 ? previous.slice(memory) : '',
  ];
  writeFileSync(file, parts.filter((p) => p !== '').map((p) => `${p.trimEnd()}\n`).join('\n'));
  // Its own section, replaced in place (after the memory section); other sections stay.
  if (soak !== null) writeSoakSection(soak.rows, `Latest \`npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}\`: ${new Date().toISOString()} on Node ${process.version}, ${soak.duration} s per server, ${soak.pinNote}.`);
  if (proxyRows !== null) writeProxySection(proxyRows, `Latest \`npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}\`: ${new Date().toISOString()} on Node ${process.version}, ${repeats} repeat(s).`);
  if (priority !== null) writePrioritySection(priority, { command: `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`, repeats: Number(repeats), scale: Number(scale), bulk });
  if (clientRows !== null) writeClientSection(clientRows, `Latest \`npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}\`: ${new Date().toISOString()} on Node ${process.version}, ${repeats} repeat(s), scale ${scale}.`);
}
