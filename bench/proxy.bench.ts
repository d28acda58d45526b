/**
 * Proxy benchmarks (issue #19, item 3): h2load → proxy → nghttpd --no-tls. Two proxies, both
 * up for the whole run: ours, examples/proxy.ts (compiled as the servers are: bench/compiled.ts),
 * and the idiomatic node:http2 proxy bench/anchors/node-http2-proxy.mjs (http2.createServer,
 * one http2.connect session upstream, stream-to-stream pipeline(), headers passed through minus
 * the hop-by-hop fields). The proxies are pinned to CPU 0; h2load and nghttpd share CPU 1.
 *
 *   P1   h2load -n 200000×scale -c 10 -m 100 GET /                       (small GETs)
 *   P2   h2load -n 1 -c 1 -m 1 -w 30 -W 30 GET /bytes/1073741824         (1 GiB download)
 *   P3   h2load -d <64 KiB file> -n 20000×scale -c 10 -m 10 POST /        (64 KiB uploads)
 *
 * scale defaults to 0.25 (50,000 GETs, 5,000 uploads), so that 3 rounds of both proxies stay
 * near 90 s. Rules as bench/tls.bench.ts and bench/client.bench.ts: a warm-up through each proxy
 * first; before each run a quiet gate (everything but the proxies and nghttpd ≤ `gate` % of one
 * core over 1 s, waiting at most 90 s) and up to 2 reruns of a run during which other processes
 * were busier; rounds interleaved (P1 P2 P3, P1 …; node:http2 and ours alternate which goes
 * first); the proxy's and nghttpd's CPU from /proc/PID/stat over h2load's wall time; medians.
 *
 *   npx tsx bench/proxy.bench.ts [-s P1,P2,P3] [-r N] [--quick] [--no-write]
 *                                [--scale F] [--bulk-bytes N] [--no-pin] [--gate PCT] [--cpu-prof DIR]
 *
 * --quick: 1 repeat, scale 0.05, a 256 MiB download, one 0.5 s gate sample per run and no
 * retries (under 30 s). --cpu-prof DIR: our proxy runs under `node --cpu-prof`; the profile's top
 * frames are printed when it exits. `runProxyBench(options)` does the same from code and returns
 * the rows; the CLI also writes them to BENCHMARKS.md's "Proxy" section (other sections kept).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, statSync, truncateSync, writeFileSync, closeSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../spec/helpers/shared.js';
import { commandPath, freePort, hasCommand, waitForPort } from '../spec/helpers/tools.js';
import { summariseProfiles } from './client.bench.js';
import { compileBenchProxy } from './compiled.js';
import { busyTicks, CLK_TCK, fmt, h2loadSeconds, median, nghttpdVersion, pinned, processTicks, quietGate, stopChild, writeBenchmarksSection } from './measure.js';

export type ProxyScenario = 'P1' | 'P2' | 'P3';
export const PROXY_SCENARIOS: readonly ProxyScenario[] = ['P1', 'P2', 'P3'];

/** Options of {@link runProxyBench}. */
export interface ProxyBenchOptions {
  /** Default: all three. */
  scenarios?: readonly ProxyScenario[];
  /** Runs per scenario and proxy; medians reported. Default 3 (1 with `quick`). */
  repeats?: number;
  /** 1 repeat, scale 0.05, a 256 MiB download, short gate, no retries. */
  quick?: boolean;
  /** Multiplies P1's 200,000 GETs, P3's 20,000 uploads and the warm-up. Default 0.25 (0.05 with `quick`). */
  scale?: number;
  /** P2's download size. Default 1 GiB (256 MiB with `quick`). */
  bulkBytes?: number;
  /** Proxies on CPU 0, h2load and nghttpd on CPU 1 (when taskset exists and there are 2 CPUs). Default true. */
  pin?: boolean;
  /** Quiet gate: % of one core other processes may use; -1 turns it off. Default 25. */
  gate?: number;
  /** Seconds the gate waits for quiet before running anyway. Default 90 (0 with `quick`). */
  gateWait?: number;
  /** Reruns of a run during which other processes exceeded the gate. Default 2 (0 with `quick`). */
  retryNoisy?: number;
  /** Run our proxy under `node --cpu-prof`, the profile written into this folder when it exits. */
  cpuProf?: string;
  /** Where nghttpd's docroot is. Default bench/client.bench.ts's, `$TMPDIR/h2duplex-client-bench/docroot`. */
  docroot?: string;
  /** Progress lines. Default console.log. */
  log?: (line: string) => void;
}

