/**
 * What one attacking connection costs a server, and whether the server stays responsive, for
 * ours (examples/server.ts, as `npm start` runs it), node:http2 and nghttpd, each in a process
 * of its own, attacked by a process of its own, probed from this one.
 *
 *   npx tsx bench/attack-cost.ts [--servers ours,node,nghttpd] [--attacks huge-headers,ping-flood,…]
 *                                [--seconds 5] [--runs 1] [--prof DIR] [--json] [--no-pin]
 *
 * Per (server, attack): the attacker (a child process) writes raw frames over one TCP
 * connection as fast as the server takes them, for `--seconds` or until the server answers
 * GOAWAY or closes. Meanwhile this process
 *   - opens a fresh node:http2 connection every ~10 ms and times `GET /` on it (connect to the
 *     end of the response: what a new client waits while the attack runs);
 *   - samples the server's RSS and CPU time from /proc/PID every 10 ms (the peak RSS over the
 *     attack, minus the RSS before it, is the "RSS growth");
 *   - for ours, reads the server's own event-loop delay over the attack
 *     (bench/loop-delay-probe.ts): the probe's latency also includes the machine's contention
 *     (the attacker and the prober share a core), the loop delay only the server's.
 * The server runs on CPU 0, the attacker and the prober on CPU 1 (taskset, when there are two
 * CPUs; `--no-pin` lets them share both). Each attack runs three times on a fresh server: alone (CPU, RSS), alone again on the same
 * server ("2nd": RSS growth without the one-time growth of a fresh process, such as V8's young
 * generation reaching its working size), and probed (latency).
 * `--prof DIR` runs our server with `node --cpu-prof` into DIR; `--server-script FILE` runs FILE
 * as ours; `--timeline` prints RSS and CPU every 50 ms.
 *
 * Attack shapes (RFC 9113 frames, built by spec/helpers/attacker.ts):
 *   huge-headers    requests whose header list is 128 KiB (8 × 16 KiB literals, never indexed),
 *                   each split over HEADERS + 7 CONTINUATION frames; responses read
 *   ping-flood      PING frames; the ACKs are never read (CVE-2019-9512)
 *   settings-flood  empty SETTINGS frames; the ACKs are never read (CVE-2019-9515)
 *   rst-flood       HEADERS + RST_STREAM(CANCEL) pairs (CVE-2023-44487); responses read
 *   reset-flood     malformed requests the server must reset; answers never read (CVE-2019-9514)
 *   closed-rst      RST_STREAM frames on a stream already closed; answers read
 *   none            an idle connection: what the probes alone cost (the baseline)
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Attacker } from '../spec/helpers/attacker.js';
import { rawFrame } from '../spec/helpers/bytes.js';
import { REPO_ROOT } from '../spec/helpers/shared.js';
import { commandPath, freePort, hasCommand, waitForPort } from '../spec/helpers/tools.js';
import type { LoopDelay } from './loop-delay-probe.js';
import { pinned } from './measure.js';

const THIS_FILE = fileURLToPath(import.meta.url);
/** `--server-script FILE`: run FILE instead of examples/server.ts as ours (it reads PORT from the environment). */
const serverScript = ((): string => {
  const at = process.argv.indexOf('--server-script');
  return at >= 0 ? (process.argv[at + 1] ?? '') : join(REPO_ROOT, 'examples', 'server.ts');
})();
/**
 * The server on CPU 0, the attacker and this process (the prober) on CPU 1, as the other
 * benchmarks pin servers and load (`--no-pin`: all three share both cores, where the
 * attacker's own work delays the server it attacks: a stand-in for nothing a remote attacker
 * does).
 */
const pin = !process.argv.includes('--no-pin') && hasCommand('taskset') && cpus().length >= 2;
/** `--timeline`: print the server's RSS and CPU every 50 ms. */
const timeline = process.argv.includes('--timeline');
/** `--server-args "--trace-gc …"`: extra node options for our server (its output is then shown). */
const serverNodeArgs = ((): string[] => {
  const at = process.argv.indexOf('--server-args');
  return at >= 0 ? (process.argv[at + 1] ?? '').split(' ').filter((a) => a !== '') : [];
})();
const ATTACKS = ['none', 'huge-headers', 'ping-flood', 'settings-flood', 'rst-flood', 'reset-flood', 'closed-rst'] as const;
type AttackName = (typeof ATTACKS)[number];
const SERVERS = ['ours', 'node', 'nghttpd'] as const;
type ServerName = (typeof SERVERS)[number];

