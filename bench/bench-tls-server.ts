/**
 * Our server for the TLS scenarios (S1t, S4t; bench/tls.bench.ts): node:http2's API as a user
 * deploys it, `createSecureServer()` from the package root (ALPN h2), with bench-server.ts's
 * routes and SETTINGS, so the TLS rows differ from the h2c ones only by TLS and the API layer.
 *
 *   node .bench-build/bench/bench-tls-server.js PORT --key=KEY.pem --cert=CERT.pem [--chunk=BYTES]
 *   (compiled by bench/compiled.ts, as the h2c server is)
 *
 * Exits on SIGTERM through process.exit, so `node --cpu-prof` writes its profile.
 */
import { readFileSync } from 'node:fs';
import { createSecureServer } from '../src/index.js';
import { onStream, settings } from './bench-server.js';

const argv = process.argv.slice(2);
const port = Number(argv[0]);
const option = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const keyPath = option('key');
const certPath = option('cert');
if (!Number.isInteger(port) || port <= 0 || port > 65535 || keyPath === undefined || certPath === undefined) {
  console.error('usage: bench-tls-server.js PORT --key=KEY.pem --cert=CERT.pem [--chunk=BYTES]');
  process.exit(2);
}

const server = createSecureServer({ key: readFileSync(keyPath), cert: readFileSync(certPath), settings });
server.on('stream', onStream);
server.on('sessionError', () => {
  /* a client went away mid-session: nothing to report in a benchmark */
});
server.listen(port, '127.0.0.1');
