#!/usr/bin/env node
// Benchmark anchor for the TLS scenarios (S1t, S4t; bench/tls.bench.ts): node:http2's
// createSecureServer, ALPN h2, written the way node's documentation writes a server (the core
// 'stream' API, as ../shared/bench/anchors/node-http2-server.mjs is for h2c). Node reads and
// writes the TLS records in C++ (nghttp2 sits on the TLS socket's native handle), which is
// what our server, going through tls.TLSSocket's JS stream, is measured against.
//
// Usage: node bench/anchors/node-tls-server.mjs PORT --key=KEY.pem --cert=CERT.pem [--chunk=BYTES]
//
//   PORT            first argument, always (the runner passes it first to every server).
//   --key/--cert    PEM files (the runner makes a self-signed pair with openssl at bench time).
//   --chunk=BYTES   write size for /bytes/N, clamped to 16 KiB..1 MiB (default 256 KiB), as the h2c anchor.
//
// Routes (the same as every anchor server, ../shared/bench/README.md):
//   GET /            200, "ok" (content-length 2)
//   GET /bytes/N     200, N bytes of 'a', streamed in CHUNK-sized writes honouring backpressure
//   POST (any path)  drains the request body, 200 with the body length as decimal text
//   anything else    404
// Exits on SIGTERM (the runner stops servers by PID).
import { readFileSync } from 'node:fs';
import http2 from 'node:http2';

const argv = process.argv.slice(2);
const port = Number(argv[0]);
const opt = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const keyPath = opt('key');
const certPath = opt('cert');
if (!Number.isInteger(port) || port <= 0 || port > 65535 || keyPath === undefined || certPath === undefined) {
  console.error('usage: node-tls-server.mjs PORT --key=KEY.pem --cert=CERT.pem [--chunk=BYTES]');
  process.exit(2);
}
const chunkSize = Math.min(1 << 20, Math.max(1 << 14, Number(opt('chunk') ?? 256 * 1024)));
const PAYLOAD = Buffer.alloc(chunkSize, 0x61);
const OK = Buffer.from('ok');

// N bytes in CHUNK-sized writes; write() === false waits for 'drain' (flow control is nghttp2's).
function sendBytes(stream, n) {
  let left = n;
  const pump = () => {
    while (left > 0) {
      const k = Math.min(left, chunkSize);
      left -= k;
      const chunk = k === chunkSize ? PAYLOAD : PAYLOAD.subarray(0, k);
      if (left === 0) {
        stream.end(chunk);
        return;
      }
      if (!stream.write(chunk)) {
        stream.once('drain', pump);
        return;
      }
    }
    stream.end();
  };
  pump();
}

const server = http2.createSecureServer({ key: readFileSync(keyPath), cert: readFileSync(certPath) });
server.on('stream', (stream, headers) => {
  stream.on('error', () => {});
  const path = headers[':path'] ?? '/';
  if (headers[':method'] === 'POST') {
    let n = 0;
    stream.on('data', (chunk) => (n += chunk.length));
    stream.on('end', () => {
      const body = String(n);
      stream.respond({ ':status': 200, 'content-type': 'text/plain', 'content-length': body.length });
      stream.end(body);
    });
    return;
  }
  if (path === '/') {
    stream.respond({ ':status': 200, 'content-type': 'text/plain', 'content-length': 2 });
    stream.end(OK);
    return;
  }
  const n = path.startsWith('/bytes/') ? Number(path.slice('/bytes/'.length)) : NaN;
  if (Number.isSafeInteger(n) && n >= 0) {
    stream.respond({ ':status': 200, 'content-type': 'application/octet-stream', 'content-length': n });
    sendBytes(stream, n);
    return;
  }
  stream.respond({ ':status': 404, 'content-length': 0 });
  stream.end();
});
server.on('sessionError', () => {});
server.listen(port, '127.0.0.1', () => {
  console.log(`node:http2 TLS (ALPN h2) listening on 127.0.0.1:${port} (node ${process.version}, chunk ${chunkSize})`);
});

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
