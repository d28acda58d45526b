import { createPair } from 'h2duplex';

/** What serveLines uses of a socket: a net.Socket has it, and so does an H2Stream. */
interface LineSocket {
  setEncoding(encoding: BufferEncoding): unknown;
  on(event: 'data', listener: (text: string) => void): unknown;
  write(text: string): unknown;
  end(text: string): unknown;
}

/** Code written for a net.Socket: "ECHO" to every line, "BYE" to QUIT. */
function serveLines(socket: LineSocket): void {
  socket.setEncoding('utf8');
  let buffered = '';
  socket.on('data', (text: string) => {
    buffered += text;
    for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 1);
      if (line === 'QUIT') socket.end('BYE\n');
      else socket.write(`ECHO ${line}\n`);
    }
  });
}

// In a test: no port, no network, and the bytes arrive one octet at a time.
const { client, server } = createPair({ chunkSize: 1 });
server.on('stream', (stream) => {
  stream.respond([[':status', '200']]);
  serveLines(stream);                      // the H2Stream is the socket
});
const socket = client.request([
  [':method', 'POST'], [':scheme', 'http'], [':authority', 'test'], [':path', '/'],
]);
socket.end('hello\nworld\nQUIT\n');
for await (const chunk of socket) process.stdout.write(chunk as Buffer);
await client.close();
