/**
 * Node's documented response with trailers (doc/api/http2.md, `http2stream.respond()` with
 * `waitForTrailers`), adapted to run unattended: listens on 127.0.0.1:$PORT and prints its URL,
 * and stops listening once $REQUESTS responses were sent.
 */
import { createServer } from 'node:http2';

const server = createServer();
let requestsLeft = Number(process.env['REQUESTS'] ?? 1);
server.on('stream', (stream) => {
  stream.respond({ ':status': 200 }, { waitForTrailers: true });
  stream.on('wantTrailers', () => {
    stream.sendTrailers({ ABC: 'some value to send' });
  });
  stream.end('some data');
  stream.on('close', () => {
    if (--requestsLeft === 0) server.close();
  });
});

server.listen(Number(process.env['PORT'] ?? 80), '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/`);
});
