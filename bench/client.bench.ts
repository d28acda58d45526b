/**
 * Client-side benchmarks: our `connect()` (src/index.ts, compiled: bench/compiled.ts) against
 * node:http2's client, both running the same program (bench/clients/program.ts, the entry files
 * differ only in the import of `connect`), each in its own process, against nghttpd --no-tls
 * (C, so the client is the bottleneck). nghttpd is pinned to CPU 0, the client to CPU 1.
 *
 *   C1   100,000 GET / on one connection, 100 streams in flight
 *   C2   100,000 GET / over 10 connections, 100 streams in flight on each
 *   C3   one 1 GiB download, receive windows 65535 (stream and connection), then 16 MiB - 1
 *   C4   10,000 POST / with a 64 KiB body, 10 connections x 10 streams (h2load's S5 shape;
 *        nghttpd reads the body and answers with its 2-octet index)
 *
 * Per run: a quiet gate first (everything else <= 25 % of a core over 1 s, as
 * ../shared/bench/run-h2load.sh), the client connects and warms up, then the measured part;
 * the client's CPU time is read from /proc/PID/stat around exactly that part; a run during which
 * other processes used more than the gate is retried (up to 2 times). Rounds are interleaved
 * (C1 C2 C3 C4, C1 C2 …; node:http2 and ours alternate which goes first); medians reported.
 *
 *   npx tsx bench/client.bench.ts [-s C1,C2,C3,C4] [-r N] [--quick] [--no-write]
 *                                 [--scale F] [--bulk-bytes N] [--no-pin] [--gate PCT] [--cpu-prof DIR]
 *
 * --quick: 1 repeat, scale 0.1, a 256 MiB download, one 0.5 s gate sample per run and no
 * retries (about 20 s). --cpu-prof DIR: our
 * client runs under `node --cpu-prof` and the top frames of each profile are printed. --gate PCT:
 * the quiet gate's threshold (-1: off).
 * `runClientBench(options)` does the same from code and returns the rows; the CLI also writes
 * them to BENCHMARKS.md's "Client" section (other sections are kept).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../spec/helpers/shared.js';
import { commandPath, freePort, hasCommand, waitForPort } from '../spec/helpers/tools.js';
import type { ClientResult } from './clients/program.js';
import { compileBenchClients } from './compiled.js';
import { busyTicks, CLK_TCK, fmt, median, nghttpdVersion, pinned, processTicks, quietGate, sleep, stopChild, writeBenchmarksSection } from './measure.js';

/** The scenarios; C3 gives two rows (its two windows), C4 two (req/s and MB/s uploaded). */
export type ClientScenario = 'C1' | 'C2' | 'C3' | 'C4';
export const CLIENT_SCENARIOS: readonly ClientScenario[] = ['C1', 'C2', 'C3', 'C4'];

/** Options of {@link runClientBench}. */
export interface ClientBenchOptions {
  /** Default: all four. */
  scenarios?: readonly ClientScenario[];
  /** Runs per scenario and client; medians reported. Default 3 (1 with `quick`). */
  repeats?: number;
  /** 1 repeat, scale 0.1, a 256 MiB download. */
  quick?: boolean;
  /** Multiplies the request counts of C1, C2, C4 and their warm-ups. Default 1 (0.1 with `quick`). */
  scale?: number;
  /** C3's download size. Default 1 GiB (256 MiB with `quick`). */
  bulkBytes?: number;
  /** Pin nghttpd to CPU 0 and the clients to CPU 1 (when taskset exists and there are 2 CPUs). Default true. */
  pin?: boolean;
  /** Quiet gate: % of one core other processes may use; -1 turns it off. Default 25. */
  gate?: number;
  /** Seconds the gate waits for quiet before running anyway. Default 90 (0 with `quick`: one sample). */
  gateWait?: number;
  /** Reruns of a run during which other processes exceeded the gate. Default 2 (0 with `quick`). */
  retryNoisy?: number;
  /** Profile our client's runs (`node --cpu-prof`) into this folder. */
  cpuProf?: string;
  /** Where the docroot is (made if missing). Default `$TMPDIR/h2duplex-client-bench/docroot`. */
  docroot?: string;
  /** Progress lines. Default console.log. */
  log?: (line: string) => void;
}

