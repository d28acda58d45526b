/**
 * `npm run bench:memory`: what idle connections and open streams cost a server, ours (the bench
 * server, compiled: bench/compiled.ts; once as the README's `socket.pipe(h2).pipe(socket)`,
 * once through `createServer()`) vs the node:http2 anchor, each in its own process. Each server is measured from
 * inside (bench/memory-probe.ts: live heap + Buffers after a full GC) and by its RSS.
 *
 *   1. `--connections N` (default 1000) node:http2 clients each complete one GET / and stay idle;
 *      then N more, whose growth per connection is the marginal cost (see idleConnections).
 *   2. `--streams N` (default 10000) POST streams are opened on one connection and left open
 *      (request body not ended, so neither server answers yet); both servers advertise room.
 *
 * Prints bytes per connection and per stream, and the ratio ours ÷ node (lower is better), and
 * writes them to BENCHMARKS.md's memory section (`--no-write` to skip).
 */
import { fork, type ChildProcess } from 'node:child_process';
import http2 from 'node:http2';
import { join } from 'node:path';
import { SHARED_DIR } from '../spec/helpers/shared.js';
import { freePort, waitForPort } from '../spec/helpers/tools.js';
import { compileBenchServer } from './compiled.js';
import { writeBenchmarksSection } from './measure.js';
import { MEMORY_SECTION } from './memory-section.js';

const argv = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? Number(argv[at + 1]) : fallback;
};
const connectionCount = option('connections', 1000);
const streamCount = option('streams', 10_000);

interface Stats {
  live: number;
  rss: number;
}

interface Server {
  port: number;
  stats(): Promise<Stats>;
  stop(): void;
}

const compiled = compileBenchServer();

