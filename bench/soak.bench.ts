/**
 * Memory under load (issue #19, item 5): a mixed soak, h2load with 50 connections × 20 streams for
 * 60 s (`-D 60`), the URIs cycling /bytes/2, /bytes/16384, /bytes/100000 (`-i`), against our
 * compiled bench server (bench/compiled.ts) and node:http2's anchor
 * (../shared/bench/anchors/node-http2-server.mjs), one after the other, each started fresh for its
 * run. Server pinned to CPU 0, h2load to CPU 1 (taskset), a quiet gate before each run (other
 * processes ≤ `gate` % of one core over 1 s, waiting at most 90 s), as the sibling benchmarks do.
 *
 * Per server: req/s (h2load's), peak RSS (the highest /proc/PID/status VmRSS sampled every 200 ms,
 * and VmHWM at the end), CPU % (utime+stime from /proc/PID/stat over h2load's wall time, % of one
 * core); ratios ours ÷ node (req/s: > 1 is better; peak RSS: < 1 is better).
 *
 *   npx tsx bench/soak.bench.ts [-d SECONDS] [--quick] [--no-write] [--no-pin] [--gate PCT] [--snapshot DIR]
 *
 * --quick: 8 s per server, no gate wait. --snapshot DIR: after the two measured runs, one more
 * (uncounted) run of our server under `node --heapsnapshot-signal=SIGUSR2`, signalled at 2/3 of
 * the duration, the snapshot written into DIR and summarised (largest constructors by self size,
 * and who holds the ArrayBuffer bytes); a snapshot stops the server for seconds and doubles its
 * heap for a moment, so it never runs during a measured run. `runSoakBench(options)` does the same
 * from code; the CLI writes BENCHMARKS.md's "Soak" section ({@link writeSoakSection}, other
 * sections kept). Needs h2load (Debian nghttp2-client) and ../shared.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT, SHARED_DIR } from '../spec/helpers/shared.js';
import { freePort, hasCommand, waitForPort } from '../spec/helpers/tools.js';
import { compileBenchServer } from './compiled.js';
import { busyTicks, CLK_TCK, fmt, h2loadSeconds, processTicks, quietGate, sleep, stopChild, writeBenchmarksSection } from './measure.js';

/** The scenario name `npm run bench -- -s SOAK` takes. */
export const SOAK_SCENARIOS: readonly string[] = ['SOAK'];

/** Response sizes the URIs cycle through. */
export const SOAK_SIZES: readonly number[] = [2, 16384, 100_000];

/** Options of {@link runSoakBench}. */
export interface SoakBenchOptions {
  /** Seconds of load per server (h2load -D). Default 60 (8 with `quick`). */
  duration?: number;
  /** 8 s, no gate wait. */
  quick?: boolean;
  /** h2load -c. Default 50. */
  connections?: number;
  /** h2load -m. Default 20. */
  streams?: number;
  /** Server on CPU 0, h2load on CPU 1 (when taskset exists and there are 2 CPUs). Default true. */
  pin?: boolean;
  /** Quiet gate: % of one core other processes may use; -1 turns it off. Default 25. */
  gate?: number;
  /** Seconds the gate waits for quiet before running anyway. Default 90 (0 with `quick`). */
  gateWait?: number;
  /** Take one heap snapshot of our server (an extra, uncounted run) into this folder. */
  snapshot?: string;
  /** Progress lines. Default console.log. */
  log?: (line: string) => void;
}

/** One server's soak. */
export interface SoakRow {
  server: 'h2duplex' | 'node:http2';
  /** h2load's req/s over the run; NaN when h2load failed. */
  reqps: number;
  /** Highest VmRSS sampled every 200 ms, MiB. */
  peakRss: number;
  /** VmHWM at the end of the run (the kernel's peak), MiB. */
  hwm: number;
  /** Server utime+stime over h2load's wall time, % of one core. */
  cpu: number;
  /** h2load's CPU % (user+sys over elapsed); NaN without /usr/bin/time. */
  clientCpu: number;
  /** Other processes' CPU during the run, % of one core. */
  other: number;
  succeeded: number;
  failed: number;
  status: string;
}

/** What {@link runSoakBench} returns: the two rows (ours first), and the snapshot summary when asked. */
export interface SoakResult {
  rows: SoakRow[];
  duration: number;
  pinNote: string;
  /** The snapshot file and its summary lines (empty without `snapshot`). */
  snapshot: { file: string; rssAtSignal: number; lines: string[] } | null;
}

