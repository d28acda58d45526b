/**
 * HTTP/2 over TLS with ALPN "h2", both directions: our TLS server (examples/tls-server.ts)
 * with node:http2 and curl as clients; our client against a node:http2 secure server.
 */
import http2 from 'node:http2';
import type net from 'node:net';
import type tls from 'node:tls';
import { expect } from 'chai';
import { fetchOnce } from '../../examples/client.js';
import { selfSignedCertificate } from '../../examples/self-signed.js';
import { startTlsServer } from '../../examples/tls-server.js';
import { describeWithCommand, hasCommand, run } from '../helpers/tools.js';

describeWithCommand('openssl', 'openssl', 'interop: TLS with ALPN h2', function () {
  this.timeout(30_000);

  describe('our server', function () {
    let server: tls.Server;
    let cert: Buffer;
    let url: string;

    before(async function () {
      ({ server, cert } = await startTlsServer(0));
      url = `https://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    });

    after(function () {
      server.close();
    });

    it('serves a node:http2 client that trusts the certificate', async function () {
      const session = http2.connect(url, { ca: cert });
      session.on('error', () => undefined);
      try {
        const body = await new Promise<string>((resolve, reject) => {
          const req = session.request({ ':path': '/bytes/100000' });
          let n = '';
          req.setEncoding('latin1');
          req.on('data', (d: string) => (n += d));
          req.on('end', () => resolve(n));
          req.on('error', reject);
          req.end();
        });
        expect(body.length).to.equal(100_000);
        expect(session.alpnProtocol).to.equal('h2');
      } finally {
        session.close();
      }
    });

    it(hasCommand('curl') ? 'serves curl -k --http2' : 'serves curl -k --http2 (skipped: curl is not installed; apt-get install curl)', async function () {
      if (!hasCommand('curl')) this.skip();
      const r = await run('curl', ['-sSk', '--http2', '-w', '\\n%{http_version}', `${url}/`]);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('Hello from h2duplex over HTTP/2!\n\n2');
    });

    it('is served to our own client', async function () {
      const r = await fetchOnce(`${url}/echo`, { body: 'over tls', insecure: true });
      expect(r.body.toString()).to.equal('over tls');
    });
  });

  describe('our client', function () {
    it('talks to a node:http2 secure server', async function () {
      const { key, cert } = selfSignedCertificate();
      const server = http2.createSecureServer({ key, cert });
      server.on('sessionError', () => undefined);
      server.on('stream', (stream, headers) => {
        stream.respond({ ':status': 200 });
        stream.end(`secure ${String(headers[':path'])}`);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const r = await fetchOnce(`https://127.0.0.1:${(server.address() as net.AddressInfo).port}/x`, { insecure: true });
        expect(r.status).to.equal(200);
        expect(r.body.toString()).to.equal('secure /x');
      } finally {
        server.close();
      }
    });
  });
});
