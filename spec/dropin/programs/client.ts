/**
 * Node's documented HTTP/2 client (doc/api/http2.md, "Core API", "Client-side example"),
 * adapted to run unattended: the server's URL from $SERVER_URL, the CA from $TLS_CA, the path
 * from $REQUEST_PATH; it also prints the response's trailers ('trailers' event) if any.
 */
import { connect } from 'node:http2';
import { readFileSync } from 'node:fs';

const client = connect(process.env['SERVER_URL'] ?? 'https://localhost:8443', {
  ca: readFileSync(process.env['TLS_CA'] ?? 'localhost-cert.pem'),
});
client.on('error', (err) => console.error(err));

const req = client.request({ ':path': process.env['REQUEST_PATH'] ?? '/' });

req.on('response', (headers) => {
  for (const name in headers) {
    console.log(`${name}: ${String(headers[name])}`);
  }
});

req.on('trailers', (headers: Record<string, unknown>) => {
  for (const name in headers) {
    console.log(`trailer ${name}: ${String(headers[name])}`);
  }
});

req.setEncoding('utf8');
let data = '';
req.on('data', (chunk: string) => { data += chunk; });
req.on('end', () => {
  console.log(`\n${data}`);
  client.close();
});
req.end();