type Label = 'ours' | 'node';
const NAME: Record<Label, SoakRow['server']> = { ours: 'h2duplex', node: 'node:http2' };
const MIB = 1024 * 1024;

/** A field of /proc/PID/status in kB (VmRSS, VmHWM), as MiB; NaN once the process is gone. */
function procStatusMiB(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'));
    return m === null ? NaN : Number(m[1]) / 1024;
  } catch {
    return NaN;
  }
}

/** Runs `command` without blocking this process (the RSS sampler keeps ticking); resolves with its output. */
function runAsync(command: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

/** Runs the soak against both servers (node:http2 first, then ours); see the file's comment. Throws without h2load or ../shared. */
export async function runSoakBench(options: SoakBenchOptions = {}): Promise<SoakResult> {
  const quick = options.quick ?? false;
  const duration = options.duration ?? (quick ? 8 : 60);
  const connections = options.connections ?? 50;
  const streams = options.streams ?? 20;
  const gate = options.gate ?? 25;
  const gateWait = options.gateWait ?? (quick ? 0 : 90);
  const log = options.log ?? ((l: string) => console.log(l));
  if (!hasCommand('h2load')) throw new Error('soak bench: h2load is missing (apt-get install nghttp2-client)');
  if (SHARED_DIR === null) throw new Error('soak bench: ../shared is missing (the node:http2 anchor lives in ../shared/bench/anchors)');
  const anchor = join(SHARED_DIR, 'bench', 'anchors', 'node-http2-server.mjs');
  const pin = (options.pin ?? true) && hasCommand('taskset') && cpus().length >= 2;
  const pinNote = pin ? 'server pinned to CPU 0, h2load to CPU 1' : 'not pinned';
  const timed = existsSync('/usr/bin/time');
  const compiled = compileBenchServer();
  const out = mkdtempSync(join(tmpdir(), 'h2duplex-soak-bench-'));
  log(`# soak: ${connections} connections × ${streams} streams, ${duration} s per server, /bytes/{${SOAK_SIZES.join(',')}}; ${pinNote}; raw output in ${out}`);

  const soak = async (label: Label, extraNodeArgs: string[] = [], onTick?: (elapsed: number, pid: number) => void): Promise<SoakRow> => {
    const port = await freePort();
    const script = label === 'ours' ? compiled.server : anchor;
    const serverArgs = [...extraNodeArgs, script, String(port)];
    const [command, args] = pin ? ['taskset', ['-c', '0', process.execPath, ...serverArgs]] : [process.execPath, serverArgs];
    const logFd = openSync(join(out, `soak.${label}.server.log`), 'a');
    const child = spawn(command, args, { stdio: ['ignore', logFd, logFd], cwd: options.snapshot !== undefined && extraNodeArgs.length > 0 ? resolve(options.snapshot) : REPO_ROOT });
    closeSync(logFd);
    try {
      const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`soak bench: the ${NAME[label]} server exited (${String(code)}) before listening; see ${out}`))));
      exited.catch(() => undefined);
      await Promise.race([waitForPort(port), exited]);
      const pid = child.pid;
      const uris = join(out, `uris.${label}.txt`);
      writeFileSync(uris, SOAK_SIZES.map((n, i) => (i === 0 ? `http://127.0.0.1:${port}/bytes/${n}` : `/bytes/${n}`)).join('\n') + '\n');
      await quietGate({ gate, waitS: gateWait, sampleMs: 1000, ours: () => processTicks(pid), log, label: 'soak: ' });

      const file = join(out, `h2load.${label}${extraNodeArgs.length > 0 ? '.snapshot' : ''}.txt`);
      const h2loadArgs = ['-D', String(duration), '-c', String(connections), '-m', String(streams), '-i', uris];
      const client = [...(timed ? ['/usr/bin/time', '-f', '%U %S %e', '-o', `${file}.time`] : []), 'h2load', ...h2loadArgs];
      const [cc, ca] = pin ? ['taskset', ['-c', '1', ...client]] : [client[0] ?? 'h2load', client.slice(1)];
      let peak = 0;
      const started = Date.now();
      const sampler = setInterval(() => {
        const rss = procStatusMiB(pid, 'VmRSS');
        if (Number.isFinite(rss) && rss > peak) peak = rss;
        onTick?.((Date.now() - started) / 1000, pid ?? 0);
      }, 200);
      const t0 = processTicks(pid);
      const b0 = busyTicks();
      const r = await runAsync('timeout', ['-k', '5', String(duration + 120), cc, ...ca]).finally(() => clearInterval(sampler));
      const ticks = processTicks(pid) - t0;
      const busy = busyTicks() - b0;
      const hwm = procStatusMiB(pid, 'VmHWM');
      writeFileSync(file, r.stdout + r.stderr);
      const [user, sys, elapsed] = (timed && existsSync(`${file}.time`) ? (readFileSync(`${file}.time`, 'utf8').trim().split('\n').pop() ?? '').split(' ') : []).map(Number);
      const clientSeconds = (user ?? NaN) + (sys ?? NaN);
      const wall = h2loadSeconds(r.stdout);
      const succeeded = Number(/(\d+) succeeded/.exec(r.stdout)?.[1] ?? 0);
      const failed = Number(/(\d+) failed/.exec(r.stdout)?.[1] ?? NaN);
      const other = Math.max(0, ((busy - ticks) / CLK_TCK - (Number.isFinite(clientSeconds) ? clientSeconds : 0)) / wall) * 100;
      const status = r.status !== 0 ? `h2load-exit-${String(r.status)}` : succeeded === 0 ? 'no-requests' : failed > 0 ? 'requests-failed' : 'ok';
      const row: SoakRow = {
        server: NAME[label],
        reqps: r.status === 0 ? Number(/([0-9.]+) req\/s/.exec(r.stdout)?.[1] ?? NaN) : NaN,
        peakRss: peak > 0 ? peak : NaN,
        hwm,
        cpu: (ticks / CLK_TCK / wall) * 100,
        clientCpu: elapsed !== undefined && elapsed > 0 ? (clientSeconds / elapsed) * 100 : NaN,
        other: Number.isFinite(other) ? other : 0,
        succeeded,
        failed,
        status,
      };
      log(`# soak ${row.server}: ${fmt(row.reqps)} req/s, peak RSS ${fmt(row.peakRss, 1)} MiB (VmHWM ${fmt(row.hwm, 1)}), CPU ${fmt(row.cpu)}%, h2load ${fmt(row.clientCpu)}%, other ${fmt(row.other)}%, ${succeeded} succeeded, ${failed} failed, ${status}`);
      return row;
    } finally {
      // A heap snapshot in progress keeps the server busy: wait for the file to stop growing first.
      if (extraNodeArgs.length > 0 && options.snapshot !== undefined) await snapshotWritten(options.snapshot);
      await stopChild(child, 30_000);
    }
  };

  const node = await soak('node');
  const ours = await soak('ours');
  let snapshot: SoakResult['snapshot'] = null;
  if (options.snapshot !== undefined) {
    const dir = resolve(options.snapshot);
    mkdirSync(dir, { recursive: true });
    const before = new Set(readdirSync(dir));
    let rssAtSignal = NaN;
    let signalledAt = 0;
    let signalled = false;
    // process.memoryUsage() every 500 ms into the server's log: the heap before the snapshot's GC.
    const usage = encodeURIComponent("setInterval(()=>process.stderr.write(JSON.stringify({t:Date.now(),...process.memoryUsage()})+'\\n'),500).unref()");
    log(`# soak: snapshot run (not counted): our server under --heapsnapshot-signal=SIGUSR2, signalled at ${fmt((duration * 2) / 3, 1)} s`);
    await soak('ours', ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${dir}`, `--import=data:text/javascript,${usage}`], (elapsed, pid) => {
      if (signalled || elapsed < (duration * 2) / 3 || pid === 0) return;
      signalled = true;
      signalledAt = Date.now();
      rssAtSignal = procStatusMiB(pid, 'VmRSS');
      process.kill(pid, 'SIGUSR2');
    });
    const file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (file === undefined) log('# soak: no heap snapshot was written');
    else {
      const path = join(dir, file);
      const lines = summariseHeapSnapshot(path);
      const lastUsage = readFileSync(join(out, 'soak.ours.server.log'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{"t":'))
        .map((l) => JSON.parse(l) as { t: number } & NodeJS.MemoryUsage)
        .filter((u) => u.t <= signalledAt)
        .pop();
      const mem = lastUsage === undefined ? 'n/a' : `rss ${fmt(lastUsage.rss / MIB, 1)}, heapTotal ${fmt(lastUsage.heapTotal / MIB, 1)}, heapUsed ${fmt(lastUsage.heapUsed / MIB, 1)}, external ${fmt(lastUsage.external / MIB, 1)}, arrayBuffers ${fmt(lastUsage.arrayBuffers / MIB, 1)} MiB`;
      snapshot = { file: path, rssAtSignal, lines: [`heap snapshot ${path} (VmRSS at the signal ${fmt(rssAtSignal, 1)} MiB)`, `process.memoryUsage() just before the signal (before the snapshot's GC): ${mem}`, ...lines] };
      for (const line of snapshot.lines) log(`# ${line}`);
    }
  }
  return { rows: [ours, node], duration, pinNote, snapshot };
}