/** What the attacker reports back. */
interface AttackReport {
  ms: number;
  frames: number;
  bytes: number;
  /** How it ended: 'time', 'goaway <code> <debug>', 'closed', 'stalled' (the server stopped reading for 1 s). */
  end: string;
}

// ------------------------------------------------------------------ the attacker (child process)

/** Frames for one write of the attack, or the requests it sends; `i` counts units sent so far. */
function attackUnit(name: AttackName, a: Attacker, hugeBlock: Buffer[], i: number): { bytes: Buffer; frames: number } {
  const id = 2 * i + 1;
  switch (name) {
    case 'huge-headers':
      return { bytes: Attacker.headerBlockFrames(hugeBlock, id), frames: hugeBlock.length };
    case 'ping-flood':
      return { bytes: rawFrame(6, 0, 0, '0102030405060708'), frames: 1 };
    case 'settings-flood':
      return { bytes: rawFrame(4, 0, 0), frames: 1 };
    case 'rst-flood':
      return { bytes: Buffer.concat([a.request(id), rawFrame(3, 0, id, '00000008')]), frames: 2 };
    case 'reset-flood':
      return { bytes: a.request(id, '/', { extra: [['X-Upper', 'bad']] }), frames: 1 };
    case 'closed-rst':
      return { bytes: rawFrame(3, 0, 1, '00000008'), frames: 1 };
    case 'none':
      return { bytes: Buffer.alloc(0), frames: 0 };
  }
}

/** The GOAWAY the attacker saw, as text, or null. (A function: the flags change while awaiting.) */
function goawayText(a: Attacker): string | null {
  const g = a.seen.goaway;
  return g === null ? null : `goaway ${g.errorCode} ${g.debug}`;
}

const isClosed = (a: Attacker): boolean => a.seen.closed;

async function runAttacker(port: number, name: AttackName, seconds: number): Promise<AttackReport> {
  const a = await Attacker.connect(port);
  await a.ready(1);
  const readsAnswers = name === 'huge-headers' || name === 'rst-flood' || name === 'closed-rst';
  if (name === 'closed-rst') {
    await a.send(a.request(1));
    await a.until(() => a.seen.ended.has(1));
  }
  if (!readsAnswers) a.socket.pause();
  const hugeBlock = name === 'huge-headers' ? a.hugeHeaderFragments(true) : [];
  process.send?.('started');
  if (name === 'none') {
    // The baseline: what the probes alone cost the server.
    await new Promise((r) => setTimeout(r, seconds * 1000));
    a.close();
    return { ms: seconds * 1000, frames: 0, bytes: 0, end: 'time' };
  }
  const start = performance.now();
  const deadline = start + seconds * 1000;
  let units = name === 'closed-rst' ? 1 : 0;
  let frames = 0;
  let bytes = 0;
  let end = 'time';
  // Writes of ~64 KiB: as fast as the server takes them, the kernel buffers kept full. (The
  // first unit is sent, not just measured: requests advance the HPACK encoder's table.)
  let pending: { bytes: Buffer; frames: number } | null = attackUnit(name, a, hugeBlock, units);
  const perWrite = Math.max(1, Math.floor(65536 / pending.bytes.length));
  for (;;) {
    const goaway = goawayText(a);
    if (goaway !== null) {
      end = goaway;
      break;
    }
    if (a.seen.closed) {
      end = 'closed';
      break;
    }
    if (performance.now() >= deadline) break;
    const parts: Buffer[] = [];
    for (let k = 0; k < perWrite && units < 0x3fffffff; k++, units++) {
      const unit = pending ?? attackUnit(name, a, hugeBlock, units);
      pending = null;
      parts.push(unit.bytes);
      frames += unit.frames;
    }
    const chunk = Buffer.concat(parts);
    bytes += chunk.length;
    if (!(await a.send(chunk, 1000))) {
      end = goawayText(a) ?? (isClosed(a) ? 'closed' : 'stalled');
      break;
    }
    // Let answers arrive (and be read, where this attack reads them).
    await new Promise((resolve) => setImmediate(resolve));
  }
  const ms = performance.now() - start;
  if (!readsAnswers) a.socket.resume();
  await a.settle(300);
  const goaway = goawayText(a);
  if ((end === 'time' || end === 'stalled') && goaway !== null) end = `${goaway} (after ${end})`;
  a.close();
  return { ms, frames, bytes, end };
}