async function startServer(script: string, args: string[]): Promise<Server> {
  const port = await freePort();
  const child: ChildProcess = fork(script, [String(port), ...args], {
    execArgv: ['--expose-gc', '--import', compiled.probe],
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  await waitForPort(port);
  await new Promise((r) => setTimeout(r, 500));
  return {
    port,
    stats: () =>
      new Promise((resolve) => {
        child.once('message', (m) => resolve(m as Stats));
        child.send('stats');
      }),
    stop: () => child.kill(),
  };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
const kib = (octets: number) => `${(octets / 1024).toFixed(1)} KiB`;

/**
 * Opens `connectionCount` idle connections and measures, then as many again and measures:
 * `average` is the growth over the first batch divided by its size (what the issue asks);
 * `marginal` is what the second batch added per connection. The first batch also pays
 * one-time costs (JIT code, the V8 young generation growing under the connection burst),
 * so the marginal figure is what one more connection costs a running server.
 */
async function idleConnections(server: Server): Promise<{ average: Stats; marginal: Stats }> {
  const before = await server.stats();
  const sessions: http2.ClientHttp2Session[] = [];
  await openIdle(server, sessions);
  const first = await server.stats();
  await openIdle(server, sessions);
  const second = await server.stats();
  for (const s of sessions) s.destroy();
  const per = (a: Stats, b: Stats): Stats => ({ live: (b.live - a.live) / connectionCount, rss: (b.rss - a.rss) / connectionCount });
  return { average: per(before, first), marginal: per(first, second) };
}

/** `connectionCount` node:http2 clients that each complete one GET / and then stay idle. */
async function openIdle(server: Server, sessions: http2.ClientHttp2Session[]): Promise<void> {
  for (let i = 0; i < connectionCount; i++) {
    const session = http2.connect(`http://127.0.0.1:${server.port}`);
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
  await settle(3000);
}

async function openStreams(server: Server): Promise<Stats> {
  const session = http2.connect(`http://127.0.0.1:${server.port}`, { peerMaxConcurrentStreams: streamCount + 1, settings: { maxConcurrentStreams: streamCount + 1 } });
  session.on('error', () => undefined);
  await new Promise((resolve) => session.once('remoteSettings', resolve));
  await settle(200);
  const before = await server.stats();
  const streams: http2.ClientHttp2Stream[] = [];
  for (let i = 0; i < streamCount && !session.destroyed; i++) {
    const req = session.request({ ':method': 'POST', ':path': '/upload' }, { endStream: false });
    req.on('error', () => undefined);
    req.resume();
    streams.push(req);
    if (i % 500 === 499) await settle(10);
  }
  // A stream is sent once node:http2 has given it an id (its 'ready' event is not reliable here).
  while (streams.some((s) => s.pending)) await settle(20);
  await settle(1500);
  const after = await server.stats();
  const stillOpen = streams.filter((s) => !s.closed).length;
  session.destroy();
  if (stillOpen < streamCount) console.log(`  (only ${stillOpen} of ${streamCount} streams stayed open)`);
  return { live: (after.live - before.live) / streamCount, rss: (after.rss - before.rss) / streamCount };
}

async function measure(label: string, script: string, args: string[]): Promise<{ connection: Stats; marginal: Stats; stream: Stats }> {
  let server = await startServer(script, args);
  const { average: connection, marginal } = await idleConnections(server);
  server.stop();
  console.log(`${label.padEnd(11)} per idle connection: live ${kib(connection.live)}, RSS ${kib(connection.rss)}  (${connectionCount} connections)`);
  console.log(`${label.padEnd(11)} per idle connection: live ${kib(marginal.live)}, RSS ${kib(marginal.rss)}  (marginal: ${connectionCount} more)`);
  server = await startServer(script, args);
  const stream = await openStreams(server);
  server.stop();
  console.log(`${label.padEnd(11)} per open stream:     live ${kib(stream.live)}, RSS ${kib(stream.rss)}  (${streamCount} streams on one connection)`);
  return { connection, marginal, stream };
}

if (SHARED_DIR === null) {
  console.error('bench:memory: ../shared is missing');
  process.exit(2);
}
const node = await measure('node:http2', join(SHARED_DIR, 'bench', 'anchors', 'node-http2-server.mjs'), []);
const ours = await measure('h2duplex', compiled.server, [`--max-streams=${streamCount + 1}`]);
// node:http2's own shape, createServer(), which ties socket and session without pipe().
const oursServer = await measure('createServer', compiled.server, [`--max-streams=${streamCount + 1}`, '--create-server']);
const ratio = (a: number, b: number) => (a / b).toFixed(2);
const row = (what: string, o: Stats, n: Stats) => `| ${what} | ${kib(o.live)} | ${kib(n.live)} | ${ratio(o.live, n.live)} | ${kib(o.rss)} | ${kib(n.rss)} | ${ratio(o.rss, n.rss)} |`;
const section = [
  MEMORY_SECTION,
  '',
  `${new Date().toISOString()} on Node ${process.version}: ${connectionCount} idle connections (then ${connectionCount} more, for the marginal row), then ${streamCount} open streams on one connection,`,
  'each server in its own process. "live" is heap + Buffers after a full GC inside the server (node:http2 keeps',
  "nghttp2's state in native memory, which only RSS shows); RSS is the process's growth. Ratio: ours ÷ node, lower is better.",
  '',
  '| per | h2duplex live | node:http2 live | ratio | h2duplex RSS | node:http2 RSS | ratio |',
  '|---|---|---|---|---|---|---|',
  row(`idle connection (first ${connectionCount})`, ours.connection, node.connection),
  row(`idle connection (marginal: ${connectionCount} more)`, ours.marginal, node.marginal),
  row('open stream', ours.stream, node.stream),
  row(`idle connection, createServer() (first ${connectionCount})`, oursServer.connection, node.connection),
  row(`idle connection, createServer() (marginal: ${connectionCount} more)`, oursServer.marginal, node.marginal),
  row('open stream, createServer()', oursServer.stream, node.stream),
  '',
].join('\n');
if (!argv.includes('--no-write')) writeBenchmarksSection(MEMORY_SECTION, section);
for (const [label, o] of [['socket.pipe(h2)', ours], ['createServer()', oursServer]] as const) {
  console.log(`ratio ours ÷ node, ${label} (lower is better): idle connection live ${ratio(o.connection.live, node.connection.live)}, RSS ${ratio(o.connection.rss, node.connection.rss)} (marginal: RSS ${ratio(o.marginal.rss, node.marginal.rss)}); open stream live ${ratio(o.stream.live, node.stream.live)}, RSS ${ratio(o.stream.rss, node.stream.rss)}`);
}
