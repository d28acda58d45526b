/**
 * Node's documented client for pushed streams (doc/api/http2.md, "Push streams on the
 * client"), adapted to run unattended: the server's URL from $SERVER_URL; it prints the
 * pushed stream's path, status and data and the response's body, and closes the session once
 * the response ended (close() lets the pushed stream finish).
 */
import { connect } from 'node:http2';

const client = connect(process.env['SERVER_URL'] ?? 'http://localhost');

client.on('stream', (pushedStream, requestHeaders) => {
  pushedStream.on('push', (responseHeaders) => {
    // Process response headers
    console.log(`pushed ${String(requestHeaders[':path'])}: ${String(responseHeaders[':status'])}`);
  });
  let pushed = '';
  pushedStream.on('data', (chunk: Buffer) => { pushed += chunk.toString(); });
  pushedStream.on('end', () => console.log(`pushed data: ${pushed}`));
});

const req = client.request({ ':path': '/' });
let data = '';
req.on('response', (headers) => console.log(`:status: ${String(headers[':status'])}`));
req.on('data', (chunk: Buffer) => { data += chunk.toString(); });
req.on('end', () => {
  console.log(`data: ${data}`);
  client.close();
});