// ------------------------------------------------------------------ the servers

interface Target {
  pid: number;
  port: number;
  child: ChildProcess;
  /** Ours only (bench/loop-delay-probe.ts): the event loop's delay since the previous call. */
  loopDelay: (() => Promise<LoopDelay['loopDelay']>) | null;
  /** nghttpd's document root, removed when it stops. */
  docroot: string | null;
}

const NODE_SERVER = `
import http2 from 'node:http2';
const server = http2.createServer();
server.on('stream', (stream, headers) => {
  stream.on('error', () => {});
  if (headers[':path'] === '/') { stream.respond({ ':status': 200, 'content-type': 'text/plain' }); stream.end('hello from node:http2\\n'); }
  else { stream.respond({ ':status': 404 }); stream.end(); }
});
server.on('sessionError', () => {});
server.listen(Number(process.argv[1]), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

async function startTarget(name: ServerName, profDir: string | null): Promise<Target> {
  const port = await freePort();
  let child: ChildProcess;
  let docroot: string | null = null;
  if (name === 'ours') {
    const prof = profDir === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${profDir}`];
    const probe = join(REPO_ROOT, 'bench', 'loop-delay-probe.ts');
    const [command, args] = pinned(0, pin, process.execPath, [...prof, ...serverNodeArgs, '--import', 'tsx', '--import', probe, serverScript]);
    child = spawn(command, args, { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'], cwd: REPO_ROOT });
  } else if (name === 'node') {
    const [command, args] = pinned(0, pin, process.execPath, ['--input-type=module', '-e', NODE_SERVER, String(port)]);
    child = spawn(command, args, { stdio: 'ignore' });
  } else {
    docroot = mkdtempSync(join(tmpdir(), 'attack-cost-'));
    writeFileSync(join(docroot, 'index.html'), 'hello from nghttpd\n');
    const [command, args] = pinned(0, pin, commandPath('nghttpd'), ['--no-tls', '-d', docroot, String(port)]);
    child = spawn(command, args, { stdio: 'ignore' });
  }
  await waitForPort(port);
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  return { pid: child.pid, port, child, loopDelay: name === 'ours' ? loopDelayReader(child) : null, docroot };
}

/** Asks the server for its event-loop delay (SIGUSR2) and reads the JSON line it prints; other output is passed on. */
function loopDelayReader(child: ChildProcess): () => Promise<LoopDelay['loopDelay']> {
  const waiting: Array<(d: LoopDelay['loopDelay']) => void> = [];
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => {
    const lines = (partial + text).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('{"loopDelay"')) waiting.shift()?.((JSON.parse(line) as LoopDelay).loopDelay);
      else if (timeline || serverNodeArgs.length > 0) console.log(line);
    }
  });
  return () =>
    new Promise((resolve) => {
      waiting.push(resolve);
      child.kill('SIGUSR2');
    });
}

async function stopTarget(t: Target): Promise<void> {
  const exited = new Promise((resolve) => t.child.once('exit', resolve));
  t.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
  t.child.kill('SIGKILL');
  if (t.docroot !== null) rmSync(t.docroot, { recursive: true, force: true });
}

const CLOCK_TICK_MS = 10; // sysconf(_SC_CLK_TCK) = 100 on Linux
const PAGE = 4096;

