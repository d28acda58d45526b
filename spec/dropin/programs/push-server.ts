/**
 * Node's documented server push (doc/api/http2.md, `http2stream.pushStream()`), adapted to
 * run unattended: listens on 127.0.0.1:$PORT and prints its URL, pushes `/pushed` (not `/`)
 * and only when the client allows push (`stream.pushAllowed`: curl does not, and
 * `pushStream()` throws then), and stops listening once $REQUESTS responses were sent.
 */
import { createServer } from 'node:http2';

const server = createServer();
let requestsLeft = Number(process.env['REQUESTS'] ?? 1);
server.on('stream', (stream) => {
  stream.respond({ ':status': 200 });
  if (stream.pushAllowed) {
    stream.pushStream({ ':path': '/pushed' }, (err, pushStream) => {
      if (err) throw err;
      pushStream.respond({ ':status': 200 });
      pushStream.end('some pushed data');
    });
  }
  stream.end('some data');
  stream.on('close', () => {
    if (--requestsLeft === 0) server.close();
  });
});

server.listen(Number(process.env['PORT'] ?? 80), '127.0.0.1', () => {
  const address = server.address();
  console.log(`listening on http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}/`);
});
