/**
 * `npm run bench:memory`: bytes per idle HTTP/2 connection, our bench server vs the node:http2
 * anchor, each in its own process: RSS (from /proc) before and after 1,000 client connections
 * that each completed one GET / and then stay open and idle.
 *
 * Options: --connections N (default 1000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http2 from 'node:http2';
import { join } from 'node:path';
import { REPO_ROOT, SHARED_DIR } from '../spec/helpers/shared.js';
import { freePort, waitForPort } from '../spec/helpers/tools.js';

const argv = process.argv.slice(2);
const at = argv.indexOf('--connections');
const count = at >= 0 ? Number(argv[at + 1]) : 1000;

function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

async function measure(label: string, command: string[]): Promise<number> {
  const port = await freePort();
  const child: ChildProcess = spawn(command[0] ?? 'node', [...command.slice(1), String(port)], { stdio: 'ignore' });
  await waitForPort(port);
  await new Promise((r) => setTimeout(r, 500));
  const pid = child.pid ?? 0;
  const before = rssKiB(pid);
  const sessions: http2.ClientHttp2Session[] = [];
  for (let i = 0; i < count; i++) {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', () => undefined);
    await new Promise<void>((resolve) => {
      const req = session.request({ ':path': '/' });
      req.on('error', () => resolve());
      req.on('close', () => resolve());
      req.resume();
      req.end();
    });
    sessions.push(session);
  }
  // Idle for a few seconds, as idle connections are (ours releases buffers after 1 s of quiet).
  await new Promise((r) => setTimeout(r, 3000));
  const after = rssKiB(pid);
  const perConnection = ((after - before) * 1024) / count;
  console.log(`${label.padEnd(11)} RSS ${before} KiB -> ${after} KiB with ${count} idle connections: ${(perConnection / 1024).toFixed(1)} KiB per connection`);
  for (const s of sessions) s.destroy();
  child.kill();
  return perConnection;
}

if (SHARED_DIR === null) {
  console.error('bench:memory: ../shared is missing');
  process.exit(2);
}
const node = await measure('node:http2', ['node', join(SHARED_DIR, 'bench', 'anchors', 'node-http2-server.mjs')]);
const ours = await measure('h2duplex', ['node', '--import', 'tsx', join(REPO_ROOT, 'bench', 'bench-server.ts')]);
console.log(`ratio (ours ÷ node, lower is better): ${(ours / node).toFixed(2)}`);