/** CPU time (ms) and RSS (octets) of a process, from /proc. */
function procStats(pid: number): { cpuMs: number; rss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuMs = (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
  const rss = Number(readFileSync(`/proc/${pid}/statm`, 'latin1').split(' ')[1]) * PAGE;
  return { cpuMs, rss };
}

// ------------------------------------------------------------------ the probe

/** GET / on a fresh node:http2 connection; resolves with the milliseconds it took (NaN on failure). */
function probeOnce(port: number): Promise<number> {
  const start = performance.now();
  return new Promise((resolve) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    const done = (ok: boolean) => {
      clearTimeout(timer);
      session.destroy();
      resolve(ok ? performance.now() - start : NaN);
    };
    const timer = setTimeout(() => done(false), 5000);
    session.on('error', () => done(false));
    const req = session.request({ ':path': '/' });
    req.on('error', () => done(false));
    req.on('response', () => undefined);
    req.resume();
    req.on('end', () => done(true));
  });
}

const percentile = (sorted: number[], p: number): number => sorted.length === 0 ? NaN : (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN);

/** One attack on a server process. */
interface RunResult {
  report: AttackReport;
  /** Server CPU time from the attack's start to its end. */
  cpuMs: number;
  /** Peak RSS during the attack minus the RSS before it. */
  rssPeakGrowth: number;
  /** RSS 1 s after the attack minus the RSS before it. */
  rssAfterGrowth: number;
  /** Milliseconds of each probe made while the attack ran (sorted). */
  latencies: number[];
  failed: number;
  /** Ours: the server's event-loop delay over the attack (ms). */
  loopDelay: LoopDelay['loopDelay'] | null;
}

/** Runs one attack on `target` (probing it every ~10 ms with `probe`). */
async function attackOnce(target: Target, attack: AttackName, seconds: number, probe: boolean): Promise<RunResult> {
  await target.loopDelay?.(); // starts a new measurement
  const before = procStats(target.pid);
  let peakRss = before.rss;
  const t0 = performance.now();
  let lastPrint = 0;
  const sampler = setInterval(() => {
    try {
      const now = procStats(target.pid);
      peakRss = Math.max(peakRss, now.rss);
      if (timeline && performance.now() - lastPrint >= 50) {
        lastPrint = performance.now();
        console.log(`  t=${(lastPrint - t0).toFixed(0)} ms  RSS +${((now.rss - before.rss) / 1048576).toFixed(1)} MB  CPU +${now.cpuMs - before.cpuMs} ms`);
      }
    } catch {
      // the server exited; the probes report it
    }
  }, 10);
  const [command, args] = pinned(1, pin, process.execPath, ['--import', 'tsx', THIS_FILE, '--attacker', String(target.port), attack, String(seconds)]);
  const attacker = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const started = new Promise((resolve) => attacker.once('message', resolve));
  const report = started.then(
    () =>
      new Promise<AttackReport>((resolve, reject) => {
        attacker.once('message', (m) => resolve(m as AttackReport));
        attacker.once('exit', (code) => reject(new Error(`attacker exited with ${code}`)));
      }),
  );
  let finished = false;
  void report.finally(() => (finished = true)).catch(() => undefined);
  const attacking = (): boolean => !finished;
  const latencies: number[] = [];
  let failed = 0;
  // Probes start once the attacker is connected and about to write.
  await started;
  while (probe && attacking()) {
    const start = performance.now();
    const ms = await probeOnce(target.port);
    if (!attacking()) break; // finished after the attack: not a mid-attack figure
    if (Number.isNaN(ms)) failed += 1;
    else latencies.push(ms);
    const rest = 10 - (performance.now() - start);
    if (rest > 0) await new Promise((r) => setTimeout(r, rest));
  }
  const r = await report;
  const afterAttack = procStats(target.pid);
  const loopDelay = (await target.loopDelay?.()) ?? null;
  await new Promise((r) => setTimeout(r, 1000));
  clearInterval(sampler);
  const settled = procStats(target.pid);
  latencies.sort((x, y) => x - y);
  return { report: r, cpuMs: afterAttack.cpuMs - before.cpuMs, rssPeakGrowth: peakRss - before.rss, rssAfterGrowth: settled.rss - before.rss, latencies, failed, loopDelay };
}

/**
 * Starts the server, warms it up, and attacks it `times` times in a row. The warm-up is what
 * the run does besides attacking: 20 GETs for a cost run; 2 s of probing for a probed run, so
 * that the heap growth the probes alone cause happens before the baseline RSS is read.
 */
