/**
 * Node's documented HTTP/2 server (doc/api/http2.md, "Core API", "Server-side example"),
 * adapted to run unattended: key and certificate from $TLS_KEY / $TLS_CERT, listens on
 * 127.0.0.1:$PORT and prints its URL, and stops listening once $REQUESTS responses were
 * sent.
 */
import { createSecureServer } from 'node:http2';
import { readFileSync } from 'node:fs';

const server = createSecureServer({
  key: readFileSync(process.env['TLS_KEY'] ?? 'localhost-privkey.pem'),
  cert: readFileSync(process.env['TLS_CERT'] ?? 'localhost-cert.pem'),
});

server.on('error', (err) => console.error(err));

let requestsLeft = Number(process.env['REQUESTS'] ?? 1);
server.on('stream', (stream) => {
  // stream is a Duplex
  stream.respond({
    'content-type': 'text/html; charset=utf-8',
    ':status': 200,
  });
  stream.end('<h1>Hello World</h1>');
  stream.on('close', () => {
    if (--requestsLeft === 0) server.close();
  });
});

server.listen(Number(process.env['PORT'] ?? 8443), '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening on https://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/`);
});
