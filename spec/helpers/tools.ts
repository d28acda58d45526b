/**
 * Interop peers: whether a command exists (specs skip with a visible reason when not), and a
 * free TCP port on 127.0.0.1 for tools that need one given to them.
 */
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { REPO_ROOT } from './shared.js';

/** True when `command` runs (looked up on PATH, plus /usr/sbin for nghttpd). */
export function hasCommand(command: string): boolean {
  const r = spawnSync('sh', ['-c', `command -v ${command} || test -x /usr/sbin/${command}`], { stdio: 'ignore' });
  return r.status === 0;
}

/** The path to run `command` with (nghttpd lives in /usr/sbin, not always on PATH). */
export function commandPath(command: string): string {
  const r = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : `/usr/sbin/${command}`;
}

/** A port that was free a moment ago (bind to 0, read it, close). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Runs a command to completion, capturing output (async so servers in this process keep serving). */
export function run(command: string, args: string[], input?: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return import('node:child_process').then(
    ({ spawn }) =>
      new Promise((resolve) => {
        const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('latin1').on('data', (d: string) => (stdout += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
        // A command that exits without reading its input (curl) makes the write fail with EPIPE:
        // its status says what happened; an unhandled 'error' here would end the whole run.
        child.stdin.on('error', () => undefined);
        child.stdin.end(input ?? '');
      }),
  );
}

/** Runs `npm run bench` (bench/h2load.bench.ts under tsx) with `args`; resolves with its exit status and output (stdout and stderr as they came). */
export function runBench(args: string[]): Promise<{ status: number | null; output: string }> {
  return import('node:child_process').then(
    ({ spawn }) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'bench/h2load.bench.ts', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
        child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
        child.on('close', (status) => resolve({ status, output }));
      }),
  );
}

/**
 * `describe(title, body)` when `command` exists; otherwise one pending test whose title says
 * what is missing and how to install it, so the skip and its reason show in the output.
 */
export function describeWithCommand(command: string, debianPackage: string, title: string, body: (this: Mocha.Suite) => void): void {
  if (hasCommand(command)) {
    describe(title, body);
    return;
  }
  describe(title, function () {
    it.skip(`skipped: ${command} is not installed (apt-get install ${debianPackage})`);
  });
}

/** Resolves once something accepts TCP connections on 127.0.0.1:`port` (a spawned server is up). */
export async function waitForPort(port: number, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}
