/**
 * The priority scenarios of `npm run bench` (issue #20: "the scheduler costs nothing measurable
 * on S1/S4 when no priorities are used"): h2load with and without an RFC 9218 `priority` request
 * header against our compiled bench server (bench/bench-server.ts, bench/compiled.ts), and
 * without it against node:http2's anchor (../shared/bench/anchors/node-http2-server.mjs), in the
 * same invocation. Three columns per scenario: ours with the header, ours without, node:http2
 * without; two ratios: ours with ÷ ours without (what the priority path costs) and ours without ÷
 * node:http2 (the S1/S4 ratio of the h2c table, measured alongside).
 *
 *   S1p  h2load -n 200000 -c 10 -m 100 GET /                     -H 'priority: u=1, i'   (S1)
 *   S4p  h2load -n 1 -c 1 -m 1 -w 30 -W 30 GET /bytes/1073741824  -H 'priority: u=0'      (S4)
 *
 * With the header our server reads the field on every request and schedules the stream at that
 * urgency (send-order.ts: urgency 1's round robin for S1p, urgency 0's sequential list for S4p)
 * instead of the unsignalled default (urgency 3's round robin); every stream of a run has the
 * same urgency, so none is ever throttled as less urgent: the difference is the priority path
 * itself. node:http2 does not schedule by RFC 9218 (nghttp2 does only when the server sends
 * SETTINGS_NO_RFC7540_PRIORITIES, which node does not), so it runs without the header.
 *
 * A runner of its own because ../shared/bench/run-h2load.sh cannot add request headers, and
 * ../shared is read-only. It keeps that script's rules, as bench/tls.bench.ts does: servers on
 * CPU 0 and h2load on CPU 1 (taskset), a quiet gate before each run (other processes ≤ `gate` %
 * of one core over 1 s, waiting at most 90 s) and up to 2 reruns of a run during which they were
 * busier, a warm-up (ours warmed up with and without the header), medians over the repeats, the
 * server's CPU % from /proc/PID/stat and h2load's from /usr/bin/time. Both servers stay up for
 * the whole run and the rounds interleave the three columns, rotating their order each round
 * (round 1: node, ours, ours with priorities; round 2: ours, ours with priorities, node; …), so
 * slow drift of a shared machine hits all alike.
 *
 * Used by bench/h2load.bench.ts (`npm run bench -- -s S1p,S4p`), which writes the Priorities
 * section of BENCHMARKS.md with {@link writePrioritySection}.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../spec/helpers/shared.js';
import { freePort, hasCommand, waitForPort } from '../spec/helpers/tools.js';
import { busyTicks, CLK_TCK, fmt, h2loadSeconds, median, processTicks, quietGate, stopChild } from './measure.js';

/** The priority scenario names, as `-s` takes them. */
export const PRIORITY_SCENARIOS: readonly string[] = ['S1p', 'S4p'];

/** The heading of BENCHMARKS.md's Priorities section. */
export const PRIORITY_SECTION = '## Priorities (`npm run bench`: S1p, S4p)';

/** The `priority` header each scenario's "with priorities" column sends (RFC 9218 §5). */
export const PRIORITY_HEADERS: Readonly<Record<string, string>> = { S1p: 'u=1, i', S4p: 'u=0' };

/** What one priority benchmark run measures and how. */
export interface PriorityBenchOptions {
  /** Some of {@link PRIORITY_SCENARIOS}. */
  scenarios: string[];
  repeats: number;
  /** Multiplies S1p's request count (as run-h2load.sh's --scale does S1's). */
  scale: number;
  /** S4p's request path, `/bytes/N`. */
  bulk: string;
  /** Pin the servers to CPU 0 and h2load to CPU 1 (when taskset exists and there are 2 CPUs). */
  pin: boolean;
  /** Quiet gate: % of one core other processes may use; -1 turns the gate and the reruns off. */
  gate: number;
  /** Small GETs (10 connections × 100 streams) sent to each server before measuring, not counted (ours: with and without the header). */
  warmup: number;
  /** Where server logs, h2load output and the runs file go. */
  out: string;
  /** Our compiled h2c bench server (bench/compiled.ts). */
  ourServer: string;
  /** node:http2's h2c anchor, ../shared/bench/anchors/node-http2-server.mjs. */
  nodeServer: string;
}

