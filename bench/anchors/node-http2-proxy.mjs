#!/usr/bin/env node
// Benchmark anchor for the proxy scenarios (P1-P3; bench/proxy.bench.ts): a reverse proxy on
// node:http2 written the natural way. http2.createServer (h2c) downstream, one http2.connect
// session upstream (reopened when it closes), each request forwarded as an upstream request
// with its headers minus the hop-by-hop fields, bodies moved stream to stream with pipeline()
// both ways (backpressure and cancellation come with it), the upstream response's headers
// passed back the same way. The counterpart of examples/proxy.ts (minus CONNECT).
//
// Usage: node bench/anchors/node-http2-proxy.mjs PORT UPSTREAM_URL
// Exits on SIGTERM (the runner stops it by PID).
import http2 from 'node:http2';
import { pipeline } from 'node:stream';

const port = Number(process.argv[2]);
const upstreamUrl = process.argv[3];
if (!Number.isInteger(port) || port <= 0 || port > 65535 || upstreamUrl === undefined) {
  console.error('usage: node-http2-proxy.mjs PORT UPSTREAM_URL');
  process.exit(2);
}

// Hop-by-hop and per-connection fields that must not be forwarded.
const DROP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te']);
function forwardable(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers)) if (!DROP.has(name)) out[name] = value;
  return out;
}

let upstream = null;
function session() {
  if (upstream === null || upstream.closed || upstream.destroyed) {
    upstream = http2.connect(upstreamUrl);
    upstream.on('error', () => {});
    const mine = upstream;
    mine.on('close', () => {
      if (upstream === mine) upstream = null;
    });
  }
  return upstream;
}

const server = http2.createServer();
server.on('stream', (stream, headers) => {
  stream.on('error', () => {});
  let up;
  try {
    up = session().request(forwardable(headers), { endStream: false });
  } catch {
    stream.respond({ ':status': 502, 'content-type': 'text/plain' });
    stream.end('upstream unreachable\n');
    return;
  }
  up.on('error', () => {});
  up.on('response', (response) => {
    if (stream.destroyed) return;
    stream.respond(forwardable(response));
    pipeline(up, stream, () => {});
  });
  pipeline(stream, up, (err) => {
    if (err) up.close(http2.constants.NGHTTP2_CANCEL);
  });
  up.on('close', () => {
    if (!stream.destroyed && !stream.headersSent) stream.respond({ ':status': 502 }, { endStream: true });
  });
});
server.on('sessionError', () => {});
server.listen(port, '127.0.0.1', () => {
  console.log(`node:http2 proxy: http://127.0.0.1:${port}/ -> ${upstreamUrl} (node ${process.version})`);
});

process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
