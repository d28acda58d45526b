import net from 'node:net';
import { finished } from 'node:stream';
import { H2Duplex } from 'h2duplex';

const target = new URL(process.env.UPSTREAM ?? 'http://127.0.0.1:8080');
let upstream: H2Duplex | null = null;

/** The client connection to the upstream server, opened again once it has closed or is closing. */
function connectUpstream(): H2Duplex {
  if (upstream !== null && !upstream.destroyed && !upstream.connection.draining) return upstream;
  const socket = net.connect(Number(target.port || 80), target.hostname);
  const h2 = new H2Duplex();
  socket.pipe(h2).pipe(socket);
  socket.on('error', () => h2.destroy());
  socket.on('close', () => h2.destroy());
  h2.on('error', () => socket.destroy());
  return (upstream = h2);
}

const server = net.createServer((socket) => {
  const h2 = new H2Duplex({ config: { clientSide: false } });
  socket.pipe(h2).pipe(socket);
  socket.on('error', () => h2.destroy());
  socket.on('close', () => h2.destroy());
  h2.on('error', () => {});
  h2.on('close', () => socket.end(() => socket.destroy()));
  h2.on('stream', (down, headers) => {
    const up = connectUpstream().request(headers);
    up.on('response', (response) => {
      if (down.destroyed) return;               // the client has gone: respond() would throw
      down.respond(response);
      up.pipe(down);                            // backpressure: flow control on both hops
    });
    down.pipe(up);                              // the request body, if any
    // Either side reset, or its connection lost: cancel the other. destroy() of an unfinished
    // H2Stream sends RST_STREAM(CANCEL); without it the upstream stream would stay open.
    finished(down, (err) => { if (err) up.destroy(); });
    finished(up, (err) => { if (err) down.destroy(); });
  });
});
server.listen(Number(process.env.PORT ?? 8081), '127.0.0.1', () => {
  const { port } = server.address() as net.AddressInfo;
  console.log(`listening on http://127.0.0.1:${port}/ (upstream ${target.origin})`);
});