/** Medians of one column in one scenario. */
export interface PrioritySummary {
  /** req/s (S1p) or MB/s (S4p), median. */
  value: number;
  min: number;
  max: number;
  /** Server CPU time as % of one core over h2load's wall time, median. */
  serverCpu: number;
  /** h2load's CPU % (user+sys over elapsed), median: near 100, the client was the bottleneck. */
  clientCpu: number;
  /** Runs in the medians. */
  runs: number;
  /** Failed requests (or runs that did not speak h2c) over all runs. */
  failed: number;
  /** The most CPU other processes used during a counted run, % of one core. */
  otherMax: number;
}

/** One row of the priority table. */
export interface PriorityRow {
  scenario: string;
  metric: 'req/s' | 'MB/s';
  /** The `priority` header of the first column. */
  header: string;
  /** Our server, requests with the `priority` header. */
  withPriority: PrioritySummary;
  /** Our server, the same requests without it. */
  ours: PrioritySummary;
  /** node:http2's anchor, without it. */
  node: PrioritySummary;
}

/** What {@link runPriorityBench} returns. */
export interface PriorityResult {
  rows: PriorityRow[];
  pinNote: string;
}

type Label = 'h2duplex' | 'node-http2';
/** A column: which server, with or without the header. */
type Column = 'h2duplex+priority' | 'h2duplex' | 'node-http2';

interface Run {
  column: Column;
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
  label: Label;
  port: number;
  child: ChildProcess;
}

const serverTicks = (servers: Server[]) => servers.reduce((sum, s) => sum + processTicks(s.child.pid), 0);

/** h2load's arguments and URL path for a scenario (without the header). */
function scenarioArgs(scenario: string, options: PriorityBenchOptions): { args: string[]; path: string; requests: number } {
  if (scenario === 'S1p') {
    // h2load refuses fewer requests than connections.
    const n = Math.max(10, Math.round(200_000 * options.scale));
    return { args: ['-n', String(n), '-c', '10', '-m', '100'], path: '/', requests: n };
  }
  if (scenario === 'S4p') return { args: ['-n', '1', '-c', '1', '-m', '1', '-w', '30', '-W', '30'], path: options.bulk, requests: 1 };
  throw new Error(`priority: unknown scenario ${scenario} (known: ${PRIORITY_SCENARIOS.join(', ')})`);
}

async function startServer(label: Label, command: string[], out: string): Promise<Server> {
  const port = await freePort();
  const [program, ...args] = command;
  const log = openSync(join(out, `priority.${label}.server.log`), 'w');
  const child = spawn(program ?? 'node', [...args.map((a) => (a === 'PORT' ? String(port) : a))], { stdio: ['ignore', log, log], cwd: REPO_ROOT });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`priority: the ${label} server exited (${String(code)}) before listening; see ${out}`))));
  await Promise.race([waitForPort(port), exited]);
  return { label, port, child };
}

