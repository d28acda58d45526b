import http from 'node:http';
import type net from 'node:net';
import { acceptH2cUpgrade } from 'h2duplex';

// HTTP/1.1 for clients that do not ask for more; HTTP/2 for those that ask to upgrade to h2c.
const server = http.createServer((req, res) => res.end('hello over HTTP/1.1\n'));
server.on('upgrade', (req, socket, head) => {
  const h2 = acceptH2cUpgrade(req, socket, head);    // null if it is not an h2c upgrade
  if (h2 === null) return socket.destroy();
  socket.on('close', () => h2.destroy());
  h2.on('error', () => {});                         // the socket's errors (a reset) come here
  h2.on('close', () => socket.destroy());
  h2.on('stream', (stream) => {                     // the HTTP/1.1 request arrives as stream 1
    stream.respond([[':status', '200'], ['content-type', 'text/plain']]);
    stream.end('hello over h2c\n');
  });
});
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  const { port } = server.address() as net.AddressInfo;
  console.log(`listening on http://127.0.0.1:${port}/ (try curl --http2)`);
});
