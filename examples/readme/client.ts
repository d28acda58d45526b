import { connect } from 'h2duplex';

const session = connect(process.argv[2] ?? 'http://127.0.0.1:8080');
const req = session.request({ ':path': '/' });  // GET: :method, :scheme, :authority filled in
req.on('response', (headers) => console.log(headers));
req.setEncoding('utf8');
for await (const chunk of req) process.stdout.write(chunk as string);
await session.close();                         // graceful: GOAWAY, open streams finish