/** Resolves once the newest .heapsnapshot in `dir` has not grown for 2 s (at most 120 s). */
async function snapshotWritten(dir: string): Promise<void> {
  let last = -1;
  for (let i = 0; i < 120; i++) {
    const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.heapsnapshot')) : [];
    const size = files.reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    if (size > 0 && size === last) return;
    last = size;
    await sleep(2000);
  }
}

// ------------------------------------------------------------------ heap snapshot

interface HeapSnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/**
 * What holds the memory in a V8 heap snapshot: the largest groups by constructor (objects) or
 * type (arrays, strings, code, native), by self size; and the ArrayBuffer backing stores
 * (Buffers, slabs) grouped by the chain of objects that retains them (first retainer, weak
 * edges skipped, up to four named owners).
 */
export function summariseHeapSnapshot(file: string, top = 12): string[] {
  const snap = JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshotJson;
  const { node_fields: nf, node_types: nt, edge_fields: ef, edge_types: et } = snap.snapshot.meta;
  const N = nf.length;
  const E = ef.length;
  const [typeAt, nameAt, sizeAt, edgesAt] = ['type', 'name', 'self_size', 'edge_count'].map((f) => nf.indexOf(f)) as [number, number, number, number];
  const [edgeTypeAt, toAt] = ['type', 'to_node'].map((f) => ef.indexOf(f)) as [number, number];
  const types = nt[0];
  const edgeTypes = et[0];
  const { nodes, edges, strings } = snap;
  const count = nodes.length / N;
  const typeOf = (n: number): string => types[nodes[n * N + typeAt] ?? 0] ?? '?';
  const nameOf = (n: number): string => strings[nodes[n * N + nameAt] ?? 0] ?? '?';
  const label = (n: number): string => {
    const t = typeOf(n);
    return t === 'object' || t === 'native' || t === 'closure' ? (t === 'closure' ? `(closure) ${nameOf(n) || 'anonymous'}` : nameOf(n)) : `(${t})`;
  };

  // Self sizes by label, and each node's first strong retainer.
  const groups = new Map<string, { size: number; count: number }>();
  const retainer = new Int32Array(count).fill(-1);
  let total = 0;
  for (let n = 0, e = 0; n < count; n++) {
    const size = nodes[n * N + sizeAt] ?? 0;
    total += size;
    const key = label(n);
    const g = groups.get(key) ?? { size: 0, count: 0 };
    g.size += size;
    g.count++;
    groups.set(key, g);
    const edgeCount = nodes[n * N + edgesAt] ?? 0;
    for (let k = 0; k < edgeCount; k++, e += E) {
      const edgeType = edgeTypes[edges[e + edgeTypeAt] ?? 0];
      if (edgeType === 'weak' || edgeType === 'shortcut') continue;
      const to = (edges[e + toAt] ?? 0) / N;
      // Skip the synthetic roots ("(GC roots)", "(Internalized strings)"…) as owners.
      if (retainer[to] === -1 && typeOf(n) !== 'synthetic') retainer[to] = n;
    }
  }
  const lines = [`total self size ${fmt(total / MIB, 1)} MiB in ${count} nodes; largest groups (self size):`];
  for (const [key, g] of [...groups].sort((a, b) => b[1].size - a[1].size).slice(0, top)) lines.push(`  ${fmt(g.size / MIB, 2).padStart(8)} MiB  ${String(g.count).padStart(7)} × ${key}`);

  // Backing stores, by who holds them.
  const plumbing = new Set(['ArrayBuffer', 'Uint8Array', 'Buffer', 'FastBuffer', '(array)', 'Array', '(object properties)', '(object elements)', 'system / JSArrayBufferData', '(hidden)']);
  const owners = new Map<string, { size: number; count: number }>();
  let stores = 0;
  for (let n = 0; n < count; n++) {
    if (typeOf(n) !== 'native' || !nameOf(n).includes('JSArrayBufferData')) continue;
    const size = nodes[n * N + sizeAt] ?? 0;
    stores += size;
    const chain: string[] = [];
    let view = '';
    for (let at = retainer[n] ?? -1, hops = 0; at >= 0 && chain.length < 4 && hops < 12; at = retainer[at] ?? -1, hops++) {
      const l = label(at);
      if (l === 'Uint8Array' || l === 'Buffer' || l === 'FastBuffer') view ||= l;
      if (!plumbing.has(l) && !l.startsWith('system /')) chain.push(l);
    }
    const key = `${view || 'ArrayBuffer'} ← ${chain.join(' ← ') || '(no named owner)'}`;
    const g = owners.get(key) ?? { size: 0, count: 0 };
    g.size += size;
    g.count++;
    owners.set(key, g);
  }
  lines.push(`ArrayBuffer backing stores ${fmt(stores / MIB, 1)} MiB, by retaining chain (first strong retainer):`);
  for (const [key, g] of [...owners].sort((a, b) => b[1].size - a[1].size).slice(0, top)) lines.push(`  ${fmt(g.size / MIB, 2).padStart(8)} MiB  ${String(g.count).padStart(7)} × ${key}`);
  return lines;
}

