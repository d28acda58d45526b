/**
 * The TLS scenarios of `npm run bench` (issue #19): h2load over TLS (ALPN h2, a self-signed
 * P-256 certificate made with openssl at bench time) against our `createSecureServer()`
 * (bench/bench-tls-server.ts, compiled) and node:http2's (bench/anchors/node-tls-server.mjs),
 * in the same invocation.
 *
 *   S1t  h2load -n 200000 -c 10 -m 100 GET /                        (as S1)
 *   S4t  h2load -n 1 -c 1 -m 1 -w 30 -W 30 GET /bytes/1073741824     (as S4)
 *
 * A runner of its own because ../shared/bench/run-h2load.sh speaks h2c only (its URLs are
 * http://), and ../shared is read-only. It keeps that script's rules: server on CPU 0 and h2load
 * on CPU 1 (taskset), a quiet gate before each run (other processes ≤ `gate` % of one core over
 * 1 s, waiting at most 90 s) and up to 2 reruns of a run during which they were busier, a
 * warm-up, medians over the repeats, the server's CPU % from /proc/PID/stat and h2load's from
 * /usr/bin/time. Both servers stay up for the whole run and the rounds interleave them
 * (round 1: S1t node, S1t ours, S4t node, S4t ours; round 2 starts with ours), so slow drift
 * of a shared machine hits both alike; the idle one costs nothing while the other is measured.
 *
 * Used by bench/h2load.bench.ts (`npm run bench -- -s S1t,S4t`), which writes the TLS section
 * of BENCHMARKS.md from {@link tlsSection}.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selfSignedCertificate } from '../examples/self-signed.js';
import { REPO_ROOT } from '../spec/helpers/shared.js';
import { freePort, hasCommand, waitForPort } from '../spec/helpers/tools.js';
import { busyTicks, CLK_TCK, fmt, h2loadSeconds, median, processTicks, quietGate, stopChild } from './measure.js';

/** The TLS scenario names, as `-s` takes them. */
export const TLS_SCENARIOS: readonly string[] = ['S1t', 'S4t'];

/** The heading of BENCHMARKS.md's TLS section (after the h2c table, before the memory section). */
export const TLS_SECTION = '## TLS (`npm run bench`: S1t, S4t)';

/** What one TLS benchmark run measures and how. */
export interface TlsBenchOptions {
  /** Some of {@link TLS_SCENARIOS}. */
  scenarios: string[];
  repeats: number;
  /** Multiplies S1t's request count (as run-h2load.sh's --scale does S1's). */
  scale: number;
  /** S4t's request path, `/bytes/N`. */
  bulk: string;
  /** Pin the servers to CPU 0 and h2load to CPU 1 (when taskset exists and there are 2 CPUs). */
  pin: boolean;
  /** Quiet gate: % of one core other processes may use; -1 turns the gate and the reruns off. */
  gate: number;
  /** Small GETs (10 connections × 100 streams) sent to each server before measuring, not counted. */
  warmup: number;
  /** Where certificates, server logs, h2load output and the runs file go. */
  out: string;
  /** Our compiled TLS server (bench/compiled.ts). */
  ourServer: string;
  /** Run our server under `node --cpu-prof`, writing the profile into this folder. */
  cpuProfDir?: string;
}

/** Medians of one server in one scenario. */
export interface TlsSummary {
  /** req/s (S1t) or MB/s (S4t), median. */
  value: number;
  min: number;
  max: number;
  /** Server CPU time as % of one core over h2load's wall time, median. */
  serverCpu: number;
  /** h2load's CPU % (user+sys over elapsed), median: near 100, the client was the bottleneck. */
  clientCpu: number;
  /** Runs in the medians. */
  runs: number;
  /** Failed requests (or runs that did not speak h2) over all runs. */
  failed: number;
  /** The most CPU other processes used during a counted run, % of one core. */
  otherMax: number;
}

/** One row of the TLS table. */
export interface TlsRow {
  scenario: string;
  metric: 'req/s' | 'MB/s';
  ours: TlsSummary;
  node: TlsSummary;
}

