/**
 * The server side of the DoS specs, in its own process so its memory and CPU are its own:
 * examples/server.ts with the options given, measured by bench/memory-probe.ts (preloaded:
 * live memory after GC and CPU time, over IPC) and, while an attack runs, by its resident set
 * read from /proc. Started by {@link startAttackTarget}; exits when the parent disconnects.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type net from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProbeStats } from '../../bench/memory-probe.js';
import type { H2DuplexOptions } from '../../src/index.js';
import { REPO_ROOT } from './shared.js';

export interface AttackTarget {
  port: number;
  /** Live memory after GC, RSS and CPU time, from inside the target (forces a GC: not during an attack). */
  stats(): Promise<ProbeStats>;
  /** The target's resident set now (octets), read from /proc without disturbing it; null where there is no /proc. */
  rss(): number | null;
  stop(): void;
}

/** Octets per page in /proc/PID/statm (4 KiB on the Linux machines the specs run on). */
const PAGE_SIZE = 4096;

/** Forks the target, starts examples/server.ts there with `options`, resolves once it listens. */
export async function startAttackTarget(options: H2DuplexOptions = {}): Promise<AttackTarget> {
  const child = fork(fileURLToPath(import.meta.url), [JSON.stringify(options)], {
    execArgv: ['--import', 'tsx', '--expose-gc', '--import', join(REPO_ROOT, 'bench', 'memory-probe.ts')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const nextMessage = <T>(): Promise<T> =>
    new Promise((resolve, reject) => {
      const onExit = () => reject(new Error('the attack target exited'));
      child.once('exit', onExit);
      child.once('message', (message) => {
        child.off('exit', onExit);
        resolve(message as T);
      });
    });
  const { port } = await nextMessage<{ port: number }>();
  const statm = `/proc/${child.pid ?? 0}/statm`;
  return {
    port,
    rss: () => {
      try {
        return Number(readFileSync(statm, 'latin1').split(' ')[1]) * PAGE_SIZE;
      } catch {
        return null;
      }
    },
    stats: () => {
      const reply = nextMessage<ProbeStats>();
      child.send('stats');
      return reply;
    },
    stop: () => {
      child.kill();
    },
  };
}

/** In the child: serve with the options from argv, report the port, exit with the parent. */
async function serve(): Promise<void> {
  const { startServer } = await import('../../examples/server.js');
  const server = await startServer(0, '127.0.0.1', JSON.parse(process.argv[2] ?? '{}') as H2DuplexOptions);
  process.send?.({ port: (server.address() as net.AddressInfo).port });
  process.on('disconnect', () => {
    server.close();
    process.exit(0);
  });
}

if (process.send !== undefined && process.argv[1] === fileURLToPath(import.meta.url)) await serve();