/** One row of the table. */
export interface ProxyRow {
  scenario: ProxyScenario;
  what: string;
  /** `req/s`, or `MB/s` (10^6 octets per second of h2load's traffic) for P2. */
  metric: 'req/s' | 'MB/s';
  /** Medians; NaN when no run succeeded. */
  ours: number;
  node: number;
  /** ours ÷ node (> 1: ours is faster). */
  ratio: number;
  /** Proxy CPU time over the run, % of one core (/proc/PID/stat), medians. */
  oursCpu: number;
  nodeCpu: number;
  /** nghttpd's CPU % during the runs through each proxy, medians. */
  nghttpdCpuOurs: number;
  nghttpdCpuNode: number;
  /** h2load's CPU % (user+sys over elapsed, /usr/bin/time), medians; NaN without /usr/bin/time. */
  h2loadCpuOurs: number;
  h2loadCpuNode: number;
  /** Every counted run's value. */
  oursRuns: number[];
  nodeRuns: number[];
  /** Failed requests over the counted runs of both proxies. */
  failed: number;
  notes: string[];
}

type Impl = 'ours' | 'node';
const NAME: Record<Impl, string> = { ours: 'h2duplex', node: 'node:http2' };

interface Plan {
  scenario: ProxyScenario;
  what: string;
  args: string[];
  path: string;
  requests: number;
}

interface Run {
  value: number;
  proxyCpu: number;
  serverCpu: number;
  clientCpu: number;
  other: number;
  failed: number;
  status: string;
  noisy: boolean;
}

interface Proxy {
  impl: Impl;
  port: number;
  child: ChildProcess;
}

const MIB = 1024 * 1024;
const UPLOAD = 64 * 1024;

function plans(scenarios: readonly ProxyScenario[], scale: number, bulkBytes: number, uploadFile: string): Plan[] {
  // h2load refuses fewer requests than connections.
  const scaled = (n: number): number => Math.max(10, Math.round(n * scale));
  const size = bulkBytes % 2 ** 30 === 0 ? `${bulkBytes / 2 ** 30} GiB` : `${Math.round(bulkBytes / MIB)} MiB`;
  return scenarios.map((s): Plan => {
    if (s === 'P1') {
      const n = scaled(200_000);
      return { scenario: s, what: `${n} GET /, 10 connections × 100 streams`, args: ['-n', String(n), '-c', '10', '-m', '100'], path: '/', requests: n };
    }
    if (s === 'P2') return { scenario: s, what: `${size} download, h2load -w 30 -W 30`, args: ['-n', '1', '-c', '1', '-m', '1', '-w', '30', '-W', '30'], path: `/bytes/${bulkBytes}`, requests: 1 };
    const n = scaled(20_000);
    return { scenario: s, what: `${n} POST / 64 KiB bodies, 10 connections × 10 streams`, args: ['-d', uploadFile, '-n', String(n), '-c', '10', '-m', '10'], path: '/', requests: n };
  });
}

// ------------------------------------------------------------------ /proc readings

// ------------------------------------------------------------------ processes

/**
 * `/` ("ok", index.html) and `/bytes/N`. bench/client.bench.ts makes these in the default
 * docroot (files of 'a'); this only fills in what is missing (a sparse file for /bytes/N: the
 * proxies never look at the octets).
 */
function ensureDocroot(dir: string, bulkBytes: number): void {
  mkdirSync(join(dir, 'bytes'), { recursive: true });
  const index = join(dir, 'index.html');
  if (!existsSync(index) || readFileSync(index, 'utf8') !== 'ok') writeFileSync(index, 'ok');
  const bulk = join(dir, 'bytes', String(bulkBytes));
  if (!existsSync(bulk) || statSync(bulk).size !== bulkBytes) {
    closeSync(openSync(bulk, 'w'));
    truncateSync(bulk, bulkBytes);
  }
}

