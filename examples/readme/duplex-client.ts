import net from 'node:net';
import { H2Duplex } from 'h2duplex';

const url = new URL(process.argv[2] ?? 'http://127.0.0.1:8080/');
const socket = net.connect(Number(url.port || 80), url.hostname);
const h2 = new H2Duplex({ authority: url });   // clientSide: true is the default, as in h2
socket.pipe(h2).pipe(socket);
socket.on('error', (err) => h2.destroy(err));  // ECONNREFUSED, a reset: the request fails with it
h2.on('error', () => socket.destroy());
const req = h2.request({ ':path': url.pathname });  // GET, :scheme, :authority from `authority`
req.on('response', (headers) => console.log(headers));
for await (const chunk of req) process.stdout.write(chunk as Buffer);
await h2.close();                              // graceful: GOAWAY, open streams finish, then the output ends
