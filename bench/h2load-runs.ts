/**
 * The h2load runner of the bench parts that start their own servers and load them with h2load:
 * TLS (bench/tls.bench.ts: S1t, S4t) and priorities (bench/priority.bench.ts: S1p, S4p). Each
 * part brings its servers and its columns (a column: one server, and what h2load adds to each
 * request for it); this module runs them by ../shared/bench/run-h2load.sh's rules, so the parts
 * measure alike: servers on CPU 0 and h2load on CPU 1 (taskset), a warm-up, a quiet gate before
 * each run (other processes ≤ `gate` % of one core over 1 s, waiting at most 90 s) and up to 2
 * reruns of a run during which they were busier, the server's CPU % from /proc/PID/stat and
 * h2load's from /usr/bin/time, medians over the repeats. The servers stay up for the whole run
 * and each round takes the columns in turn, starting one column further than the round before,
 * so slow drift of a shared machine hits all alike. Each part keeps its table and its
 * BENCHMARKS.md section; the /proc readings and the gate are bench/measure.ts's.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../spec/helpers/shared.js';
import { freePort, hasCommand, waitForPort } from '../spec/helpers/tools.js';
import { busyTicks, CLK_TCK, fmt, h2loadSeconds, median, processTicks, quietGate, stopChild } from './measure.js';

/** What a part measures and how, from `npm run bench`'s flags. */
export interface H2loadBenchOptions {
  /** Some of the part's scenarios. */
  scenarios: string[];
  repeats: number;
  /** Multiplies the S1-like scenario's request count (as run-h2load.sh's --scale does S1's). */
  scale: number;
  /** The S4-like scenario's request path, `/bytes/N`. */
  bulk: string;
  /** Pin the servers to CPU 0 and h2load to CPU 1 (when taskset exists and there are 2 CPUs). */
  pin: boolean;
  /** Quiet gate: % of one core other processes may use; -1 turns the gate and the reruns off. */
  gate: number;
  /** Small GETs (10 connections × 100 streams) sent in each column before measuring, not counted. */
  warmup: number;
  /** Where server logs, h2load output and the runs file go (TLS: the certificates too). */
  out: string;
}

/** A server of a part, started before the first run and stopped after the last. */
export interface BenchServer {
  /** `h2duplex` or `node-http2`: names its log file and its lines. */
  label: string;
  /** Program and arguments, `PORT` standing for its port; the runner adds the pinning. */
  command: string[];
}

/** A column of a part's table: the server it loads and what h2load adds to its requests. */
export interface H2loadColumn<C extends string> {
  /** Names the column's lines, its output files and its rows of the runs file. */
  name: C;
  /** The {@link BenchServer.label} of its server. */
  server: string;
  /** h2load arguments added in a scenario (priority: `-H 'priority: …'`); none when absent. */
  args?: (scenario: string) => string[];
}

/** A part: its name, scenarios, servers and columns. */
export interface H2loadBench<C extends string> {
  /** `tls` or `priority`: begins its lines, files and errors. */
  name: string;
  /** Its scenario names, as `-s` takes them: S1-like (`S1…`) and S4-like (`S4…`); the warm-up sends the first's column arguments. */
  scenarios: readonly string[];
  /** h2load over TLS (https, ALPN h2) rather than h2c (http, prior knowledge). */
  tls: boolean;
  servers: BenchServer[];
  /** In round 1's order. */
  columns: Array<H2loadColumn<C>>;
  /** Sees h2load's output of each measured run (TLS reads the protocol and cipher from it). */
  onOutput?: (text: string) => void;
}

/** Medians of one column in one scenario. */
export interface H2loadSummary {
  /** req/s (S1-like) or MB/s (S4-like), median. */
  value: number;
  min: number;
  max: number;
  /** Server CPU time as % of one core over h2load's wall time, median. */
  serverCpu: number;
  /** h2load's CPU % (user+sys over elapsed), median: near 100, the client was the bottleneck. */
  clientCpu: number;
  /** Runs in the medians. */
  runs: number;
  /** Failed requests (or runs that did not speak h2 over TLS, h2c over cleartext) over all runs. */
  failed: number;
  /** The most CPU other processes used during a counted run, % of one core. */
  otherMax: number;
}

/** What {@link runH2loadBench} returns. */
export interface H2loadResult<C extends string> {
  /** The medians of a column in a scenario. */
  summary: (column: C, scenario: string) => H2loadSummary;
  pinNote: string;
}

interface Run {
  column: string;
  scenario: string;
  round: number;
  attempt: number;
  reqps: number;
  mbps: number;
  serverCpu: number;
  clientCpu: number;
  other: number;
  failed: number;
  status: string;
  noise: 'clean' | 'noisy' | 'retried';
}

interface Server {
  label: string;
  port: number;
  child: ChildProcess;
}

/** The S1-like scenario's request count: S1's, times `scale`; h2load refuses fewer requests than connections (10). */
export function s1Requests(scale: number): number {
  return Math.max(10, Math.round(200_000 * scale));
}