async function startProxy(impl: Impl, command: string, args: string[], env: NodeJS.ProcessEnv, port: number, out: string): Promise<Proxy> {
  const logFd = openSync(join(out, `proxy.${impl}.log`), 'w');
  const child = spawn(command, args, { stdio: ['ignore', logFd, logFd], env, cwd: REPO_ROOT });
  closeSync(logFd);
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`proxy bench: the ${NAME[impl]} proxy exited (${String(code)}) before listening; see ${out}`))));
  exited.catch(() => undefined);
  await Promise.race([waitForPort(port), exited]);
  return { impl, port, child };
}


// ------------------------------------------------------------------ the benchmark

/** Runs the proxy benchmarks (see the file's comment); one row per scenario. Throws when h2load or nghttpd is missing. */
export async function runProxyBench(options: ProxyBenchOptions = {}): Promise<ProxyRow[]> {
  const quick = options.quick ?? false;
  const scenarios = options.scenarios ?? PROXY_SCENARIOS;
  const repeats = options.repeats ?? (quick ? 1 : 3);
  const scale = options.scale ?? (quick ? 0.05 : 0.25);
  const bulkBytes = options.bulkBytes ?? (quick ? 256 * MIB : 1024 * MIB);
  const gate = options.gate ?? 25;
  const gateWait = options.gateWait ?? (quick ? 0 : 90);
  const retryNoisy = options.retryNoisy ?? (quick ? 0 : 2);
  const gateSampleMs = quick ? 500 : 1000;
  const log = options.log ?? ((l: string) => console.log(l));
  const pin = (options.pin ?? true) && hasCommand('taskset') && cpus().length >= 2;
  if (!hasCommand('h2load')) throw new Error('proxy bench: h2load is missing (apt-get install nghttp2-client)');
  if (!hasCommand('nghttpd')) throw new Error('proxy bench: nghttpd is missing (apt-get install nghttp2-server)');
  const timed = existsSync('/usr/bin/time');

  const ourProxy = compileBenchProxy();
  const out = mkdtempSync(join(tmpdir(), 'h2duplex-proxy-bench-'));
  const docroot = options.docroot ?? join(tmpdir(), 'h2duplex-client-bench', 'docroot');
  ensureDocroot(docroot, bulkBytes);
  const uploadFile = join(out, 'upload-64k');
  writeFileSync(uploadFile, Buffer.alloc(UPLOAD, 0x61));
  const todo = plans(scenarios, scale, bulkBytes, uploadFile);
  if (options.cpuProf !== undefined) mkdirSync(options.cpuProf, { recursive: true });

  const serverPort = await freePort();
  const [ngCommand, ngArgs] = pinned(1, pin, commandPath('nghttpd'), ['--no-tls', '-a', '127.0.0.1', '-d', docroot, String(serverPort)]);
  const nghttpd = spawn(ngCommand, ngArgs, { stdio: 'ignore' });
  const upstream = `http://127.0.0.1:${serverPort}`;
  const proxies: Proxy[] = [];
  const runs = new Map<string, Run[]>();
  const notes: string[] = [];
  const ourTicks = (): number => processTicks(nghttpd.pid) + proxies.reduce((sum, p) => sum + processTicks(p.child.pid), 0);
  try {
    await waitForPort(serverPort);
    const nodePort = await freePort();
    const [nc, na] = pinned(0, pin, process.execPath, [join(REPO_ROOT, 'bench', 'anchors', 'node-http2-proxy.mjs'), String(nodePort), upstream]);
    proxies.push(await startProxy('node', nc, na, process.env, nodePort, out));
    const oursPort = await freePort();
    // node writes a --cpu-prof profile only on a normal exit: the preload turns SIGTERM into one.
    const prof = options.cpuProf === undefined ? [] : ['--cpu-prof', '--cpu-prof-interval=250', `--cpu-prof-dir=${resolve(options.cpuProf)}`, '--import', "data:text/javascript,process.on('SIGTERM',()=>process.exit(0))"];
    const [oc, oa] = pinned(0, pin, process.execPath, [...prof, ourProxy]);
    proxies.push(await startProxy('ours', oc, oa, { ...process.env, UPSTREAM: upstream, PORT: String(oursPort) }, oursPort, out));
    log(
      `# proxy bench: nghttpd pid ${String(nghttpd.pid)} port ${serverPort}; ${proxies.map((p) => `${NAME[p.impl]} proxy pid ${String(p.child.pid)} port ${p.port}`).join(', ')}; ` +
        `${pin ? 'proxies on cpu 0, h2load and nghttpd on cpu 1 (taskset)' : 'not pinned'}; ${repeats} repeat(s), scale ${scale}, bulk ${bulkBytes} octets; raw output in ${out}`,
    );

    let file = 0;
    const h2load = (proxy: Proxy, args: string[], path: string): { status: number | null; text: string; clientCpu: number } => {
      const name = join(out, `h2load.${proxy.impl}.${++file}.txt`);
      const [command, argv] = pinned(1, pin, ...((timed ? ['/usr/bin/time', ['-f', '%U %S %e', '-o', `${name}.time`, 'h2load', ...args, `http://127.0.0.1:${proxy.port}${path}`]] : ['h2load', [...args, `http://127.0.0.1:${proxy.port}${path}`]]) as [string, string[]]));
      const r = spawnSync('timeout', ['-k', '5', '300', command, ...argv], { encoding: 'utf8', maxBuffer: 1 << 24 });
      writeFileSync(name, r.stdout + r.stderr);
      const [user, sys, elapsed] = (timed && existsSync(`${name}.time`) ? (readFileSync(`${name}.time`, 'utf8').trim().split('\n').pop() ?? '').split(' ') : []).map(Number);
      const clientCpu = elapsed !== undefined && elapsed > 0 ? (((user ?? NaN) + (sys ?? NaN)) / elapsed) * 100 : NaN;
      return { status: r.status, text: r.stdout, clientCpu };
    };

    // Warm-up through each proxy (opens its upstream connection, warms the JIT): small GETs, then uploads.
    for (const p of proxies) {
      for (const [args, path] of [[['-n', String(Math.max(100, Math.round(20_000 * scale))), '-c', '10', '-m', '100'], '/'], [['-d', uploadFile, '-n', String(Math.max(10, Math.round(1000 * scale))), '-c', '10', '-m', '10'], '/']] as const) {
        const { text } = h2load(p, [...args], path);
        const failed = Number(/(\d+) failed/.exec(text)?.[1] ?? NaN);
        if (failed !== 0) {
          const note = `${NAME[p.impl]}: warm-up ${args.includes('-d') ? 'uploads' : 'GETs'}: ${Number.isNaN(failed) ? 'h2load failed' : `${failed} failed`}`;
          notes.push(note);
          log(`# ${note}`);
        }
      }
    }

    for (let round = 1; round <= repeats; round++) {
      for (const plan of todo) {
        const order: Impl[] = round % 2 === 1 ? ['node', 'ours'] : ['ours', 'node'];
        for (const impl of order) {
          const proxy = proxies.find((p) => p.impl === impl);
          if (proxy === undefined) continue;
          const key = `${plan.scenario}/${impl}`;
          const list = runs.get(key) ?? [];
          runs.set(key, list);
          for (let attempt = 0; ; attempt++) {
            await quietGate({ gate, waitS: gateWait, sampleMs: gateSampleMs, ours: ourTicks, log, label: 'proxy: ' });
            const p0 = processTicks(proxy.child.pid);
            const s0 = processTicks(nghttpd.pid);
            const all0 = ourTicks();
            const b0 = busyTicks();
            const { status, text, clientCpu } = h2load(proxy, plan.args, plan.path);
            const proxyTicks = processTicks(proxy.child.pid) - p0;
            const serverTicks = processTicks(nghttpd.pid) - s0;
            const allTicks = ourTicks() - all0;
            const busy = busyTicks() - b0;
            const wall = h2loadSeconds(text);
            const succeeded = Number(/(\d+) succeeded/.exec(text)?.[1] ?? 0);
            const total = Number(/traffic: .*?\((\d+)\) total/.exec(text)?.[1] ?? NaN);
            const outcome = status !== 0 ? `h2load-exit-${String(status)}` : succeeded < plan.requests ? 'requests-failed' : 'ok';
            const ok = outcome === 'ok';
            const clientSeconds = Number.isFinite(clientCpu) ? (clientCpu / 100) * wall : 0;
            const other = Math.max(0, ((busy - allTicks) / CLK_TCK - clientSeconds) / wall) * 100;
            const run: Run = {
              value: ok ? (plan.scenario === 'P2' ? total / wall / 1e6 : Number(/([0-9.]+) req\/s/.exec(text)?.[1] ?? NaN)) : NaN,
              proxyCpu: (proxyTicks / CLK_TCK / wall) * 100,
              serverCpu: (serverTicks / CLK_TCK / wall) * 100,
              clientCpu,
              other: Number.isFinite(other) ? other : 0,
              failed: plan.requests - succeeded,
              status: outcome,
              noisy: gate >= 0 && other > gate,
            };
            const retry = run.noisy && attempt < retryNoisy;
            log(
              `${plan.scenario} round ${round} ${impl === 'ours' ? 'h2duplex  ' : 'node:http2'} ${fmt(run.value, plan.scenario === 'P2' ? 1 : 0)} ${plan.scenario === 'P2' ? 'MB/s' : 'req/s'}` +
                `  proxy ${fmt(run.proxyCpu)}%  nghttpd ${fmt(run.serverCpu)}%  h2load ${fmt(run.clientCpu)}%  other ${fmt(run.other)}%  ${run.status}` +
                (run.noisy ? (retry ? '  (noisy: retried)' : '  (noisy: kept)') : ''),
            );
            if (retry) {
              notes.push(`${NAME[impl]} ${plan.scenario}: a noisy run retried`);
              continue;
            }
            if (run.noisy) notes.push(`${NAME[impl]} ${plan.scenario}: a noisy run kept`);
            if (!ok) notes.push(`${NAME[impl]} ${plan.scenario}: ${run.status}`);
            list.push(run);
            break;
          }
        }
      }
    }
  } finally {
    for (const p of proxies) await stopChild(p.child);
    await stopChild(nghttpd);
  }
  if (options.cpuProf !== undefined) for (const line of summariseProfiles(options.cpuProf)) log(line);

  return todo.map((plan): ProxyRow => {
    const of = (impl: Impl): Run[] => runs.get(`${plan.scenario}/${impl}`) ?? [];
    const ours = median(of('ours').map((r) => r.value));
    const node = median(of('node').map((r) => r.value));
    return {
      scenario: plan.scenario,
      what: plan.what,
      metric: plan.scenario === 'P2' ? 'MB/s' : 'req/s',
      ours,
      node,
      ratio: ours / node,
      oursCpu: median(of('ours').map((r) => r.proxyCpu)),
      nodeCpu: median(of('node').map((r) => r.proxyCpu)),
      nghttpdCpuOurs: median(of('ours').map((r) => r.serverCpu)),
      nghttpdCpuNode: median(of('node').map((r) => r.serverCpu)),
      h2loadCpuOurs: median(of('ours').map((r) => r.clientCpu)),
      h2loadCpuNode: median(of('node').map((r) => r.clientCpu)),
      oursRuns: of('ours').map((r) => r.value),
      nodeRuns: of('node').map((r) => r.value),
      failed: [...of('ours'), ...of('node')].reduce((sum, r) => sum + r.failed, 0),
      notes: [...new Set(notes.filter((n) => n.includes(` ${plan.scenario}:`) || n.includes('warm-up')))],
    };
  });
}

