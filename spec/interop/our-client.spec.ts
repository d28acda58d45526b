/**
 * Our client (examples/client.ts on H2Duplex) against real servers: nghttpd --no-tls and a
 * node:http2 server (including a push from it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { connectTo, fetchOnce } from '../../examples/client.js';
import { H2Duplex, type H2Stream, type IncomingHeaders } from '../../src/index.js';
import { asObject, collect } from '../helpers/streams.js';
import { commandPath, describeWithCommand, freePort, waitForPort } from '../helpers/tools.js';

describe('interop: our client', function () {
  this.timeout(30_000);

  describeWithCommand('nghttpd', 'nghttp2-server', 'against nghttpd --no-tls', function () {
    let child: ChildProcess;
    let dir: string;
    let port: number;

    before(async function () {
      dir = mkdtempSync(join(tmpdir(), 'h2duplex-nghttpd-'));
      writeFileSync(join(dir, 'index.html'), 'hello from nghttpd\n');
      writeFileSync(join(dir, 'big.bin'), Buffer.alloc(2_000_000, 'z'));
      port = await freePort();
      child = spawn(commandPath('nghttpd'), ['--no-tls', '-d', dir, String(port)], { stdio: 'ignore' });
      await waitForPort(port);
    });

    after(function () {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    });

    it('GETs a small file', async function () {
      const r = await fetchOnce(`http://127.0.0.1:${port}/index.html`);
      expect(r.status).to.equal(200);
      expect(asObject(r.headers)['server']).to.match(/^nghttpd/);
      expect(r.body.toString()).to.equal('hello from nghttpd\n');
    });

    it('GETs 2 MB through flow control', async function () {
      const r = await fetchOnce(`http://127.0.0.1:${port}/big.bin`);
      expect(r.body.length).to.equal(2_000_000);
      expect(r.body.every((b) => b === 0x7a)).to.equal(true);
    });

    it('gets a 404 for a missing file', async function () {
      const r = await fetchOnce(`http://127.0.0.1:${port}/missing`);
      expect(r.status).to.equal(404);
    });
  });

  describe('against a node:http2 server', function () {
    let server: http2.Http2Server;
    let url: string;

    before(async function () {
      server = http2.createServer();
      // Our client closes connections as it likes; node:http2 reports that as session errors.
      server.on('sessionError', () => undefined);
      server.on('stream', (stream, headers) => {
        stream.on('error', () => undefined);
        const path = String(headers[':path']);
        if (path === '/push') {
          stream.pushStream({ ':path': '/pushed.css' }, (err, pushed) => {
            if (err !== null) return;
            pushed.respond({ ':status': 200, 'content-type': 'text/css' });
            pushed.end('pushed{}');
          });
          stream.respond({ ':status': 200 });
          stream.end('page');
          return;
        }
        if (headers[':method'] === 'POST') {
          stream.respond({ ':status': 200 });
          stream.pipe(stream);
          return;
        }
        stream.respond({ ':status': 200, 'x-path': path });
        stream.end(`node saw ${path}`);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    });

    after(function () {
      server.close();
    });

    it('GETs and POSTs', async function () {
      const get = await fetchOnce(`${url}/hello?x=1`);
      expect(get.status).to.equal(200);
      expect(asObject(get.headers)['x-path']).to.equal('/hello?x=1');
      expect(get.body.toString()).to.equal('node saw /hello?x=1');
      const body = Buffer.alloc(3_000_000, 'p');
      const post = await fetchOnce(`${url}/echo`, { body });
      expect(post.body.equals(body)).to.equal(true);
    });

    it('receives a push', async function () {
      const socket = await connectTo(new URL(url));
      const h2 = new H2Duplex();
      socket.pipe(h2).pipe(socket);
      const req = h2.request([[':method', 'GET'], [':scheme', 'http'], [':authority', 'x'], [':path', '/push']], { endStream: true });
      // node:http2's shape: the session's 'stream' event, then the pushed stream's 'push' (its response headers).
      const pushed = new Promise<{ headers: IncomingHeaders; body: Promise<Buffer>; response: Promise<IncomingHeaders> }>((resolve) => {
        h2.on('stream', (stream: H2Stream, headers) => {
          resolve({ headers, response: new Promise((r) => stream.once('push', r)), body: collect(stream) });
        });
      });
      expect((await collect(req)).toString()).to.equal('page');
      const push = await pushed;
      expect(asObject(push.headers)[':path']).to.equal('/pushed.css');
      expect(asObject(await push.response)['content-type']).to.equal('text/css');
      expect((await push.body).toString()).to.equal('pushed{}');
      await h2.close();
      socket.end();
    });
  });
});
