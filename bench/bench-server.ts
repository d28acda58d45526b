/**
 * The h2duplex server for ../shared/bench/run-h2load.sh: h2c on 127.0.0.1, the anchor routes.
 *
 *   node --import tsx bench/bench-server.ts PORT [--chunk=BYTES] [--max-streams=N]
 *   (the benchmarks run it compiled: bench/compiled.ts)
 *
 * --max-streams=N advertises SETTINGS_MAX_CONCURRENT_STREAMS N (default 100, h2's value) and
 * lifts maxSessionMemory. --create-server serves through `createServer()` (node:http2's API,
 * which ties socket and session without `pipe()`) instead of the README's
 * `socket.pipe(h2).pipe(socket)`.
 *
 * Routes (the same on every anchor server, ../shared/bench/README.md):
 *   GET /            200, "ok"
 *   GET /bytes/N     200, N bytes of 'a' in CHUNK-sized writes honouring backpressure
 *   POST (any path)  drains the body, 200 with its length as decimal text
 *   anything else    404
 * Exits on SIGTERM through process.exit, so `node --cpu-prof` writes its profile.
 *
 * bench/bench-tls-server.ts imports onStream and settings, so the TLS scenarios measure this
 * handler; it takes the same arguments (read here from process.argv). Imported, this module
 * does not listen.
 */
import { realpathSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { writeBytes } from '../examples/server.js';
import { createServer, H2Duplex, type H2Stream, type IncomingHeaders, SettingCodes } from '../src/index.js';

const argv = process.argv.slice(2);
const port = Number(argv[0] ?? 8080);
const chunkArg = argv.find((a) => a.startsWith('--chunk='));
const chunkSize = Math.min(1 << 20, Math.max(1 << 14, Number(chunkArg?.slice('--chunk='.length) ?? 256 * 1024)));
const PAYLOAD = Buffer.alloc(chunkSize, 0x61);
const maxStreamsArg = argv.find((a) => a.startsWith('--max-streams='));
/** The SETTINGS the bench servers advertise. */
export const settings = {
  [SettingCodes.INITIAL_WINDOW_SIZE]: 256 * 1024,
  ...(maxStreamsArg === undefined ? {} : { [SettingCodes.MAX_CONCURRENT_STREAMS]: Number(maxStreamsArg.slice('--max-streams='.length)) }),
};
const OK_HEADERS: Array<[string, string]> = [[':status', '200'], ['content-length', '2']];

/** The routes above, for the `'stream'` event of an H2Duplex or of createSecureServer(). */
export function onStream(stream: H2Stream, headers: IncomingHeaders): void {
  stream.on('error', () => {
    /* the client went away */
  });
  const method = headers[':method'] ?? '';
  const path = headers[':path'] ?? '';
  if (method === 'POST') {
    let length = 0;
    stream.on('data', (d: Buffer) => (length += d.length));
    stream.on('end', () => {
      const body = String(length);
      stream.respond([[':status', '200'], ['content-length', String(body.length)]]);
      stream.end(body);
    });
    return;
  }
  stream.resume();
  if (path === '/') {
    stream.respond(OK_HEADERS);
    stream.end('ok');
    return;
  }
  if (path.startsWith('/bytes/')) {
    const n = Number(path.slice('/bytes/'.length));
    if (Number.isSafeInteger(n) && n >= 0) {
      stream.respond([[':status', '200'], ['content-length', String(n)]]);
      writeBytes(stream, n, PAYLOAD);
      return;
    }
  }
  stream.respond([[':status', '404']], { endStream: true });
}

/** `--create-server`: serve through `createServer()` (node:http2's shape) instead of `socket.pipe(h2).pipe(socket)`. */
const viaCreateServer = argv.includes('--create-server');

/** The README's way: one H2Duplex per socket, piped both ways. */
function servePiped(socket: net.Socket): void {
  socket.setNoDelay(true);
  const h2 = new H2Duplex({ config: { clientSide: false }, ...sessionOptions });
  socket.pipe(h2).pipe(socket);
  socket.on('error', () => h2.destroy());
  socket.on('close', () => h2.destroy());
  h2.on('error', () => socket.destroy());
  h2.on('stream', onStream);
}

// With --max-streams the bench measures what many open streams cost: maxSessionMemory (which
// counts an estimate per stream) would refuse them first.
const sessionOptions = { settings, ...(maxStreamsArg === undefined ? {} : { maxSessionMemory: Infinity }) };
const server = viaCreateServer ? createServer(sessionOptions).on('stream', onStream) : net.createServer(servePiped);
const main = process.argv[1];
if (main !== undefined && realpathSync(main) === fileURLToPath(import.meta.url)) server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
