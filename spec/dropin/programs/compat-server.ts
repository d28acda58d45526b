/**
 * Node's documented Compatibility API server (doc/api/http2.md, "Compatibility API"),
 * adapted to run unattended: listens on 127.0.0.1:$PORT and prints its URL, and stops
 * listening once $REQUESTS responses were sent.
 */
import { createServer } from 'node:http2';

let requestsLeft = Number(process.env['REQUESTS'] ?? 1);
const server = createServer((req, res) => {
  res.setHeader('Content-Type', 'text/html');
  res.setHeader('X-Foo', 'bar');
  res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end('ok');
  res.on('close', () => {
    if (--requestsLeft === 0) server.close();
  });
});

server.listen(Number(process.env['PORT'] ?? 80), '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/`);
});