/** What a scenario's value counts: MB/s for the S4-like one (a single large download), req/s for the S1-like one. */
export function metricOf(scenario: string): 'req/s' | 'MB/s' {
  return scenario.startsWith('S4') ? 'MB/s' : 'req/s';
}

/** A console line with a summary's median, its range, its runs, the noise around them and the failures. */
export function summaryLine(part: string, scenario: string, label: string, s: H2loadSummary): string {
  const metric = metricOf(scenario);
  const digits = metric === 'MB/s' ? 1 : 0;
  return `# ${part} ${scenario} ${label}: ${fmt(s.value, digits)} ${metric} [${fmt(s.min, digits)}..${fmt(s.max, digits)}] over ${s.runs} run(s), other processes ≤ ${fmt(s.otherMax, 0)}% of a core, ${s.failed} failed`;
}

const serverTicks = (servers: Server[]) => servers.reduce((sum, s) => sum + processTicks(s.child.pid), 0);

/** h2load's arguments and URL path for a scenario (before its column's). */
function scenarioArgs<C extends string>(bench: H2loadBench<C>, scenario: string, options: H2loadBenchOptions): { args: string[]; path: string; requests: number } {
  if (!bench.scenarios.includes(scenario)) throw new Error(`${bench.name}: unknown scenario ${scenario} (known: ${bench.scenarios.join(', ')})`);
  if (metricOf(scenario) === 'MB/s') return { args: ['-n', '1', '-c', '1', '-m', '1', '-w', '30', '-W', '30'], path: options.bulk, requests: 1 };
  const n = s1Requests(options.scale);
  return { args: ['-n', String(n), '-c', '10', '-m', '100'], path: '/', requests: n };
}

async function startServer(part: string, label: string, command: string[], out: string): Promise<Server> {
  const port = await freePort();
  const [program, ...args] = command;
  const log = openSync(join(out, `${part}.${label}.server.log`), 'w');
  const child = spawn(program ?? 'node', [...args.map((a) => (a === 'PORT' ? String(port) : a))], { stdio: ['ignore', log, log], cwd: REPO_ROOT });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`${part}: the ${label} server exited (${String(code)}) before listening; see ${out}`))));
  await Promise.race([waitForPort(port), exited]);
  return { label, port, child };
}