/** What {@link runTlsBench} returns. */
export interface TlsResult {
  rows: TlsRow[];
  /** The negotiated protocol and cipher h2load reported, e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384". */
  tls: string;
  pinNote: string;
}

type Label = 'h2duplex' | 'node-http2';

interface Run {
  label: Label;
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

/** h2load's arguments and URL path for a scenario. */
function scenarioArgs(scenario: string, options: TlsBenchOptions): { args: string[]; path: string; requests: number } {
  if (scenario === 'S1t') {
    // h2load refuses fewer requests than connections.
    const n = Math.max(10, Math.round(200_000 * options.scale));
    return { args: ['-n', String(n), '-c', '10', '-m', '100'], path: '/', requests: n };
  }
  if (scenario === 'S4t') return { args: ['-n', '1', '-c', '1', '-m', '1', '-w', '30', '-W', '30'], path: options.bulk, requests: 1 };
  throw new Error(`tls: unknown scenario ${scenario} (known: ${TLS_SCENARIOS.join(', ')})`);
}

async function startServer(label: Label, command: string[], out: string): Promise<Server> {
  const port = await freePort();
  const [program, ...args] = command;
  const log = openSync(join(out, `tls.${label}.server.log`), 'w');
  const child = spawn(program ?? 'node', [...args.map((a) => (a === 'PORT' ? String(port) : a))], { stdio: ['ignore', log, log], cwd: REPO_ROOT });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`tls: the ${label} server exited (${String(code)}) before listening; see ${out}`))));
  await Promise.race([waitForPort(port), exited]);
  return { label, port, child };
}


