/**
 * One port, three ways in: HTTP/2 with prior knowledge, HTTP/2 reached by upgrading an HTTP/1.1
 * request (h2c, `curl --http2`, `nghttp -u`), and plain HTTP/1.1 for clients that offer neither.
 * The routes are examples/server.ts's.
 *
 *   PORT=8080 npx tsx examples/h2c-server.ts
 *   curl --http2 http://127.0.0.1:8080/              (upgrades)
 *   curl --http2-prior-knowledge http://127.0.0.1:8080/
 *   curl --http1.1 http://127.0.0.1:8080/             (stays HTTP/1.1)
 *
 * The first octets decide: the HTTP/2 connection preface goes to H2Duplex directly; anything
 * else goes to Node's http.Server, whose 'upgrade' event hands h2c requests to
 * acceptH2cUpgrade (Node's parser reads the HTTP/1.1 head, not ours).
 */
import http from 'node:http';
import net from 'node:net';
import { pathToFileURL } from 'node:url';
import { acceptH2cUpgrade, type H2DuplexOptions } from '../src/index.js';
import { closeTogether, handleStream, listen, serveConnection, stopOnSignals } from './server.js';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
/** A connection that says nothing for this long is closed (what prefaceTimeout does for H2Duplex). */
const FIRST_BYTES_TIMEOUT = 10_000;

export function startH2cServer(port = 0, host = '127.0.0.1', options: H2DuplexOptions = {}): Promise<net.Server> {
  const http1 = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Hello over HTTP/1.1: this server speaks HTTP/2 too (curl --http2).\n');
  });
  http1.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const h2 = acceptH2cUpgrade(req, socket, head, options);
    if (h2 === null) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    closeTogether(socket, h2);
    h2.on('stream', handleStream);
  });

  const server = net.createServer((socket) => {
    socket.setTimeout(FIRST_BYTES_TIMEOUT, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    let seen = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      seen = Buffer.concat([seen, chunk]);
      const n = Math.min(seen.length, PREFACE.length);
      const prefaceSoFar = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (prefaceSoFar && seen.length < PREFACE.length) return; // could still be either: read on
      socket.off('data', onData);
      socket.pause();
      socket.setTimeout(0);
      socket.unshift(seen);
      if (prefaceSoFar) serveConnection(socket, options);
      else {
        http1.emit('connection', socket);
        socket.resume(); // the parser reads the unshifted head through 'data'
      }
    };
    socket.on('data', onData);
  });
  return listen(server, port, host);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const server = await startH2cServer(Number(process.env['PORT'] ?? 8080));
  const { port } = server.address() as net.AddressInfo; // PORT=0: the one the system chose
  console.log(`h2duplex: HTTP/2 (prior knowledge or h2c upgrade) and HTTP/1.1 on http://127.0.0.1:${port}/  (try: curl --http2 http://127.0.0.1:${port}/)`);
  stopOnSignals(server);
}