/** Runs a part's scenarios in its columns; prints one line per run and returns the medians. */
export async function runH2loadBench<C extends string>(bench: H2loadBench<C>, options: H2loadBenchOptions): Promise<H2loadResult<C>> {
  const pinned = options.pin && hasCommand('taskset') && Number(spawnSync('nproc', ['--all'], { encoding: 'utf8' }).stdout.trim()) >= 2;
  const serverPin = pinned ? ['taskset', '-c', '0'] : [];
  const clientPin = pinned ? ['taskset', '-c', '1'] : [];
  const pinNote = pinned ? 'servers pinned to CPU 0 and h2load to CPU 1' : 'not pinned';
  const timed = existsSync('/usr/bin/time');
  const started = Date.now();
  // Over TLS, ALPN chose the protocol; over cleartext, h2load spoke h2c by prior knowledge.
  const [scheme, expected, mismatch] = bench.tls ? (['https', 'h2', 'alpn'] as const) : (['http', 'h2c', 'protocol'] as const);

  const servers: Server[] = [];
  try {
    for (const s of bench.servers) servers.push(await startServer(bench.name, s.label, [...serverPin, ...s.command], options.out));
    console.log(`# ${bench.name}: ${servers.map((s) => `${s.label} pid ${String(s.child.pid)} port ${s.port}`).join(', ')}; ${pinNote}; raw output in ${options.out}`);
    const serverOf = (column: H2loadColumn<C>): Server => servers.find((s) => s.label === column.server)!;

    const h2load = (server: Server, args: string[], path: string, file: string) => {
      const command = [...clientPin, ...(timed ? ['/usr/bin/time', '-f', '%U %S %e', '-o', `${file}.time`] : []), 'h2load', ...args, `${scheme}://127.0.0.1:${server.port}${path}`];
      const r = spawnSync('timeout', ['-k', '5', '300', ...command], { encoding: 'utf8', maxBuffer: 1 << 24 });
      writeFileSync(file, r.stdout + r.stderr);
      return { status: r.status, text: r.stdout };
    };
    if (options.warmup > 0) {
      const warm = ['-n', String(options.warmup), '-c', '10', '-m', '100'];
      for (const c of bench.columns) h2load(serverOf(c), [...warm, ...(c.args?.(bench.scenarios[0] ?? '') ?? [])], '/', join(options.out, `${bench.name}.${c.name}.warmup.txt`));
    }

    const runs: Run[] = [];
    const measure = (column: H2loadColumn<C>, scenario: string, round: number, attempt: number): Run => {
      const server = serverOf(column);
      const { args, path, requests } = scenarioArgs(bench, scenario, options);
      const file = join(options.out, `${bench.name}.${column.name}.${scenario}.${round}.${attempt}.txt`);
      const t0 = processTicks(server.child.pid);
      const all0 = serverTicks(servers);
      const b0 = busyTicks();
      const { status, text } = h2load(server, [...args, ...(column.args?.(scenario) ?? [])], path, file);
      const ticks = processTicks(server.child.pid) - t0;
      const allTicks = serverTicks(servers) - all0;
      const busy = busyTicks() - b0;
      bench.onOutput?.(text);
      const wall = h2loadSeconds(text);
      const succeeded = Number(/(\d+) succeeded/.exec(text)?.[1] ?? 0);
      const total = Number(/traffic: .*?\((\d+)\) total/.exec(text)?.[1] ?? NaN);
      const protocol = /Application protocol: (\S+)/.exec(text)?.[1] ?? 'none';
      const [user, sys, elapsed] = (timed && existsSync(`${file}.time`) ? readFileSync(`${file}.time`, 'utf8').trim().split('\n').pop()!.split(' ') : []).map(Number);
      const clientSeconds = (user ?? NaN) + (sys ?? NaN);
      const outcome = status !== 0 ? `h2load-exit-${String(status)}` : protocol !== expected ? `${mismatch}-${protocol}` : succeeded < requests ? 'requests-failed' : 'ok';
      const ok = outcome === 'ok';
      const other = Math.max(0, ((busy - allTicks) / CLK_TCK - (Number.isFinite(clientSeconds) ? clientSeconds : 0)) / wall) * 100;
      return {
        column: column.name,
        scenario,
        round,
        attempt,
        reqps: ok ? Number(/([0-9.]+) req\/s/.exec(text)?.[1] ?? NaN) : NaN,
        mbps: ok ? total / wall / 1e6 : NaN,
        serverCpu: (ticks / CLK_TCK / wall) * 100,
        clientCpu: elapsed !== undefined && elapsed > 0 ? (clientSeconds / elapsed) * 100 : NaN,
        other: Number.isFinite(other) ? other : 0,
        failed: requests - succeeded,
        status: outcome,
        noise: options.gate >= 0 && other > options.gate ? 'noisy' : 'clean',
      };
    };

    for (let round = 1; round <= options.repeats; round++) {
      const shift = (round - 1) % bench.columns.length;
      const order = [...bench.columns.slice(shift), ...bench.columns.slice(0, shift)];
      for (const scenario of options.scenarios) {
        for (const column of order) {
          for (let attempt = 0; ; attempt++) {
            if (options.gate >= 0) await quietGate({ gate: options.gate, waitS: 90, sampleMs: 1000, ours: () => serverTicks(servers), log: (line) => { console.error(line); }, label: `${bench.name}: ` });
            const run = measure(column, scenario, round, attempt);
            const retry = run.noise === 'noisy' && attempt < 2;
            if (retry) run.noise = 'retried';
            runs.push(run);
            const value = metricOf(scenario) === 'MB/s' ? `${fmt(run.mbps, 1)} MB/s` : `${fmt(run.reqps, 0)} req/s`;
            console.log(`# ${bench.name} ${run.column} ${scenario} round ${round}${attempt > 0 ? ` attempt ${attempt}` : ''}: ${value}, srv ${fmt(run.serverCpu, 0)}%, h2load ${fmt(run.clientCpu, 0)}%, other ${fmt(run.other, 0)}%, ${run.status}${run.noise === 'clean' ? '' : `, ${run.noise}`}`);
            if (!retry) break;
          }
        }
      }
    }
    writeFileSync(
      join(options.out, `${bench.name}.runs.tsv`),
      ['column\tscenario\tround\tattempt\treq/s\tMB/s\tsrv%\th2load%\tother%\tfailed\tstatus\tnoise', ...runs.map((r) => [r.column, r.scenario, r.round, r.attempt, r.reqps, r.mbps, r.serverCpu, r.clientCpu, r.other, r.failed, r.status, r.noise].join('\t'))].join('\n') + '\n',
    );
    for (const s of servers) {
      const hwm = /VmHWM:\s+(\d+ kB)/.exec(existsSync(`/proc/${String(s.child.pid)}/status`) ? readFileSync(`/proc/${String(s.child.pid)}/status`, 'utf8') : '')?.[1];
      console.log(`# ${bench.name} ${s.label}: peak RSS ${hwm ?? 'n/a'}`);
    }
    console.log(`# ${bench.name}: ${((Date.now() - started) / 1000).toFixed(1)} s (quiet gates included)`);
    return { summary: (column, scenario) => summarize(runs, column, scenario), pinNote };
  } finally {
    for (const s of servers) await stopChild(s.child);
  }
}

/** The medians of a column's counted runs (a rerun replaces the noisy run it repeats). */
function summarize(runs: Run[], column: string, scenario: string): H2loadSummary {
  const mine = runs.filter((r) => r.column === column && r.scenario === scenario && r.noise !== 'retried');
  const values = mine.map((r) => (metricOf(scenario) === 'MB/s' ? r.mbps : r.reqps)).filter(Number.isFinite);
  return {
    value: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    serverCpu: median(mine.map((r) => r.serverCpu)),
    clientCpu: median(mine.map((r) => r.clientCpu)),
    runs: values.length,
    failed: mine.reduce((sum, r) => sum + r.failed, 0),
    otherMax: Math.max(0, ...mine.map((r) => r.other)),
  };
}
