/**
 * The server side of the DoS specs, in its own process so its memory and CPU are its own:
 * examples/server.ts with the options the parent sends, answering `stats` requests over IPC
 * with its live memory (after GC) and the CPU time it has used. Started by
 * {@link startAttackTarget}; exits when the parent disconnects.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { H2DuplexOptions } from '../../src/index.js';

/** What the target reports: octets of live heap + Buffers after a full GC, CPU milliseconds used. */
export interface TargetStats {
  live: number;
  cpuMs: number;
}

type Request = { kind: 'listen'; options: H2DuplexOptions } | { kind: 'stats' };
type Reply = { kind: 'listening'; port: number } | ({ kind: 'stats' } & TargetStats);

export interface AttackTarget {
  port: number;
  stats(): Promise<TargetStats>;
  stop(): void;
}

/** Forks the target, starts examples/server.ts there with `options`, resolves once it listens. */
export async function startAttackTarget(options: H2DuplexOptions = {}): Promise<AttackTarget> {
  const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ['--import', 'tsx', '--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (request: Request): Promise<Reply> =>
    new Promise((resolve, reject) => {
      const onExit = () => reject(new Error('the attack target exited'));
      child.once('exit', onExit);
      child.once('message', (reply: Reply) => {
        child.off('exit', onExit);
        resolve(reply);
      });
      child.send(request);
    });
  const listening = await ask({ kind: 'listen', options });
  if (listening.kind !== 'listening') throw new Error('the attack target did not listen');
  return {
    port: listening.port,
    stats: async () => {
      const reply = await ask({ kind: 'stats' });
      if (reply.kind !== 'stats') throw new Error('unexpected reply from the attack target');
      return { live: reply.live, cpuMs: reply.cpuMs };
    },
    stop: () => {
      child.kill();
    },
  };
}

/** In the child: serve, and answer the parent. */
async function serveParent(parent: ChildProcess | NodeJS.Process): Promise<void> {
  const { startServer } = await import('../../examples/server.js');
  const gc = (global as { gc?: () => void }).gc;
  let server: net.Server | null = null;
  parent.on('message', (request: Request) => {
    if (request.kind === 'listen') {
      void startServer(0, '127.0.0.1', request.options).then((s) => {
        server = s;
        process.send?.({ kind: 'listening', port: (s.address() as net.AddressInfo).port } satisfies Reply);
      });
    } else {
      gc?.();
      const m = process.memoryUsage();
      const cpu = process.cpuUsage();
      process.send?.({ kind: 'stats', live: m.heapUsed + m.arrayBuffers, cpuMs: (cpu.user + cpu.system) / 1000 } satisfies Reply);
    }
  });
  parent.on('disconnect', () => {
    server?.close();
    process.exit(0);
  });
}

if (process.send !== undefined && process.argv[1] === fileURLToPath(import.meta.url)) await serveParent(process);
