/**
 * h2c upgrade end to end (issue #9): examples/h2c-server.ts takes HTTP/1.1 requests that offer
 * `Upgrade: h2c` through Node's http.Server and acceptH2cUpgrade; requestH2cUpgrade is the client
 * side. Peers: curl --http2 (upgrades on plain http), nghttp -u, and our own client. The same port
 * still serves prior-knowledge HTTP/2 and plain HTTP/1.1.
 */
import http from 'node:http';
import type net from 'node:net';
import { expect } from 'chai';
import { fetchOnce } from '../../examples/client.js';
import { startH2cServer } from '../../examples/h2c-server.js';
import { type EventHeaders, H2Duplex, type IncomingHeaders, requestH2cUpgrade } from '../../src/index.js';
import { asObject, collect } from '../helpers/streams.js';
import { describeWithCommand, run } from '../helpers/tools.js';

const HELLO = 'Hello from h2duplex over HTTP/2!\n';

describe('h2c upgrade (HTTP/1.1 → HTTP/2 on one port)', function () {
  this.timeout(30_000);
  let server: net.Server;
  let base: string;

  before(async function () {
    server = await startH2cServer(0);
    base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });

  after(function () {
    server.close();
  });

  describeWithCommand('curl', 'curl', 'with curl --http2 (upgrade) on plain http', function () {
    it('upgrades, and the response to the upgraded request arrives over HTTP/2', async function () {
      const r = await run('curl', ['-sSv', '--http2', '-o', '-', '-w', '\\n%{http_version} %{http_code}', `${base}/`]);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stderr).to.match(/< HTTP\/1\.1 101 Switching Protocols/);
      expect(r.stdout).to.equal(`${HELLO}\n2 200`);
    });

    it('serves prior knowledge and plain HTTP/1.1 on the same port', async function () {
      const h2 = await run('curl', ['-sS', '--http2-prior-knowledge', '-o', '-', '-w', '\\n%{http_version}', `${base}/`]);
      expect(h2.stdout).to.equal(`${HELLO}\n2`);
      const h1 = await run('curl', ['-sS', '--http1.1', '-o', '/dev/null', '-w', '%{http_version} %{http_code}', `${base}/`]);
      expect(h1.stdout).to.equal('1.1 200');
    });
  });

  describeWithCommand('nghttp', 'nghttp2-client', 'with nghttp -u', function () {
    it('upgrades and reads the response on stream 1', async function () {
      const r = await run('nghttp', ['-u', '-v', `${base}/bytes/100000`]);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.include('HTTP Upgrade success');
      expect(r.stdout).to.match(/recv \(stream_id=1\) :status: 200/);
      expect(r.stdout).to.match(/recv DATA frame <length=\d+, flags=0x01, stream_id=1>/);
    });
  });

  it('upgrades in memory: stream 1 carries the request as HTTP/2 fields (Buffer inputs too) and the response', async function () {
    const client = new H2Duplex({ upgrade: true });
    const settings = client.upgradeSettings ?? '';
    const server = new H2Duplex({
      config: { clientSide: false },
      upgrade: { settings, request: [[':method', 'GET'], [':scheme', 'http'], [':authority', 'mem'], [Buffer.from(':path'), Buffer.from('/up')], ['x-from', 'http/1.1']] },
    });
    const seen = new Promise<IncomingHeaders>((resolve) => {
      server.on('stream', (stream, headers) => {
        stream.respond([[':status', '200']]);
        stream.end('upgraded');
        resolve(headers);
      });
    });
    client.pipe(server).pipe(client);
    const response = client.upgradeStream;
    if (response === null) throw new Error('no upgrade stream');
    expect((await collect(response)).toString()).to.equal('upgraded');
    expect(Object.fromEntries(Object.entries(await seen))).to.deep.equal({ ':method': 'GET', ':scheme': 'http', ':authority': 'mem', ':path': '/up', 'x-from': 'http/1.1' });
    // The client's settings arrived in HTTP2-Settings, before any frame.
    expect(server.connection.remoteSettings.maxConcurrentStreams).to.equal(client.connection.localSettings.maxConcurrentStreams);
    client.destroy();
    server.destroy();
  });

  describe('with our client (requestH2cUpgrade)', function () {
    it('upgrades a GET, then makes a second request on the same connection', async function () {
      const { h2, response } = await requestH2cUpgrade(`${base}/`);
      const headers = await new Promise<EventHeaders>((resolve) => response.once('response', resolve));
      expect(asObject(headers)[':status']).to.equal('200');
      expect((await collect(response)).toString()).to.equal(HELLO);
      const second = h2.request([[':method', 'GET'], [':path', '/bytes/70000'], [':scheme', 'http'], [':authority', 'h2c']], { endStream: true });
      expect(second.id).to.equal(3);
      expect((await collect(second)).length).to.equal(70_000);
      await h2.close();
    });

    it('rejects when the server answers over HTTP/1.1 instead of switching', async function () {
      const plain = http.createServer((_req, res) => res.end('no upgrade here'));
      await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
      const port = (plain.address() as net.AddressInfo).port;
      try {
        let error: unknown = null;
        await requestH2cUpgrade(`http://127.0.0.1:${port}/`).catch((err: unknown) => (error = err));
        expect(error).to.have.property('code', 'ERR_H2_UPGRADE_FAILED');
        expect(String(error)).to.match(/did not upgrade to h2c \(it answered over HTTP\/1\.1 with 200\)/);
      } finally {
        plain.close();
      }
    });

    it('stays HTTP/1.1 when HTTP2-Settings does not decode or holds an invalid setting, and the server lives on', async function () {
      const port = (server.address() as net.AddressInfo).port;
      // 'AAIAAAAC' is SETTINGS_ENABLE_PUSH = 2 (only 0 and 1 are valid).
      for (const settings of ['not*base64', 'AAMAAA', 'AAIAAAAC']) {
        const answer = await new Promise<number>((resolve, reject) => {
          const req = http.request({ host: '127.0.0.1', port, path: '/', headers: { Connection: 'Upgrade, HTTP2-Settings', Upgrade: 'h2c', 'HTTP2-Settings': settings } });
          req.on('response', (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          });
          req.on('upgrade', () => reject(new Error(`upgraded with HTTP2-Settings ${settings}`)));
          req.on('error', reject);
          req.end();
        });
        expect(answer, settings).to.equal(400);
      }
      expect((await fetchOnce(`${base}/`)).body.toString()).to.equal(HELLO);
    });

    it('is refused politely when the upgrade request is malformed (no HTTP2-Settings)', async function () {
      const port = (server.address() as net.AddressInfo).port;
      const answer = await new Promise<number>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path: '/', headers: { Connection: 'Upgrade', Upgrade: 'h2c' } });
        req.on('response', (res) => resolve(res.statusCode ?? 0));
        req.on('upgrade', () => reject(new Error('upgraded without HTTP2-Settings')));
        req.on('error', reject);
        req.end();
      });
      expect(answer).to.equal(400);
    });
  });
});
