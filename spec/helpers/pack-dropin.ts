/**
 * The drop-in programs (spec/dropin/programs/) run against the package as published: their
 * variants (spec/dropin/variants.ts) are copied into a scratch project that installed the
 * `npm pack` tarball, and run there as the README tells users to run a program, `tsx file.ts`
 * with the project as the working directory. No preload, no `paths`: 'h2duplex' is whatever the
 * scratch project resolves it to (its node_modules/h2duplex/dist/), which
 * {@link InstalledPrograms.resolved} reports so the spec can check it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { generateVariants, type Impl } from '../dropin/variants.js';
import { REPO_ROOT } from './shared.js';

/** The repository's tsx command line (node_modules/.bin/tsx links to it). */
export const TSX_CLI = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

/** Why the programs cannot run (tsx is not installed), or null. */
export function tsxMissing(): string | null {
  return existsSync(TSX_CLI) ? null : `tsx is not installed (${relative(REPO_ROOT, TSX_CLI)} is missing: npm install)`;
}

/** The variants as copied into a project. */
export interface InstalledPrograms {
  /** The folder they were copied to (inside the project). */
  readonly dir: string;
  /** Program names (file names without `.ts`). */
  readonly names: string[];
  /** The copied file of program `name` for `impl` (absolute). */
  path(impl: Impl, name: string): string;
  /** A program beside the `ours` variants that prints `import.meta.resolve('h2duplex')`. */
  readonly resolver: string;
}

/**
 * Generates the variants (both `node/` and `ours/`, each with its `{ "type": "module" }`
 * package.json) and copies them into `<project>/<folder>/`, leaving out the generated
 * tsconfig.json (it maps 'h2duplex' to the repository's src/, which is what this must not do).
 */
export function installDropinPrograms(project: string, folder = 'dropin'): InstalledPrograms {
  const dir = join(project, folder);
  const variants = generateVariants();
  try {
    cpSync(variants.dir, dir, { recursive: true, filter: (source) => relative(variants.dir, source) !== 'tsconfig.json' });
    const names = variants.names;
    const inProject = (impl: Impl, name: string): string => join(dir, relative(variants.dir, variants.path(impl, name)));
    const resolver = join(dir, relative(variants.dir, variants.path('ours', 'where-h2duplex')));
    writeFileSync(resolver, "console.log(import.meta.resolve('h2duplex'));\n");
    return { dir, names, path: inProject, resolver };
  } finally {
    variants.remove();
  }
}

/** A program's run to its end. */
export interface Finished {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A program started by {@link startTsx} that printed where it listens. */
export interface RunningServer {
  readonly url: string;
  /** Its stdout and stderr so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves once it exited by itself, or with null when it still runs `ms` later. */
  exited(ms: number): Promise<Finished | null>;
  /** Still running. */
  alive(): boolean;
  /** SIGTERM (tsx passes it on to the program), then waits for the exit. */
  stop(): Promise<void>;
}

const LISTENING = /\b(https?):\/\/127\.0\.0\.1:(\d+)/;

function spawnTsx(file: string, cwd: string, env: Record<string, string>): { child: ChildProcess; finished: Promise<Finished>; out: { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [TSX_CLI, file], { cwd, env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '' };
  child.stdout.setEncoding('utf8').on('data', (text: string) => (out.stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (out.stderr += text));
  const finished = new Promise<Finished>((resolve) => {
    child.once('close', (status: number | null, signal: NodeJS.Signals | null) => resolve({ status, signal, ...out }));
  });
  return { child, finished, out };
}

/** Runs `file` with `tsx` in `cwd` to its end; stops it (SIGTERM, in `signal`) after `ms`. */
export async function runTsx(file: string, cwd: string, env: Record<string, string> = {}, ms = 15_000): Promise<Finished> {
  const { child, finished } = spawnTsx(file, cwd, env);
  const timer = setTimeout(() => child.kill('SIGTERM'), ms);
  try {
    return await finished;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts `file` with `tsx` in `cwd` and resolves once it printed a loopback URL; rejects with
 * its output if it exits first, or (after stopping it) if it printed none within `ms`.
 */
export function startTsx(file: string, cwd: string, env: Record<string, string> = {}, ms = 15_000): Promise<RunningServer> {
  const { child, finished, out } = spawnTsx(file, cwd, env);
  let done = false;
  void finished.then(() => (done = true));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`${file} printed no URL within ${ms} ms:\n${out.stdout}\n${out.stderr}`));
    }, ms);
    const onData = (): void => {
      const match = LISTENING.exec(out.stdout);
      if (match === null) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve({
        url: `${match[1] ?? 'http'}://127.0.0.1:${match[2] ?? '0'}`,
        stdout: () => out.stdout,
        stderr: () => out.stderr,
        alive: () => !done,
        exited: (within) =>
          new Promise((resolveExit) => {
            const waiting = setTimeout(() => resolveExit(null), within);
            void finished.then((result) => {
              clearTimeout(waiting);
              resolveExit(result);
            });
          }),
        stop: async () => {
          child.kill('SIGTERM');
          await finished;
        },
      });
    };
    child.stdout?.on('data', onData);
    void finished.then((result) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited (${result.signal ?? String(result.status)}) before it listened:\n${result.stdout}\n${result.stderr}`));
    });
  });
}
