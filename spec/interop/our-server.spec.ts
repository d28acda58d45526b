/**
 * Our server (examples/server.ts, h2c on 127.0.0.1:0) against real clients: curl, nghttp,
 * h2load and node:http2. Each tool's spec skips with the reason when the tool is missing
 * (CI installs them: nghttp2-client, curl).
 */
import { createHash } from 'node:crypto';
import http2 from 'node:http2';
import type net from 'node:net';
import { expect } from 'chai';
import { startServer } from '../../examples/server.js';
import { describeWithCommand, run } from '../helpers/tools.js';

describe('interop: our server', function () {
  this.timeout(60_000);
  let server: net.Server;
  let base: string;

  before(async function () {
    server = await startServer(0);
    const address = server.address() as net.AddressInfo;
    base = `http://127.0.0.1:${address.port}`;
  });

  after(function () {
    server.close();
  });

  describeWithCommand('curl', 'curl', 'with curl --http2-prior-knowledge', function () {
    it('GET / over HTTP/2', async function () {
      const r = await run('curl', ['-sS', '--http2-prior-knowledge', '-o', '-', '-w', '\\n%{http_version} %{http_code}', `${base}/`]);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('Hello from h2duplex over HTTP/2!\n\n2 200');
    });

    it('streams /bytes/5000000 intact', async function () {
      const r = await run('curl', ['-sS', '--http2-prior-knowledge', `${base}/bytes/5000000`]);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout.length).to.equal(5_000_000);
      expect(/^x+$/.test(r.stdout)).to.equal(true);
    });

    it('echoes a POST body', async function () {
      const r = await run('curl', ['-sS', '--http2-prior-knowledge', '--data-binary', '@-', `${base}/echo`], 'posted through curl');
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('posted through curl');
    });
  });

  describeWithCommand('nghttp', 'nghttp2-client', 'with nghttp', function () {
    it('fetches / with -v, seeing SETTINGS, HEADERS and DATA with END_STREAM', async function () {
      const r = await run('nghttp', ['-v', `${base}/`]);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.include('recv SETTINGS frame');
      expect(r.stdout).to.include('recv (stream_id=13) :status: 200');
      expect(r.stdout).to.match(/recv DATA frame <length=33, flags=0x01, stream_id=13>/);
      expect(r.stdout).to.include('Hello from h2duplex over HTTP/2!');
    });

    it('uploads a body with -d', async function () {
      const r = await run('sh', ['-c', `printf 'nghttp body' > /tmp/h2duplex-nghttp-body && nghttp -d /tmp/h2duplex-nghttp-body ${base}/echo`]);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('nghttp body');
    });
  });

  describeWithCommand('h2load', 'nghttp2-client', 'with h2load', function () {
    it('completes -n 10000 -c 4 -m 50 without a failure', async function () {
      const r = await run('h2load', ['-n', '10000', '-c', '4', '-m', '50', `${base}/`]);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/requests: 10000 total, 10000 started, 10000 done, 10000 succeeded, 0 failed, 0 errored, 0 timeout/);
      expect(r.stdout).to.match(/status codes: 10000 2xx/);
    });
  });

  describe('with a node:http2 client', function () {
    it('GETs, POSTs and runs 100 concurrent requests on one session', async function () {
      const session = http2.connect(base);
      session.on('error', () => undefined);
      try {
        const get = (path: string) =>
          new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
            const req = session.request({ ':path': path });
            let status = 0;
            const chunks: Buffer[] = [];
            req.on('response', (h) => (status = Number(h[':status'])));
            req.on('data', (d: Buffer) => chunks.push(d));
            req.on('end', () => resolve({ status, body: Buffer.concat(chunks) }));
            req.on('error', reject);
            req.end();
          });
        const home = await get('/');
        expect(home.status).to.equal(200);
        expect(home.body.toString()).to.equal('Hello from h2duplex over HTTP/2!\n');
        const big = await get('/bytes/3000000');
        expect(big.body.length).to.equal(3_000_000);
        const many = await Promise.all(Array.from({ length: 100 }, (_, i) => get(`/bytes/${i}`)));
        many.forEach((r, i) => expect(r.body.length).to.equal(i));
        const body = Buffer.alloc(1_000_000, 'b');
        const echoed = await new Promise<Buffer>((resolve, reject) => {
          const req = session.request({ ':path': '/echo', ':method': 'POST' });
          const chunks: Buffer[] = [];
          req.on('data', (d: Buffer) => chunks.push(d));
          req.on('end', () => resolve(Buffer.concat(chunks)));
          req.on('error', reject);
          req.end(body);
        });
        expect(createHash('sha256').update(echoed).digest('hex')).to.equal(createHash('sha256').update(body).digest('hex'));
      } finally {
        session.close();
      }
    });
  });
});