// ------------------------------------------------------------------ output

/** The rows as a markdown table (what BENCHMARKS.md gets). */
export function proxyTable(rows: readonly ProxyRow[]): string[] {
  const lines = [
    '| scenario | what | metric | h2duplex proxy | node:http2 proxy | ratio | h2duplex proxy CPU % | node:http2 proxy CPU % | nghttpd CPU %, ours / node runs | h2load CPU %, ours / node runs |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const digits = r.metric === 'MB/s' ? 1 : 0;
    lines.push(
      `| ${r.scenario} | ${r.what} | ${r.metric} | ${fmt(r.ours, digits)} | ${fmt(r.node, digits)} | ${fmt(r.ratio, 2)} | ${fmt(r.oursCpu)} | ${fmt(r.nodeCpu)} | ${fmt(r.nghttpdCpuOurs)} / ${fmt(r.nghttpdCpuNode)} | ${fmt(r.h2loadCpuOurs)} / ${fmt(r.h2loadCpuNode)} |`,
    );
  }
  return lines;
}

/** BENCHMARKS.md's heading of this section. */
export const PROXY_SECTION = '## Proxy (`npx tsx bench/proxy.bench.ts`)';

/** Replaces (or appends) the "Proxy" section of BENCHMARKS.md; every other section is kept as it is. */
export function writeProxySection(rows: readonly ProxyRow[], description: string): void {
  const failed = rows.reduce((n, r) => n + r.failed, 0);
  const notes = [...new Set(rows.flatMap((r) => r.notes))];
  const section = [
    PROXY_SECTION,
    '',
    description,
    'h2load → proxy → `nghttpd --no-tls` (default settings: 100 concurrent streams per connection). Ours: `examples/proxy.ts`',
    '(compiled as the servers are, `bench/compiled.ts`); node:http2: `bench/anchors/node-http2-proxy.mjs` (http2.createServer,',
    'one http2.connect session upstream, stream-to-stream `pipeline()`, headers passed through minus hop-by-hop fields).',
    'Each proxy multiplexes all its downstream streams onto one upstream connection. Proxies pinned to CPU 0, h2load and',
    'nghttpd share CPU 1. Proxy CPU % is its utime+stime (/proc/PID/stat) over h2load\'s wall time, % of one core.',
    'Ratio: ours ÷ node:http2, > 1 is faster. Medians, rounds interleaved, quiet gate before each run.',
    '',
    ...proxyTable(rows),
    '',
    ...(failed > 0 ? [`Failed requests (both proxies, counted runs): ${failed}.`, ''] : []),
    ...(notes.length > 0 ? [`Notes: ${notes.join('; ')}.`, ''] : []),
  ].join('\n');
  writeBenchmarksSection(PROXY_SECTION, section);
}