async function runOnce(server: ServerName, attack: AttackName, seconds: number, probe: boolean, times: number, profDir: string | null): Promise<RunResult[]> {
  const target = await startTarget(server, profDir);
  try {
    const warmUntil = performance.now() + (probe ? 2000 : 0);
    for (let i = 0; i < 20 || performance.now() < warmUntil; i++) {
      await probeOnce(target.port);
      await new Promise((r) => setTimeout(r, 10));
    }
    await new Promise((r) => setTimeout(r, 300));
    const results: RunResult[] = [];
    for (let i = 0; i < times; i++) results.push(await attackOnce(target, attack, seconds, probe));
    return results;
  } finally {
    await stopTarget(target);
  }
}

interface CaseResult {
  server: ServerName;
  attack: AttackName;
  /** The attack alone on a fresh server: CPU and RSS of one attacking connection. */
  cost: RunResult;
  /**
   * The same attack again on the same server: RSS growth without the one-time growth of a
   * fresh process (V8's young generation reaching its working size, the allocator's arenas).
   */
  again: RunResult;
  /** The attack with fresh GETs probing the server. */
  probed: RunResult;
}

async function runCase(server: ServerName, attack: AttackName, seconds: number, profDir: string | null): Promise<CaseResult> {
  const [cost, again] = await runOnce(server, attack, seconds, false, 2, profDir);
  const [probed] = await runOnce(server, attack, seconds, true, 1, null);
  if (cost === undefined || again === undefined || probed === undefined) throw new Error('missing run');
  return { server, attack, cost, again, probed };
}

// ------------------------------------------------------------------ main

const argv = process.argv.slice(2);
if (argv[0] === '--attacker') {
  const report = await runAttacker(Number(argv[1]), argv[2] as AttackName, Number(argv[3]));
  process.send?.(report);
  process.disconnect();
} else {
  const option = (name: string): string | undefined => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const servers = (option('servers')?.split(',') ?? [...SERVERS]) as ServerName[];
  const attacks = (option('attacks')?.split(',') ?? [...ATTACKS]) as AttackName[];
  const seconds = Number(option('seconds') ?? 5);
  const runs = Number(option('runs') ?? 1);
  const profDir = option('prof') ?? null;
  const json = argv.includes('--json');
  const MB = 1024 * 1024;
  // The prober: every thread of this process on CPU 1, beside the attacker.
  if (pin) execFileSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' });
  console.log(pin ? '# servers on CPU 0; attacker and prober on CPU 1 (taskset; --no-pin to share both)' : '# not pinned: servers, attacker and prober share the cores');
  console.log('server   attack          ended by                         frames      s   CPU ms  RSS+peak RSS+after  2nd: RSS+peak RSS+after | probes  p50 ms  p90 ms  max ms  loop max  ended by');
  for (const attack of attacks) {
    for (const server of servers) {
      for (let run = 0; run < runs; run++) {
        const { cost, again, probed } = await runCase(server, attack, seconds, server === 'ours' ? profDir : null);
        if (json) console.log(JSON.stringify({ server, attack, cost, again, probed }));
        const lat = probed.latencies;
        const mb = (n: number): string => `${(n / MB).toFixed(1).padStart(6)} MB`;
        console.log(
          [
            server.padEnd(8),
            attack.padEnd(15),
            cost.report.end.slice(0, 32).padEnd(32),
            String(cost.report.frames).padStart(7),
            (cost.report.ms / 1000).toFixed(1).padStart(6),
            cost.cpuMs.toFixed(0).padStart(8),
            mb(cost.rssPeakGrowth),
            mb(cost.rssAfterGrowth),
            '    ',
            mb(again.rssPeakGrowth),
            `${mb(again.rssAfterGrowth)} |`,
            `${String(lat.length).padStart(6)}${probed.failed > 0 ? ` (${probed.failed} failed)` : ''}`,
            percentile(lat, 0.5).toFixed(1).padStart(7),
            percentile(lat, 0.9).toFixed(1).padStart(7),
            (lat[lat.length - 1] ?? NaN).toFixed(1).padStart(7),
            (probed.loopDelay === null ? '–' : probed.loopDelay.max.toFixed(1)).padStart(9),
            ` ${probed.report.end.slice(0, 32)}`,
          ].join(' '),
        );
      }
    }
  }
}
