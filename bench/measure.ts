/**
 * What the benchmark parts that run their own processes (tls and priority through
 * bench/h2load-runs.ts, client, proxy, soak) share: CPU time read from /proc, the quiet gate
 * run-h2load.sh applies before each run, pinning, h2load's wall time, medians, stopping a
 * child, and writing their section of BENCHMARKS.md. One copy, so the parts measure alike.
 */
import { type ChildProcess, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../spec/helpers/shared.js';
import { commandPath } from '../spec/helpers/tools.js';

/** Clock ticks per second, the unit of /proc's CPU times. */
export const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** Resolves after `ms` (a timer that does not hold the process with `unref`). */
export function sleep(ms: number, unref = false): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    if (unref) t.unref();
  });
}

/** utime + stime of a process (all threads), in clock ticks; 0 once it is gone. */
export function processTicks(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Machine-wide busy ticks (user + nice + system + irq + softirq), as run-h2load.sh counts them. */
export function busyTicks(): number {
  const [, u, n, sy, , , irq, sirq] = (readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '').trim().split(/\s+/).map(Number);
  return (u ?? 0) + (n ?? 0) + (sy ?? 0) + (irq ?? 0) + (sirq ?? 0);
}

/** How {@link quietGate} waits. */
export interface QuietGate {
  /** % of one core everything else may use; below 0: no gate. */
  gate: number;
  /** Give up waiting after this many seconds and run anyway. */
  waitS: number;
  /** Length of one sample. */
  sampleMs: number;
  /** CPU ticks of our own processes (the servers being measured), left out of the count. */
  ours: () => number;
  /** Where "still busy, running anyway" goes. */
  log: (line: string) => void;
  /** Prefix of that line (`'tls: '`). */
  label?: string;
}

/**
 * Waits until everything but our processes used ≤ `gate` % of one core over one sample,
 * sampling again 2 s later while it has not, for at most `waitS` (run-h2load.sh's gate).
 */
export async function quietGate(g: QuietGate): Promise<void> {
  if (g.gate < 0) return;
  const start = Date.now();
  for (;;) {
    const b0 = busyTicks();
    const o0 = g.ours();
    await sleep(g.sampleMs);
    const pct = ((busyTicks() - b0 - (g.ours() - o0)) * 100 * 1000) / CLK_TCK / g.sampleMs;
    if (pct <= g.gate) return;
    if (Date.now() - start >= g.waitS * 1000) {
      g.log(`# ${g.label ?? ''}machine still busy (${pct.toFixed(0)}% of a core) after ${g.waitS}s; running anyway`);
      return;
    }
    await sleep(2000);
  }
}

/** `command args`, under `taskset -c cpu` when `pin`. */
export function pinned(cpu: number, pin: boolean, command: string, args: string[]): [string, string[]] {
  return pin ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];
}

/** h2load's "finished in" as seconds; NaN when it did not finish. */
export function h2loadSeconds(text: string): number {
  const m = /finished in ([0-9.]+)(us|ms|s)/.exec(text);
  if (m === null) return NaN;
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1e6 : m[2] === 'ms' ? v / 1e3 : v;
}

/** The median of the finite values; NaN when there are none. */
export function median(values: number[]): number {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 === 1 ? (v[mid] ?? NaN) : ((v[mid - 1] ?? NaN) + (v[mid] ?? NaN)) / 2;
}

/** A number for a table, `n/a` when it is not one. */
export function fmt(n: number, digits = 0): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

/** SIGTERM, SIGKILL after `ms`; resolves once the child exited. */
export async function stopChild(child: ChildProcess, ms = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  await exited;
  clearTimeout(timer);
}

/** `nghttpd --version`, without the program name. */
export function nghttpdVersion(): string {
  try {
    return execFileSync(commandPath('nghttpd'), ['--version'], { encoding: 'utf8' }).trim().replace(/^nghttpd\s+/, '');
  } catch {
    return '(version unknown)';
  }
}

/**
 * Writes `section` (starting with its `heading` line) into BENCHMARKS.md in place of the
 * section with that heading, keeping every other section; appended when there is none yet.
 */
export function writeBenchmarksSection(heading: string, section: string): void {
  const file = join(REPO_ROOT, 'BENCHMARKS.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const at = previous.indexOf(heading);
  if (at < 0) {
    writeFileSync(file, `${previous.trimEnd()}\n\n${section}`);
    return;
  }
  const next = previous.indexOf('\n## ', at + heading.length);
  writeFileSync(file, previous.slice(0, at) + section + (next < 0 ? '' : `\n${previous.slice(next + 1)}`));
}