// ------------------------------------------------------------------ CLI

async function cli(argv: string[]): Promise<void> {
  const get = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const scenarios = (get('-s') ?? PROXY_SCENARIOS.join(',')).split(',').map((s) => s.trim().toUpperCase());
  for (const s of scenarios) if (!(PROXY_SCENARIOS as readonly string[]).includes(s)) throw new Error(`-s: unknown scenario ${s} (P1, P2, P3)`);
  const options: ProxyBenchOptions = { scenarios: scenarios as ProxyScenario[], quick, pin: !argv.includes('--no-pin') };
  const repeats = get('-r');
  const scale = get('--scale');
  const bulk = get('--bulk-bytes');
  const gate = get('--gate');
  const cpuProf = get('--cpu-prof');
  if (repeats !== undefined) options.repeats = Number(repeats);
  if (scale !== undefined) options.scale = Number(scale);
  if (bulk !== undefined) options.bulkBytes = Number(bulk);
  if (gate !== undefined) options.gate = Number(gate);
  if (cpuProf !== undefined) options.cpuProf = cpuProf;
  const started = Date.now();
  const rows = await runProxyBench(options);
  console.log(`\n# h2load → proxy → nghttpd: examples/proxy.ts vs an idiomatic node:http2 proxy (ratio > 1: ours is faster)\n${proxyTable(rows).join('\n')}`);
  for (const r of rows) if (r.notes.length > 0 || r.failed > 0) console.log(`# ${r.scenario}: failed ${r.failed}; ${r.notes.join('; ')}`);
  console.log(`# ${((Date.now() - started) / 1000).toFixed(1)} s (${process.uptime().toFixed(1)} s since this process started)`);
  if (!argv.includes('--no-write')) {
    const r = options.repeats ?? (quick ? 1 : 3);
    writeProxySection(rows, `Latest \`npx tsx bench/proxy.bench.ts${argv.length > 0 ? ` ${argv.join(' ')}` : ''}\`: ${new Date().toISOString()} on Node ${process.version}, ${r} repeat(s), nghttpd ${nghttpdVersion()}.`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  cli(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  });
}
