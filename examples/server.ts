/**
 * `npm start`: an h2c (HTTP/2 over cleartext TCP, prior knowledge) server on 127.0.0.1.
 *
 *   GET  /          a short text
 *   GET  /bytes/N   N bytes (at most 1 GiB), written with backpressure: the next chunk waits
 *                   for 'drain', so a slow client holds the server to one flow-control window
 *   POST (any path) the request body echoed back
 *
 *   PORT=8080 npm start
 *   curl --http2-prior-knowledge http://127.0.0.1:8080/
 *
 * Each TCP connection is `socket.pipe(h2).pipe(socket)`. Import `startServer` to run it from
 * code (the specs do, on port 0, some with H2Duplex options such as shorter timeouts).
 */
import net from 'node:net';
import { pathToFileURL } from 'node:url';
import { H2Configuration, H2Duplex, type H2DuplexOptions, type H2Stream, type IncomingHeaders } from '../src/index.js';

const MAX_BYTES = 1 << 30;
const CHUNK = Buffer.alloc(64 * 1024, 'x');

/** Serves one HTTP/2 connection on `socket`. */
export function serveConnection(socket: net.Socket, options: H2DuplexOptions = {}): H2Duplex {
  const config = options.config instanceof H2Configuration ? options.config : { ...options.config, clientSide: false };
  const h2 = runOver(socket, new H2Duplex({ ...options, config }));
  h2.on('stream', handleStream);
  return h2;
}

/** `socket.pipe(h2).pipe(socket)`, with their lifetimes tied together ({@link closeTogether}). */
export function runOver(socket: net.Socket, h2: H2Duplex): H2Duplex {
  socket.setNoDelay(true);
  socket.pipe(h2).pipe(socket);
  closeTogether(socket, h2);
  return h2;
}

/** Ends each of `socket` and `h2` when the other ends, so neither outlives the connection. */
export function closeTogether(socket: net.Socket, h2: H2Duplex): void {
  // A transport failure ends the connection. A protocol error has already queued its GOAWAY
  // and ended h2's output (so the pipe ends the socket after writing it): only make sure a
  // peer that never closes its side does not keep the socket forever.
  socket.on('error', () => h2.destroy());
  socket.on('close', () => h2.destroy());
  h2.on('error', () => socket.setTimeout(5000, () => socket.destroy()));
  // The connection is over (graceful end, timeout, error): flush what is queued, then close the
  // socket even if the peer never closes its side (slowloris).
  h2.on('close', () => socket.end(() => socket.destroy()));
}

/** The request handler: attach it to any server H2Duplex (`h2.on('stream', handleStream)`). */
export function handleStream(stream: H2Stream, headers: IncomingHeaders): void {
  stream.on('error', () => {
    /* reset by the peer or the connection went away: nothing to clean up */
  });
  const method = headers[':method'];
  const path = headers[':path'] ?? '/';
  if (method === 'POST' || method === 'PUT') {
    stream.respond({ ':status': 200, 'content-type': headers['content-type'] ?? 'application/octet-stream' });
    stream.pipe(stream);
    return;
  }
  stream.resume(); // a GET has no body; drain it so the stream can finish
  const bytes = /^\/bytes\/(\d+)$/.exec(path);
  if (bytes !== null) {
    const n = Number(bytes[1]);
    if (n > MAX_BYTES) {
      stream.respond({ ':status': 400, 'content-type': 'text/plain' });
      stream.end(`at most ${MAX_BYTES} bytes\n`);
      return;
    }
    stream.respond({ ':status': 200, 'content-type': 'application/octet-stream', 'content-length': n });
    writeBytes(stream, n);
    return;
  }
  if (path === '/') {
    stream.respond({ ':status': 200, 'content-type': 'text/plain; charset=utf-8' });
    stream.end('Hello from h2duplex over HTTP/2!\n');
    return;
  }
  stream.respond({ ':status': 404, 'content-type': 'text/plain' });
  stream.end('not found\n');
}

/**
 * Writes n bytes as repeats of `block`, waiting for 'drain' whenever write() says the window or
 * transport is full.
 */
export function writeBytes(stream: H2Stream, n: number, block: Buffer = CHUNK): void {
  let left = n;
  const more = (): void => {
    while (left > 0) {
      const size = Math.min(left, block.length);
      left -= size;
      const chunk = size === block.length ? block : block.subarray(0, size);
      if (left === 0) {
        stream.end(chunk);
        return;
      }
      if (!stream.write(chunk)) {
        stream.once('drain', more);
        return;
      }
    }
    stream.end();
  };
  more();
}

/** Starts the server; resolves with it once listening. */
export function startServer(port = 0, host = '127.0.0.1', options: H2DuplexOptions = {}): Promise<net.Server> {
  return listen(
    net.createServer((socket) => serveConnection(socket, options)),
    port,
    host,
  );
}

/** `server.listen(port, host)` as a promise: resolves once listening, rejects on a listen error. */
export function listen<S extends net.Server>(server: S, port: number, host: string): Promise<S> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** For an example run from the command line: close `server` and exit on SIGINT or SIGTERM. */
export function stopOnSignals(server: net.Server): void {
  const stop = () => {
    server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const server = await startServer(Number(process.env['PORT'] ?? 8080));
  const { port } = server.address() as net.AddressInfo; // PORT=0: the one the system chose
  console.log(`h2duplex: h2c server on http://127.0.0.1:${port}/  (try: curl --http2-prior-knowledge http://127.0.0.1:${port}/)`);
  stopOnSignals(server);
}
