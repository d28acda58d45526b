/**
 * Example programs run as their users run them: each in its own process (`tsx`, with
 * {@link ./example-preload.ts} preloaded), so a crash is the process dying, not an exception
 * mocha catches. A server program is started with `PORT=0` and found through the URL it prints.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { REPO_ROOT } from './shared.js';

const PRELOAD = join(REPO_ROOT, 'spec', 'helpers', 'example-preload.ts');
/** A URL on the loopback address in a program's output: where it listens. */
const LISTENING = /\b(https?):\/\/127\.0\.0\.1:(\d+)/;

/** A program started by {@link startProgram}. */
export interface ExampleProcess {
  readonly child: ChildProcess;
  /** The first loopback URL the program printed (where it listens). */
  readonly url: string;
  readonly port: number;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Neither exited nor killed by a signal. */
  alive(): boolean;
  /** Kills it (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
}

export interface ProgramOptions {
  /** Arguments after the file. */
  args?: string[];
  /** Added to the environment (`PORT` is `0` unless given). */
  env?: Record<string, string>;
}

function spawnExample(file: string, options: ProgramOptions): { child: ChildProcess; output: () => string } {
  const child = fork(join(REPO_ROOT, file), options.args ?? [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx', '--import', pathToFileURL(PRELOAD).href],
    env: { ...process.env, PORT: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr?.setEncoding('utf8').on('data', (text: string) => (output += text));
  return { child, output: () => output };
}

/**
 * Starts `file` (relative to the repository) as a long-running program and resolves once it
 * printed where it listens; rejects with its output if it exits first.
 */
export function startProgram(file: string, options: ProgramOptions = {}): Promise<ExampleProcess> {
  const { child, output } = spawnExample(file, options);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return new Promise((resolve, reject) => {
    const onData = (): void => {
      const match = LISTENING.exec(output());
      if (match === null) return;
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      const port = Number(match[2]);
      resolve({
        child,
        url: `${match[1] ?? 'http'}://127.0.0.1:${port}`,
        port,
        output,
        alive: () => child.exitCode === null && child.signalCode === null,
        stop: () => {
          child.kill();
          return exited;
        },
      });
    };
    const onExit = (code: number | null, signal: string | null): void => {
      reject(new Error(`${file} exited (${signal ?? String(code)}) before it listened:\n${output()}`));
    };
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** Runs `file` to its end; resolves with its exit code and output (stdout and stderr apart). */
export function runProgram(file: string, options: ProgramOptions = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const { child } = spawnExample(file, options);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (text: string) => (stdout += text));
  child.stderr?.on('data', (text: string) => (stderr += text));
  return new Promise((resolve) => child.once('close', (status: number | null) => resolve({ status, stdout, stderr })));
}

/**
 * Starts a server an example exports rather than runs (`export function startX(port)`,
 * resolving with a net.Server or `{ server }`), in its own process like {@link startProgram}.
 */
export function startExport(file: string, exportName: string): Promise<ExampleProcess> {
  return startProgram(join('spec', 'helpers', 'example-process.ts'), { args: [file, exportName] });
}

/** In the child of {@link startExport}: start the export on port 0 and print where it listens. */
async function serveExport(file: string, exportName: string): Promise<void> {
  const module = (await import(pathToFileURL(join(REPO_ROOT, file)).href)) as Record<string, unknown>;
  const start = module[exportName];
  if (typeof start !== 'function') throw new Error(`${file} exports no function ${exportName}`);
  const started = (await (start as (port: number) => Promise<unknown>)(0)) as { address?: () => unknown; server?: { address: () => unknown } };
  const server = typeof started.address === 'function' ? started : started.server;
  const address = server?.address?.() as { port: number } | null | undefined;
  if (address == null) throw new Error(`${exportName} did not resolve with a listening server`);
  console.log(`${file} ${exportName}: listening on http://127.0.0.1:${address.port}/`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await serveExport(process.argv[2] ?? '', process.argv[3] ?? '');