/** One row of the table. */
export interface ClientRow {
  /** `C1`, `C2`, `C3`, `C4`. */
  scenario: ClientScenario;
  /** What the row measures, e.g. "1 GiB download, 64 KiB windows". */
  what: string;
  /** `req/s`, `MB/s` (10^6 octets per second: response bodies for C3, request bodies for C4). */
  metric: 'req/s' | 'MB/s' | 'MB/s up';
  /** Medians; NaN when no run succeeded. */
  ours: number;
  node: number;
  /** ours ÷ node (> 1: ours is faster). */
  ratio: number;
  /** Client CPU time over the measured part, % of one core (/proc/PID/stat), medians. */
  oursCpu: number;
  nodeCpu: number;
  /** Client CPU microseconds per request (C3: per MiB received), medians. */
  oursCpuPerUnit: number;
  nodeCpuPerUnit: number;
  /** nghttpd's CPU % during the runs of each client, medians. */
  serverCpuOurs: number;
  serverCpuNode: number;
  /** Every counted run's value, for the record. */
  oursRuns: number[];
  nodeRuns: number[];
  /** Requests that failed (or C3 downloads that came up short), summed over the counted runs of both. */
  failed: number;
  /** Noise notes: retried runs, noisy runs kept, client errors. */
  notes: string[];
}

type Impl = 'ours' | 'node';

/** One measured part as the bench saw it. */
interface Run {
  result: ClientResult | null;
  error: string | null;
  clientCpu: number;
  serverCpu: number;
  other: number;
  noisy: boolean;
}

/** How one scenario (one C3 window) is run. */
interface Plan {
  scenario: ClientScenario;
  key: string;
  what: string;
  path: string;
  n: number;
  c: number;
  m: number;
  post: number;
  window: number | undefined;
  warmup: number;
  warmupPath: string;
}

const WARMUP_FILE = 16 * 1024 * 1024;
const MIB = 1024 * 1024;

function plans(scenarios: readonly ClientScenario[], scale: number, bulkBytes: number): Plan[] {
  const scaled = (n: number): number => Math.max(1, Math.round(n * scale));
  const bulkPath = `/bytes/${bulkBytes}`;
  const bulkWarmup = bulkBytes > WARMUP_FILE ? `/bytes/${WARMUP_FILE}` : '/';
  const sizeText = bulkBytes % 2 ** 30 === 0 ? `${bulkBytes / 2 ** 30} GiB` : `${Math.round(bulkBytes / MIB)} MiB`;
  const out: Plan[] = [];
  for (const s of scenarios) {
    if (s === 'C1') out.push({ scenario: s, key: 'C1', what: 'GET /, 1 connection × 100 streams', path: '/', n: scaled(100_000), c: 1, m: 100, post: 0, window: undefined, warmup: scaled(10_000), warmupPath: '/' });
    if (s === 'C2') out.push({ scenario: s, key: 'C2', what: 'GET /, 10 connections × 100 streams', path: '/', n: scaled(100_000), c: 10, m: 100, post: 0, window: undefined, warmup: scaled(10_000), warmupPath: '/' });
    if (s === 'C3') {
      for (const [bits, label] of [[16, '64 KiB'], [24, '16 MiB']] as const) {
        out.push({ scenario: s, key: `C3w${bits}`, what: `${sizeText} download, ${label} windows`, path: bulkPath, n: 1, c: 1, m: 1, post: 0, window: 2 ** bits - 1, warmup: 2, warmupPath: bulkWarmup });
      }
    }
    if (s === 'C4') out.push({ scenario: s, key: 'C4', what: 'POST / 64 KiB bodies, 10 connections × 10 streams', path: '/', n: scaled(10_000), c: 10, m: 10, post: 65536, window: undefined, warmup: scaled(1_000), warmupPath: '/' });
  }
  return out;
}