/** Runs the scenarios in the three columns; prints one line per run and returns the medians. */
export async function runPriorityBench(options: PriorityBenchOptions): Promise<PriorityResult> {
  const pinned = options.pin && hasCommand('taskset') && Number(spawnSync('nproc', ['--all'], { encoding: 'utf8' }).stdout.trim()) >= 2;
  const serverPin = pinned ? ['taskset', '-c', '0'] : [];
  const clientPin = pinned ? ['taskset', '-c', '1'] : [];
  const pinNote = pinned ? 'servers pinned to CPU 0 and h2load to CPU 1' : 'not pinned';
  const timed = existsSync('/usr/bin/time');
  const started = Date.now();

  const servers: Server[] = [];
  try {
    servers.push(await startServer('node-http2', [...serverPin, process.execPath, options.nodeServer, 'PORT'], options.out));
    servers.push(await startServer('h2duplex', [...serverPin, process.execPath, options.ourServer, 'PORT'], options.out));
    console.log(`# priority: ${servers.map((s) => `${s.label} pid ${String(s.child.pid)} port ${s.port}`).join(', ')}; ${pinNote}; raw output in ${options.out}`);
    const serverOf = (column: Column): Server => servers.find((s) => s.label === (column === 'node-http2' ? 'node-http2' : 'h2duplex')) as Server;
    const headerArgs = (column: Column, scenario: string): string[] => (column === 'h2duplex+priority' ? ['-H', `priority: ${PRIORITY_HEADERS[scenario] ?? ''}`] : []);

    const h2load = (server: Server, args: string[], path: string, file: string) => {
      const command = [...clientPin, ...(timed ? ['/usr/bin/time', '-f', '%U %S %e', '-o', `${file}.time`] : []), 'h2load', ...args, `http://127.0.0.1:${server.port}${path}`];
      const r = spawnSync('timeout', ['-k', '5', '300', ...command], { encoding: 'utf8', maxBuffer: 1 << 24 });
      writeFileSync(file, r.stdout + r.stderr);
      return { status: r.status, text: r.stdout };
    };
    if (options.warmup > 0) {
      const warm = ['-n', String(options.warmup), '-c', '10', '-m', '100'];
      for (const s of servers) h2load(s, warm, '/', join(options.out, `priority.${s.label}.warmup.txt`));
      h2load(serverOf('h2duplex+priority'), [...warm, '-H', `priority: ${PRIORITY_HEADERS['S1p'] ?? ''}`], '/', join(options.out, 'priority.h2duplex+priority.warmup.txt'));
    }

    const runs: Run[] = [];
    const measure = (column: Column, scenario: string, round: number, attempt: number): Run => {
      const server = serverOf(column);
      const { args, path, requests } = scenarioArgs(scenario, options);
      const file = join(options.out, `priority.${column}.${scenario}.${round}.${attempt}.txt`);
      const t0 = processTicks(server.child.pid);
      const all0 = serverTicks(servers);
      const b0 = busyTicks();
      const { status, text } = h2load(server, [...args, ...headerArgs(column, scenario)], path, file);
      const ticks = processTicks(server.child.pid) - t0;
      const allTicks = serverTicks(servers) - all0;
      const busy = busyTicks() - b0;
      const wall = h2loadSeconds(text);
      const succeeded = Number(/(\d+) succeeded/.exec(text)?.[1] ?? 0);
      const total = Number(/traffic: .*?\((\d+)\) total/.exec(text)?.[1] ?? NaN);
      const protocol = /Application protocol: (\S+)/.exec(text)?.[1] ?? 'none';
      const [user, sys, elapsed] = (timed && existsSync(`${file}.time`) ? readFileSync(`${file}.time`, 'utf8').trim().split('\n').pop()!.split(' ') : []).map(Number);
      const clientSeconds = (user ?? NaN) + (sys ?? NaN);
      const outcome = status !== 0 ? `h2load-exit-${String(status)}` : protocol !== 'h2c' ? `protocol-${protocol}` : succeeded < requests ? 'requests-failed' : 'ok';
      const ok = outcome === 'ok';
      const other = Math.max(0, ((busy - allTicks) / CLK_TCK - (Number.isFinite(clientSeconds) ? clientSeconds : 0)) / wall) * 100;
      return {
        column,
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

    const columns: Column[] = ['node-http2', 'h2duplex', 'h2duplex+priority'];
    for (let round = 1; round <= options.repeats; round++) {
      const shift = (round - 1) % columns.length;
      const order = [...columns.slice(shift), ...columns.slice(0, shift)];
      for (const scenario of options.scenarios) {
        for (const column of order) {
          for (let attempt = 0; ; attempt++) {
            if (options.gate >= 0) await quietGate({ gate: options.gate, waitS: 90, sampleMs: 1000, ours: () => serverTicks(servers), log: (line) => { console.error(line); }, label: 'priority: ' });
            const run = measure(column, scenario, round, attempt);
            const retry = run.noise === 'noisy' && attempt < 2;
            if (retry) run.noise = 'retried';
            runs.push(run);
            const value = scenario === 'S4p' ? `${fmt(run.mbps, 1)} MB/s` : `${fmt(run.reqps, 0)} req/s`;
            console.log(`# priority ${run.column} ${scenario} round ${round}${attempt > 0 ? ` attempt ${attempt}` : ''}: ${value}, srv ${fmt(run.serverCpu, 0)}%, h2load ${fmt(run.clientCpu, 0)}%, other ${fmt(run.other, 0)}%, ${run.status}${run.noise === 'clean' ? '' : `, ${run.noise}`}`);
            if (!retry) break;
          }
        }
      }
    }
    writeFileSync(
      join(options.out, 'priority.runs.tsv'),
      ['column\tscenario\tround\tattempt\treq/s\tMB/s\tsrv%\th2load%\tother%\tfailed\tstatus\tnoise', ...runs.map((r) => [r.column, r.scenario, r.round, r.attempt, r.reqps, r.mbps, r.serverCpu, r.clientCpu, r.other, r.failed, r.status, r.noise].join('\t'))].join('\n') + '\n',
    );
    for (const s of servers) {
      const hwm = /VmHWM:\s+(\d+ kB)/.exec(existsSync(`/proc/${String(s.child.pid)}/status`) ? readFileSync(`/proc/${String(s.child.pid)}/status`, 'utf8') : '')?.[1];
      console.log(`# priority ${s.label}: peak RSS ${hwm ?? 'n/a'}`);
    }
    console.log(`# priority: ${((Date.now() - started) / 1000).toFixed(1)} s (quiet gates included)`);

    const summary = (column: Column, scenario: string): PrioritySummary => {
      const mine = runs.filter((r) => r.column === column && r.scenario === scenario && r.noise !== 'retried');
      const values = mine.map((r) => (scenario === 'S4p' ? r.mbps : r.reqps)).filter(Number.isFinite);
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
    };
    const rows = options.scenarios.map(
      (scenario): PriorityRow => ({
        scenario,
        metric: scenario === 'S4p' ? 'MB/s' : 'req/s',
        header: PRIORITY_HEADERS[scenario] ?? '',
        withPriority: summary('h2duplex+priority', scenario),
        ours: summary('h2duplex', scenario),
        node: summary('node-http2', scenario),
      }),
    );
    return { rows, pinNote };
  } finally {
    for (const s of servers) await stopChild(s.child);
  }
}

/** The priority table: three columns, the two ratios, each column's server CPU % and h2load CPU %. */
export function priorityTable(result: PriorityResult): string[] {
  const lines = [
    '| scenario | metric | h2duplex with `priority` | h2duplex without | node:http2 without | with ÷ without | ours ÷ node:http2 | server CPU % (with / without / node) | h2load CPU % (with / without / node) |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { scenario, metric, header, withPriority, ours, node } of result.rows) {
    const digits = metric === 'MB/s' ? 1 : 0;
    const failedCount = withPriority.failed + ours.failed + node.failed;
    const failed = failedCount > 0 ? ` (failed: ${withPriority.failed} / ${ours.failed} / ${node.failed})` : '';
    lines.push(
      `| ${scenario} | ${metric} | ${fmt(withPriority.value, digits)} (\`${header}\`) | ${fmt(ours.value, digits)} | ${fmt(node.value, digits)} | ${fmt(withPriority.value / ours.value, 3)} | ${fmt(ours.value / node.value, 2)} | ${fmt(withPriority.serverCpu, 0)} / ${fmt(ours.serverCpu, 0)} / ${fmt(node.serverCpu, 0)} | ${fmt(withPriority.clientCpu, 0)} / ${fmt(ours.clientCpu, 0)} / ${fmt(node.clientCpu, 0)}${failed} |`,
    );
  }
  return lines;
}

/** Medians with their ranges, for the console. */
export function priorityDetails(result: PriorityResult): string[] {
  return result.rows.flatMap(({ scenario, metric, header, withPriority, ours, node }) =>
    [[`h2duplex with priority: ${header}`, withPriority] as const, ['h2duplex without', ours] as const, ['node:http2 without', node] as const].map(
      ([label, s]) => `# priority ${scenario} ${label}: ${fmt(s.value, metric === 'MB/s' ? 1 : 0)} ${metric} [${fmt(s.min, metric === 'MB/s' ? 1 : 0)}..${fmt(s.max, metric === 'MB/s' ? 1 : 0)}] over ${s.runs} run(s), other processes ≤ ${fmt(s.otherMax, 0)}% of a core, ${s.failed} failed`,
    ),
  );
}

/** Replaces (or appends) BENCHMARKS.md's Priorities section; every other section is kept as it is. */
export function writePrioritySection(result: PriorityResult, how: { command: string; repeats: number; scale: number; bulk: string }): void {
  const section = [
    PRIORITY_SECTION,
    '',
    `Latest \`${how.command}\`: ${new Date().toISOString()} on Node ${process.version}, ${how.repeats} repeat(s), scale ${how.scale}, bulk ${how.bulk}.`,
    'What RFC 9218 priorities cost our send scheduler (issue #20): h2load with and without a `priority` request header against',
    'our compiled h2c bench server (`bench/bench-server.ts`, `bench/compiled.ts`), and without it against node:http2\'s anchor',
    `(\`../shared/bench/anchors/node-http2-server.mjs\`), all in the same invocation by \`bench/priority.bench.ts\` (${result.pinNote},`,
    'quiet gate, rounds interleaved with the order rotating, medians).',
    `S1p: \`h2load -n ${Math.max(10, Math.round(200_000 * how.scale))} -c 10 -m 100\` GET / (S1), with \`-H 'priority: ${PRIORITY_HEADERS['S1p'] ?? ''}'\`; S4p: \`h2load -n 1 -c 1 -m 1 -w 30 -W 30\``,
    `GET ${how.bulk} (S4), with \`-H 'priority: ${PRIORITY_HEADERS['S4p'] ?? ''}'\`. With the header our server parses the field on each request and`,
    'schedules the stream at that urgency instead of the unsignalled default (urgency 3, round robin); all streams of a run share',
    'one urgency, so none is throttled as less urgent. "with ÷ without" is the cost of the priority path (1.000: none; < 1: it',
    'costs), receiving the one more request header (HPACK, the header object) included; "ours ÷ node:http2" compares the runs',
    'without the header (> 1: we are better). node:http2 does not schedule by RFC 9218 (it does not send',
    'SETTINGS_NO_RFC7540_PRIORITIES) and runs without the header.',
    '',
    ...priorityTable(result),
    '',
  ].join('\n');
  const file = join(REPO_ROOT, 'BENCHMARKS.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const at = previous.indexOf(PRIORITY_SECTION);
  if (at < 0) {
    writeFileSync(file, `${previous.trimEnd()}\n\n${section}`);
    return;
  }
  const next = previous.indexOf('\n## ', at + PRIORITY_SECTION.length);
  writeFileSync(file, previous.slice(0, at) + section + (next < 0 ? '' : `\n${previous.slice(next + 1)}`));
}