// ------------------------------------------------------------------ output

/** The rows as a markdown table, with a ratio row (req/s: ours ÷ node, > 1 better; RSS: ours ÷ node, < 1 better). */
export function soakTable(rows: readonly SoakRow[]): string[] {
  const lines = ['| server | req/s | peak RSS MiB (200 ms samples) | VmHWM MiB | CPU % | h2load CPU % | requests | failed |', '|---|---|---|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.server} | ${fmt(r.reqps)} | ${fmt(r.peakRss, 1)} | ${fmt(r.hwm, 1)} | ${fmt(r.cpu)} | ${fmt(r.clientCpu)} | ${r.succeeded} | ${fmt(r.failed)} |`);
  const ours = rows.find((r) => r.server === 'h2duplex');
  const node = rows.find((r) => r.server === 'node:http2');
  if (ours !== undefined && node !== undefined) {
    lines.push(`| ratio ours ÷ node | ${fmt(ours.reqps / node.reqps, 2)} (> 1 better) | ${fmt(ours.peakRss / node.peakRss, 2)} (< 1 better) | ${fmt(ours.hwm / node.hwm, 2)} | ${fmt(ours.cpu / node.cpu, 2)} | – | – | – |`);
  }
  return lines;
}

/** BENCHMARKS.md's heading of this section. */
export const SOAK_SECTION = '## Soak';

/** Replaces (or appends) the "Soak" section of BENCHMARKS.md; every other section is kept as it is. */
export function writeSoakSection(rows: readonly SoakRow[], description: string): void {
  const section = [
    SOAK_SECTION,
    '',
    description,
    'Memory under load (issue #19, item 5): h2load, 50 connections × 20 streams, `-D` seconds, URIs cycling `/bytes/2`,',
    '`/bytes/16384`, `/bytes/100000` (`-i`), against our compiled bench server (`bench/bench-server.ts`, `bench/compiled.ts`)',
    'and node:http2\'s anchor (`../shared/bench/anchors/node-http2-server.mjs`), one after the other, each started fresh.',
    'Peak RSS: the highest /proc/PID/status VmRSS sampled every 200 ms (VmHWM: the kernel\'s peak, read at the end).',
    'CPU %: the server\'s utime+stime over h2load\'s wall time, % of one core. `npx tsx bench/soak.bench.ts`.',
    '',
    ...soakTable(rows),
    '',
  ].join('\n');
  writeBenchmarksSection(SOAK_SECTION, section);
}

// ------------------------------------------------------------------ CLI

async function cli(argv: string[]): Promise<void> {
  const get = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const options: SoakBenchOptions = { quick: argv.includes('--quick'), pin: !argv.includes('--no-pin') };
  const duration = get('-d');
  const gate = get('--gate');
  const snapshot = get('--snapshot');
  if (duration !== undefined) options.duration = Number(duration);
  if (gate !== undefined) options.gate = Number(gate);
  if (snapshot !== undefined) options.snapshot = snapshot;
  const started = Date.now();
  const result = await runSoakBench(options);
  console.log(`\n# soak, ${result.duration} s per server: h2duplex vs node:http2 (${result.pinNote})\n${soakTable(result.rows).join('\n')}`);
  console.log(`# ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (!argv.includes('--no-write')) {
    writeSoakSection(result.rows, `Latest \`npx tsx bench/soak.bench.ts${argv.length > 0 ? ` ${argv.join(' ')}` : ''}\`: ${new Date().toISOString()} on Node ${process.version}, ${result.duration} s per server, ${result.pinNote}.`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  cli(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  });
}