// ------------------------------------------------------------------ docroot and nghttpd

/** `/` = "ok" (index.html), `/bytes/N` for the sizes asked; files of 'a' kept for the next run. */
function makeDocroot(dir: string, sizes: number[]): void {
  mkdirSync(join(dir, 'bytes'), { recursive: true });
  const index = join(dir, 'index.html');
  if (!existsSync(index) || readFileSync(index, 'utf8') !== 'ok') writeFileSync(index, 'ok');
  const chunk = Buffer.alloc(MIB, 0x61);
  for (const size of sizes) {
    const file = join(dir, 'bytes', String(size));
    if (existsSync(file) && statSync(file).size === size) continue;
    const partial = `${file}.${process.pid}.tmp`;
    const fd = openSync(partial, 'w');
    for (let left = size; left > 0; left -= MIB) writeSync(fd, chunk, 0, Math.min(MIB, left));
    closeSync(fd);
    renameSync(partial, file);
  }
}

// ------------------------------------------------------------------ one client run

async function runClient(file: string, nodeArgs: string[], plan: Plan, port: number, pin: boolean, serverPid: number | undefined): Promise<Omit<Run, 'noisy'>> {
  const args = [`http://127.0.0.1:${port}${plan.path}`, '-n', String(plan.n), '-c', String(plan.c), '-m', String(plan.m), '--warmup', String(plan.warmup), '--warmup-path', plan.warmupPath];
  if (plan.post > 0) args.push('--post', String(plan.post));
  if (plan.window !== undefined) args.push('--window', String(plan.window));
  const [command, argv] = pinned(1, pin, process.execPath, [...nodeArgs, file, ...args]);
  const child = spawn(command, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-2000);
  });
  const exited = new Promise<void>((r) => child.once('close', () => r()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const timeout = setTimeout(() => child.kill('SIGKILL'), 300_000);
  const fail = async (what: string): Promise<Omit<Run, 'noisy'>> => {
    await stopChild(child);
    clearTimeout(timeout);
    return { result: null, error: `${what}${stderr.trim() === '' ? '' : `: ${stderr.trim().split('\n').slice(-3).join(' | ')}`}`, clientCpu: NaN, serverCpu: NaN, other: 0 };
  };
  try {
    const ready = await lines.next();
    if (ready.done === true) return await fail('the client exited before it was ready');
    const c0 = processTicks(child.pid);
    const s0 = processTicks(serverPid);
    const b0 = busyTicks();
    const t0 = process.hrtime.bigint();
    child.stdin.write('go\n');
    const done = await lines.next();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const c1 = processTicks(child.pid);
    const s1 = processTicks(serverPid);
    const b1 = busyTicks();
    if (done.done === true) return await fail('the client exited during the run');
    child.stdin.end('exit\n');
    await Promise.race([exited, sleep(10_000, true)]);
    await stopChild(child);
    clearTimeout(timeout);
    const result = JSON.parse(done.value) as ClientResult;
    const pct = (ticks: number): number => (ticks / CLK_TCK / seconds) * 100;
    return { result, error: result.error ?? null, clientCpu: pct(c1 - c0), serverCpu: pct(s1 - s0), other: Math.max(0, pct(b1 - b0 - (c1 - c0) - (s1 - s0))) };
  } catch (err) {
    return fail(err instanceof Error ? err.message : String(err));
  }
}

/** The row's value of one run (NaN when it failed). */
function value(run: Run, metric: ClientRow['metric']): number {
  const r = run.result;
  if (r === null || r.ok === 0) return NaN;
  const s = r.wallMs / 1000;
  if (metric === 'req/s') return r.ok / s;
  if (metric === 'MB/s up') return r.sent / s / 1e6;
  return r.received / s / 1e6;
}

function cpuPerUnit(plan: Plan, run: Run): number {
  const r = run.result;
  if (r === null || r.ok === 0) return NaN;
  const cpuUs = (run.clientCpu / 100) * (r.wallMs * 1000);
  return plan.scenario === 'C3' ? cpuUs / (r.received / MIB) : cpuUs / r.ok;
}

function failures(plan: Plan, run: Run): number {
  const r = run.result;
  if (r === null) return plan.n;
  const short = plan.scenario === 'C3' && r.received !== plan.n * Number(plan.path.slice('/bytes/'.length)) ? 1 : 0;
  return r.failed + short;
}

// ------------------------------------------------------------------ the benchmark

/**
 * Runs the client benchmarks (see the file's comment) and returns one row per scenario
 * (C3: one per window; C4: req/s and MB/s uploaded). Throws when nghttpd is missing.
 */
export async function runClientBench(options: ClientBenchOptions = {}): Promise<ClientRow[]> {
  const quick = options.quick ?? false;
  const scenarios = options.scenarios ?? CLIENT_SCENARIOS;
  const repeats = options.repeats ?? (quick ? 1 : 3);
  const scale = options.scale ?? (quick ? 0.1 : 1);
  const bulkBytes = options.bulkBytes ?? (quick ? 256 * MIB : 1024 * MIB);
  const gate = options.gate ?? 25;
  // --quick must stay short on a busy machine too: one half-second gate sample, no retries.
  const gateWait = options.gateWait ?? (quick ? 0 : 90);
  const retryNoisy = options.retryNoisy ?? (quick ? 0 : 2);
  const gateSampleMs = quick ? 500 : 1000;
  const log = options.log ?? ((l: string) => console.log(l));
  const pin = (options.pin ?? true) && hasCommand('taskset') && cpus().length >= 2;
  if (!hasCommand('nghttpd')) throw new Error('client bench: nghttpd is missing (apt-get install nghttp2-server)');

  const compiled = compileBenchClients();
  const files: Record<Impl, string> = { ours: compiled.ours, node: compiled.node };
  const docroot = options.docroot ?? join(tmpdir(), 'h2duplex-client-bench', 'docroot');
  const todo = plans(scenarios, scale, bulkBytes);
  if (todo.some((p) => p.scenario === 'C3')) makeDocroot(docroot, bulkBytes > WARMUP_FILE ? [WARMUP_FILE, bulkBytes] : [bulkBytes]);
  else makeDocroot(docroot, []);
  if (options.cpuProf !== undefined) mkdirSync(options.cpuProf, { recursive: true });
  const nodeArgs: Record<Impl, string[]> = { ours: options.cpuProf === undefined ? [] : ['--cpu-prof', '--cpu-prof-interval=250', `--cpu-prof-dir=${resolve(options.cpuProf)}`], node: [] };

  const port = await freePort();
  const [command, argv] = pinned(0, pin, commandPath('nghttpd'), ['--no-tls', '-a', '127.0.0.1', '-d', docroot, String(port)]);
  const server = spawn(command, argv, { stdio: 'ignore' });
  const runs = new Map<string, Run[]>();
  try {
    await waitForPort(port);
    log(`# client bench: nghttpd pid ${String(server.pid)} on port ${port}, ${pin ? 'nghttpd on cpu 0, clients on cpu 1 (taskset)' : 'not pinned'}, ${repeats} repeat(s), scale ${scale}, bulk ${bulkBytes} octets, load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
    for (let round = 1; round <= repeats; round++) {
      for (const plan of todo) {
        const order: Impl[] = round % 2 === 1 ? ['node', 'ours'] : ['ours', 'node'];
        for (const impl of order) {
          const key = `${plan.key}/${impl}`;
          const list = runs.get(key) ?? [];
          runs.set(key, list);
          for (let attempt = 0; ; attempt++) {
            await quietGate({ gate, waitS: gateWait, sampleMs: gateSampleMs, ours: () => processTicks(server.pid), log });
            const r = await runClient(files[impl], nodeArgs[impl], plan, port, pin, server.pid);
            const noisy = gate >= 0 && r.other > gate;
            const metric = plan.scenario === 'C3' ? 'MB/s' : 'req/s';
            const v = value({ ...r, noisy }, metric);
            log(
              `${plan.key.padEnd(5)} round ${round} ${impl === 'ours' ? 'h2duplex  ' : 'node:http2'} ${Number.isFinite(v) ? v.toFixed(plan.scenario === 'C3' ? 1 : 0) : 'n/a'} ${metric}` +
                `  client ${r.clientCpu.toFixed(0)}%  nghttpd ${r.serverCpu.toFixed(0)}%  other ${r.other.toFixed(0)}%` +
                (r.result !== null && r.result.failed > 0 ? `  failed ${r.result.failed}` : '') +
                (r.error !== null ? `  error: ${r.error}` : '') +
                (noisy ? (attempt < retryNoisy ? '  (noisy: retried)' : '  (noisy: kept)') : ''),
            );
            if (noisy && attempt < retryNoisy) {
              // Kept for the notes, out of the medians (run-h2load.sh's "retried").
              const retried = runs.get(`${key}/retried`) ?? [];
              runs.set(`${key}/retried`, retried);
              retried.push({ ...r, noisy });
              continue;
            }
            list.push({ ...r, noisy });
            break;
          }
        }
      }
    }
  } finally {
    await stopChild(server);
  }

  const rows: ClientRow[] = [];
  for (const plan of todo) {
    const metrics: Array<ClientRow['metric']> = plan.scenario === 'C3' ? ['MB/s'] : plan.scenario === 'C4' ? ['req/s', 'MB/s up'] : ['req/s'];
    for (const metric of metrics) {
      const of = (impl: Impl): Run[] => runs.get(`${plan.key}/${impl}`) ?? [];
      const vals = (impl: Impl): number[] => of(impl).map((r) => value(r, metric));
      const ours = median(vals('ours'));
      const node = median(vals('node'));
      const notes: string[] = [];
      for (const impl of ['ours', 'node'] as const) {
        const retried = runs.get(`${plan.key}/${impl}/retried`)?.length ?? 0;
        const kept = of(impl).filter((r) => r.noisy).length;
        const name = impl === 'ours' ? 'h2duplex' : 'node:http2';
        if (retried > 0) notes.push(`${name}: ${retried} noisy run(s) retried`);
        if (kept > 0) notes.push(`${name}: ${kept} noisy run(s) kept`);
        for (const e of new Set(of(impl).flatMap((r) => (r.error === null ? [] : [r.error])))) notes.push(`${name}: ${e}`);
      }
      rows.push({
        scenario: plan.scenario,
        what: plan.what,
        metric,
        ours,
        node,
        ratio: ours / node,
        oursCpu: median(of('ours').map((r) => r.clientCpu)),
        nodeCpu: median(of('node').map((r) => r.clientCpu)),
        oursCpuPerUnit: median(of('ours').map((r) => cpuPerUnit(plan, r))),
        nodeCpuPerUnit: median(of('node').map((r) => cpuPerUnit(plan, r))),
        serverCpuOurs: median(of('ours').map((r) => r.serverCpu)),
        serverCpuNode: median(of('node').map((r) => r.serverCpu)),
        oursRuns: vals('ours'),
        nodeRuns: vals('node'),
        failed: [...of('ours'), ...of('node')].reduce((sum, r) => sum + failures(plan, r), 0),
        notes,
      });
    }
  }
  return rows;
}

// ------------------------------------------------------------------ output


/** The rows as a markdown table (what BENCHMARKS.md gets). */
export function clientTable(rows: readonly ClientRow[]): string[] {
  const lines = [
    '| scenario | what | metric | h2duplex | node:http2 | ratio | h2duplex CPU % | node:http2 CPU % | CPU µs per req (C3: per MiB), ours / node | nghttpd CPU %, ours / node runs |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const digits = r.metric === 'req/s' ? 0 : 1;
    lines.push(
      `| ${r.scenario} | ${r.what} | ${r.metric} | ${fmt(r.ours, digits)} | ${fmt(r.node, digits)} | ${fmt(r.ratio, 2)} | ${fmt(r.oursCpu)} | ${fmt(r.nodeCpu)} | ${fmt(r.oursCpuPerUnit, 1)} / ${fmt(r.nodeCpuPerUnit, 1)} | ${fmt(r.serverCpuOurs)} / ${fmt(r.serverCpuNode)} |`,
    );
  }
  return lines;
}

/** BENCHMARKS.md's heading of this section. */
export const CLIENT_SECTION = '## Client (`npx tsx bench/client.bench.ts`)';

/** Replaces (or appends) the "Client" section of BENCHMARKS.md; every other section is kept as it is. */
export function writeClientSection(rows: readonly ClientRow[], description: string): void {
  const failed = rows.reduce((n, r) => n + r.failed, 0);
  const notes = [...new Set(rows.flatMap((r) => r.notes))];
  const section = [
    CLIENT_SECTION,
    '',
    description,
    'Clients: `bench/clients/program.ts`, one program run on node:http2 (`bench/clients/node-http2.ts`) and on our',
    '`connect()` (`bench/clients/h2duplex.ts`; the two differ only in the import), compiled as the servers are',
    '(`bench/compiled.ts`), each in its own process pinned to CPU 1, against `nghttpd --no-tls` on CPU 0.',
    'Windows (C3): `settings: { initialWindowSize }` for the streams; for the connection, node:http2 calls',
    '`session.setLocalWindowSize()` (ours has none: it takes `connectionWindowSize` on `connect()`, and its default is 1 MiB).',
    'Client CPU % is the client process\'s utime+stime (/proc/PID/stat) over the measured part, % of one core.',
    'Ratio: ours ÷ node:http2, > 1 is faster. Medians; quiet gate before each run.',
    '',
    ...clientTable(rows),
    '',
    ...(failed > 0 ? [`Failed requests (both clients, counted runs): ${failed}.`, ''] : []),
    ...(notes.length > 0 ? [`Notes: ${notes.join('; ')}.`, ''] : []),
  ].join('\n');
  writeBenchmarksSection(CLIENT_SECTION, section);
}

/** Prints the top inclusive (and self) frames of each .cpuprofile in `dir`. */
export function summariseProfiles(dir: string, top = 25): string[] {
  interface Node {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
    children?: number[];
  }
  const out: string[] = [];
  for (const name of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort()) {
    const profile = JSON.parse(readFileSync(join(dir, name), 'utf8')) as { nodes: Node[] };
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const childIds = new Set(profile.nodes.flatMap((n) => n.children ?? []));
    const label = (n: Node): string => {
      const url = n.callFrame.url.replace(/^file:\/\//, '').replace(`${REPO_ROOT}/`, '');
      return `${n.callFrame.functionName === '' ? '(anonymous)' : n.callFrame.functionName} ${url === '' ? '' : `${url}:${n.callFrame.lineNumber + 1}`}`.trim();
    };
    const inclusive = new Map<string, number>();
    const self = new Map<string, number>();
    let total = 0;
    // Each sample counts once for every distinct function on its stack (recursion counted once).
    const walk = (node: Node, stack: Map<string, number>): number => {
      const key = label(node);
      stack.set(key, (stack.get(key) ?? 0) + 1);
      let hits = node.hitCount ?? 0;
      self.set(key, (self.get(key) ?? 0) + hits);
      total += hits;
      for (const c of node.children ?? []) {
        const child = byId.get(c);
        if (child !== undefined) hits += walk(child, stack);
      }
      const depth = stack.get(key) ?? 1;
      if (depth === 1) {
        inclusive.set(key, (inclusive.get(key) ?? 0) + hits);
        stack.delete(key);
      } else stack.set(key, depth - 1);
      return hits;
    };
    for (const root of profile.nodes.filter((n) => !childIds.has(n.id))) walk(root, new Map());
    // Percentages of the busy samples (idle left out: the client waiting for the server).
    const idle = self.get('(idle)') ?? 0;
    const busy = Math.max(1, total - idle);
    const pct = (n: number): string => `${((n / busy) * 100).toFixed(1)}%`.padStart(6);
    out.push(`# ${name}: ${total} samples, ${((idle / Math.max(1, total)) * 100).toFixed(0)}% idle; % of the busy ones; top inclusive frames (self in brackets)`);
    for (const [key, hits] of [...inclusive].filter(([k]) => k !== '(root)' && k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, top)) out.push(`${pct(hits)} [${pct(self.get(key) ?? 0)}] ${key}`);
    out.push(`# top self frames`);
    for (const [key, hits] of [...self].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 15)) out.push(`${pct(hits)} ${key}`);
    // Self time by where the code lives: our layers, node's streams, readable-stream, native, GC.
    const groups = new Map<string, number>();
    for (const [key, hits] of self) {
      const file = key.slice(key.lastIndexOf(' ') + 1);
      const group = key.startsWith('(')
        ? key
        : !key.includes(' ')
          ? `native (${key})`
          : /^\.bench-build\/src\/([a-z]+)\//.exec(file)?.[0] ?? /^\.bench-build\/bench\//.exec(file)?.[0] ?? /node_modules\/([^/]+)\//.exec(file)?.[0] ?? /^node:(internal\/)?([a-z_]+)/.exec(file)?.[0] ?? file;
      groups.set(group, (groups.get(group) ?? 0) + hits);
    }
    out.push('# self time by place');
    for (const [group, hits] of [...groups].filter(([g]) => g !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, 15)) out.push(`${pct(hits)} ${group}`);
  }
  return out;
}

// ------------------------------------------------------------------ CLI

async function cli(argv: string[]): Promise<void> {
  const get = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const scenarios = (get('-s') ?? CLIENT_SCENARIOS.join(',')).split(',').map((s) => s.trim().toUpperCase());
  for (const s of scenarios) if (!(CLIENT_SCENARIOS as readonly string[]).includes(s)) throw new Error(`-s: unknown scenario ${s} (C1, C2, C3, C4)`);
  const repeats = get('-r');
  const scale = get('--scale');
  const bulk = get('--bulk-bytes');
  const cpuProf = get('--cpu-prof');
  const gate = get('--gate');
  const options: ClientBenchOptions = { scenarios: scenarios as ClientScenario[], quick, pin: !argv.includes('--no-pin') };
  if (repeats !== undefined) options.repeats = Number(repeats);
  if (scale !== undefined) options.scale = Number(scale);
  if (bulk !== undefined) options.bulkBytes = Number(bulk);
  if (cpuProf !== undefined) options.cpuProf = cpuProf;
  if (gate !== undefined) options.gate = Number(gate);
  const started = Date.now();
  const rows = await runClientBench(options);
  const table = clientTable(rows);
  console.log(`\n# our client (connect()) vs node:http2's, against nghttpd (ratio > 1: ours is faster)\n${table.join('\n')}`);
  for (const r of rows) if (r.notes.length > 0 || r.failed > 0) console.log(`# ${r.scenario} ${r.metric}: failed ${r.failed}; ${r.notes.join('; ')}`);
  console.log(`# ${((Date.now() - started) / 1000).toFixed(1)} s (${process.uptime().toFixed(1)} s since this process started)`);
  if (cpuProf !== undefined) for (const line of summariseProfiles(cpuProf)) console.log(line);
  if (!argv.includes('--no-write')) {
    const r = options.repeats ?? (quick ? 1 : 3);
    writeClientSection(
      rows,
      `Latest \`npx tsx bench/client.bench.ts${argv.length > 0 ? ` ${argv.join(' ')}` : ''}\`: ${new Date().toISOString()} on Node ${process.version}, ${r} repeat(s), nghttpd ${nghttpdVersion()}.`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  cli(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  });
}
