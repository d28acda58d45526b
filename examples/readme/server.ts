import type { AddressInfo } from 'node:net';
import { createServer } from 'h2duplex';

const server = createServer();                 // h2c (HTTP/2 over TCP); createSecureServer for TLS
server.on('stream', (stream, headers) => {
  console.log(headers[':method'], headers[':path']);
  stream.respond({ ':status': 200, 'content-type': 'text/plain' });
  stream.end('hello\n');                       // END_STREAM rides on the last DATA frame
});
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
});
