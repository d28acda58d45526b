import net from 'node:net';
import { H2Duplex } from 'h2duplex';

const server = net.createServer((socket) => {
  const h2 = new H2Duplex({ config: { clientSide: false } });
  socket.pipe(h2).pipe(socket);
  // A client may reset the TCP connection at any moment (ECONNRESET, EPIPE). An 'error' nobody
  // listens for ends the process, and pipe() rethrows its destination's: listen, always.
  socket.on('error', () => h2.destroy());
  socket.on('close', () => h2.destroy());     // open streams fail with ConnectionClosedError
  h2.on('error', () => {});                   // the client broke the protocol: GOAWAY is sent
  h2.on('close', () => socket.end(() => socket.destroy())); // flush, then close even if it lingers
  h2.on('stream', (stream) => {
    stream.respond({ ':status': 200, 'content-type': 'text/plain' });
    stream.end('hello\n');                    // END_STREAM rides on the last DATA frame
  });
});
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  const { port } = server.address() as net.AddressInfo;
  console.log(`listening on http://127.0.0.1:${port}/`);
});
