import net from 'node:net';
import { DataReceived, H2Configuration, H2Connection, H2Error, RequestReceived } from 'h2duplex';

const server = net.createServer((socket) => {
  const conn = new H2Connection(new H2Configuration({ clientSide: false }));
  conn.initiateConnection();
  socket.write(conn.dataToSend());
  socket.on('error', () => socket.destroy());    // a reset: without a listener the process exits
  socket.on('data', (chunk: Buffer) => {
    let events;
    try {
      events = conn.receiveData(chunk);
    } catch {
      socket.end(conn.dataToSend());              // a protocol error: send the GOAWAY, hang up
      return;
    }
    for (const event of events) {
      if (event instanceof RequestReceived) {
        try {
          conn.sendHeaders(event.streamId, [[':status', '200'], ['content-type', 'text/plain']]);
          conn.sendData(event.streamId, Buffer.from('hello\n'), { endStream: true });
        } catch (err) {
          // Reset by the client in this same read (StreamClosedError), or no window for the
          // body yet (FlowControlError: a full server sends it on WindowUpdated).
          if (!(err instanceof H2Error)) throw err;
        }
      } else if (event instanceof DataReceived) {
        conn.acknowledgeReceivedData(event.flowControlledLength, event.streamId);
      }
    }
    socket.write(conn.dataToSend());
  });
});
server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1', () => {
  const { port } = server.address() as net.AddressInfo;
  console.log(`listening on http://127.0.0.1:${port}/`);
});
