/**
 * HTTPS with HTTP/2 over node:tls: ALPN "h2" (RFC 9113 §3.2), a self-signed certificate made
 * at start with openssl, and the same handlers as examples/server.ts.
 *
 *   PORT=8443 npx tsx examples/tls-server.ts
 *   curl -k --http2 https://127.0.0.1:8443/
 *
 * A client that does not offer h2 in ALPN is refused during the handshake.
 */
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { pathToFileURL } from 'node:url';
import { listen, serveConnection, stopOnSignals } from './server.js';
import { hasOpenssl, selfSignedCertificate } from './self-signed.js';

/** Starts the TLS server; resolves once listening, with the certificate clients may trust. */
export function startTlsServer(port = 0, host = '127.0.0.1'): Promise<{ server: tls.Server; cert: Buffer }> {
  const { key, cert } = selfSignedCertificate();
  // ALPNProtocols: ['h2'] alone makes node:tls reject clients that offer only http/1.1.
  const server = tls.createServer({ key, cert, ALPNProtocols: ['h2'] }, (socket) => {
    // Belt and braces: never speak HTTP/2 to a client that did not ask for it.
    if (socket.alpnProtocol !== 'h2') {
      socket.destroy();
      return;
    }
    serveConnection(socket);
  });
  return listen(server, port, host).then(() => ({ server, cert }));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (!hasOpenssl()) {
    console.error('tls-server: the openssl command is needed to create a self-signed certificate (apt-get install openssl).');
    process.exit(1);
  }
  const { server } = await startTlsServer(Number(process.env['PORT'] ?? 8443));
  const { port } = server.address() as AddressInfo; // PORT=0: the one the system chose
  console.log(`h2duplex: HTTPS (h2 over TLS) on https://127.0.0.1:${port}/  (try: curl -k --http2 https://127.0.0.1:${port}/)`);
  stopOnSignals(server);
}