/** Runs the scenarios against both servers; prints one line per run and returns the medians. */
export async function runTlsBench(options: TlsBenchOptions): Promise<TlsResult> {
  const pinned = options.pin && hasCommand('taskset') && Number(spawnSync('nproc', ['--all'], { encoding: 'utf8' }).stdout.trim()) >= 2;
  const serverPin = pinned ? ['taskset', '-c', '0'] : [];
  const clientPin = pinned ? ['taskset', '-c', '1'] : [];
  const pinNote = pinned ? 'servers pinned to CPU 0 and h2load to CPU 1' : 'not pinned';
  const timed = existsSync('/usr/bin/time');
  const started = Date.now();

  const { key, cert } = selfSignedCertificate();
  const keyPath = join(options.out, 'tls-key.pem');
  const certPath = join(options.out, 'tls-cert.pem');
  writeFileSync(keyPath, key);
  writeFileSync(certPath, cert);
  const tlsArgs = ['PORT', `--key=${keyPath}`, `--cert=${certPath}`];
  const prof = options.cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`];

  const servers: Server[] = [];
  try {
    servers.push(await startServer('node-http2', [...serverPin, process.execPath, join(REPO_ROOT, 'bench', 'anchors', 'node-tls-server.mjs'), ...tlsArgs], options.out));
    servers.push(await startServer('h2duplex', [...serverPin, process.execPath, ...prof, options.ourServer, ...tlsArgs], options.out));
    console.log(`# tls: ${servers.map((s) => `${s.label} pid ${String(s.child.pid)} port ${s.port}`).join(', ')}; ${pinNote}; raw output in ${options.out}`);

    let tls = '';
    const h2load = (server: Server, args: string[], path: string, file: string) => {
      const command = [...clientPin, ...(timed ? ['/usr/bin/time', '-f', '%U %S %e', '-o', `${file}.time`] : []), 'h2load', ...args, `https://127.0.0.1:${server.port}${path}`];
      const r = spawnSync('timeout', ['-k', '5', '300', ...command], { encoding: 'utf8', maxBuffer: 1 << 24 });
      writeFileSync(file, r.stdout + r.stderr);
      return { status: r.status, text: r.stdout };
    };
    if (options.warmup > 0) {
      for (const s of servers) h2load(s, ['-n', String(options.warmup), '-c', '10', '-m', '100'], '/', join(options.out, `tls.${s.label}.warmup.txt`));
    }

    const runs: Run[] = [];
    const measure = (server: Server, scenario: string, round: number, attempt: number): Run => {
      const { args, path, requests } = scenarioArgs(scenario, options);
      const file = join(options.out, `tls.${server.label}.${scenario}.${round}.${attempt}.txt`);
      const t0 = processTicks(server.child.pid);
      const all0 = serverTicks(servers);
      const b0 = busyTicks();
      const { status, text } = h2load(server, args, path, file);
      const ticks = processTicks(server.child.pid) - t0;
      const allTicks = serverTicks(servers) - all0;
      const busy = busyTicks() - b0;
      const wall = h2loadSeconds(text);
      const succeeded = Number(/(\d+) succeeded/.exec(text)?.[1] ?? 0);
      const total = Number(/traffic: .*?\((\d+)\) total/.exec(text)?.[1] ?? NaN);
      const protocol = /Application protocol: (\S+)/.exec(text)?.[1] ?? 'none';
      tls ||= `${/TLS Protocol: (\S+)/.exec(text)?.[1] ?? '?'} ${/Cipher: (\S+)/.exec(text)?.[1] ?? '?'}`;
      const [user, sys, elapsed] = (timed && existsSync(`${file}.time`) ? readFileSync(`${file}.time`, 'utf8').trim().split('\n').pop()!.split(' ') : []).map(Number);
      const clientSeconds = (user ?? NaN) + (sys ?? NaN);
      const outcome = status !== 0 ? `h2load-exit-${String(status)}` : protocol !== 'h2' ? `alpn-${protocol}` : succeeded < requests ? 'requests-failed' : 'ok';
      const ok = outcome === 'ok';
      const other = Math.max(0, ((busy - allTicks) / CLK_TCK - (Number.isFinite(clientSeconds) ? clientSeconds : 0)) / wall) * 100;
      return {
        label: server.label,
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
      const order = round % 2 === 1 ? servers : [...servers].reverse();
      for (const scenario of options.scenarios) {
        for (const server of order) {
          for (let attempt = 0; ; attempt++) {
            if (options.gate >= 0) await quietGate({ gate: options.gate, waitS: 90, sampleMs: 1000, ours: () => serverTicks(servers), log: (line) => { console.error(line); }, label: 'tls: ' });
            const run = measure(server, scenario, round, attempt);
            const retry = run.noise === 'noisy' && attempt < 2;
            if (retry) run.noise = 'retried';
            runs.push(run);
            const value = scenario === 'S4t' ? `${fmt(run.mbps, 1)} MB/s` : `${fmt(run.reqps, 0)} req/s`;
            console.log(`# tls ${run.label} ${scenario} round ${round}${attempt > 0 ? ` attempt ${attempt}` : ''}: ${value}, srv ${fmt(run.serverCpu, 0)}%, h2load ${fmt(run.clientCpu, 0)}%, other ${fmt(run.other, 0)}%, ${run.status}${run.noise === 'clean' ? '' : `, ${run.noise}`}`);
            if (!retry) break;
          }
        }
      }
    }
    writeFileSync(
      join(options.out, 'tls.runs.tsv'),
      ['label\tscenario\tround\tattempt\treq/s\tMB/s\tsrv%\th2load%\tother%\tfailed\tstatus\tnoise', ...runs.map((r) => [r.label, r.scenario, r.round, r.attempt, r.reqps, r.mbps, r.serverCpu, r.clientCpu, r.other, r.failed, r.status, r.noise].join('\t'))].join('\n') + '\n',
    );
    for (const s of servers) {
      const hwm = /VmHWM:\s+(\d+ kB)/.exec(existsSync(`/proc/${String(s.child.pid)}/status`) ? readFileSync(`/proc/${String(s.child.pid)}/status`, 'utf8') : '')?.[1];
      console.log(`# tls ${s.label}: peak RSS ${hwm ?? 'n/a'}`);
    }
    console.log(`# tls: ${((Date.now() - started) / 1000).toFixed(1)} s (quiet gates included)`);

    const summary = (label: Label, scenario: string): TlsSummary => {
      const mine = runs.filter((r) => r.label === label && r.scenario === scenario && r.noise !== 'retried');
      const values = mine.map((r) => (scenario === 'S4t' ? r.mbps : r.reqps)).filter(Number.isFinite);
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
    const rows = options.scenarios.map((scenario): TlsRow => ({ scenario, metric: scenario === 'S4t' ? 'MB/s' : 'req/s', ours: summary('h2duplex', scenario), node: summary('node-http2', scenario) }));
    return { rows, tls, pinNote };
  } finally {
    for (const s of servers) await stopChild(s.child);
  }
}

/** The TLS table: the h2c table's columns, plus h2load's CPU % (near 100: the client, not the server, set the pace). */
export function tlsTable(result: TlsResult): string[] {
  const lines = [
    '| scenario | metric | h2duplex | node:http2 | ratio | h2duplex CPU % | node:http2 CPU % | h2load CPU % (vs h2duplex / vs node:http2) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const { scenario, metric, ours, node } of result.rows) {
    const digits = metric === 'MB/s' ? 1 : 0;
    const failed = ours.failed + node.failed > 0 ? ` (failed: ${ours.failed} / ${node.failed})` : '';
    lines.push(`| ${scenario} | ${metric} | ${fmt(ours.value, digits)} | ${fmt(node.value, digits)} | ${fmt(ours.value / node.value, 2)} | ${fmt(ours.serverCpu, 0)} | ${fmt(node.serverCpu, 0)} | ${fmt(ours.clientCpu, 0)} / ${fmt(node.clientCpu, 0)}${failed} |`);
  }
  return lines;
}

/** Medians with their ranges, for the console. */
export function tlsDetails(result: TlsResult): string[] {
  return result.rows.flatMap(({ scenario, metric, ours, node }) =>
    [['h2duplex', ours] as const, ['node:http2', node] as const].map(
      ([label, s]) => `# tls ${scenario} ${label}: ${fmt(s.value, metric === 'MB/s' ? 1 : 0)} ${metric} [${fmt(s.min, metric === 'MB/s' ? 1 : 0)}..${fmt(s.max, metric === 'MB/s' ? 1 : 0)}] over ${s.runs} run(s), other processes ≤ ${fmt(s.otherMax, 0)}% of a core, ${s.failed} failed`,
    ),
  );
}

/** BENCHMARKS.md's TLS section. */
export function tlsSection(result: TlsResult, how: { command: string; repeats: number; scale: number; bulk: string }): string {
  return [
    TLS_SECTION,
    '',
    `Latest \`${how.command}\`: ${new Date().toISOString()} on Node ${process.version}, ${how.repeats} repeat(s), scale ${how.scale}, bulk ${how.bulk}; ${result.tls}, ALPN h2.`,
    "h2load over TLS (a self-signed P-256 certificate made with openssl at bench time) against our `createSecureServer()`",
    '(`bench/bench-tls-server.ts`, compiled, the h2c bench server\'s routes) and node:http2\'s (`bench/anchors/node-tls-server.mjs`),',
    `both in the same invocation by \`bench/tls.bench.ts\` (${result.pinNote}, quiet gate, rounds interleaved, medians).`,
    `S1t: \`h2load -n ${Math.max(10, Math.round(200_000 * how.scale))} -c 10 -m 100\` GET /; S4t: \`h2load -n 1 -c 1 -m 1 -w 30 -W 30\` GET ${how.bulk}.`,
    'Both servers encrypt and decrypt in OpenSSL; node:http2 hands the plaintext to nghttp2 without entering JS, ours',
    "receives it as `tls.TLSSocket` data piped into H2Duplex and writes through `TLSSocket.write`. Ratio > 1: we are better;",
    'h2load CPU % near 100 means the client, not the server, set the pace.',
    '',
    ...tlsTable(result),
    '',
  ].join('\n');
}
