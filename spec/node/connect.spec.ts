/**
 * connect() (src/node/connect.ts) over real TCP and TLS on 127.0.0.1: against our
 * createServer() and node:http2's servers (h2c and TLS); 'connect'; requests made before the
 * transport is up; transport failures (ECONNREFUSED, a socket error, ALPN) as the session's
 * 'error'; createConnection; how node:http2's session options are read.
 */
import http2 from 'node:http2';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { expect } from 'chai';
import { hasOpenssl, selfSignedCertificate } from '../../examples/self-signed.js';
import { ConnectionClosedError, H2Configuration, H2Duplex, type H2Stream, type IncomingHeaders, UsageError } from '../../src/index.js';
import { connect, createServer, type Http2Server } from '../../src/node/index.js';
import { splitSessionOptions } from '../../src/node/session-options.js';
import { thrown } from '../helpers/thrown.js';
import { freePort } from '../helpers/tools.js';

/** Listens on `host` (127.0.0.1 unless given), port 0; resolves with the port. */
async function listen(server: net.Server, host = '127.0.0.1'): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as net.AddressInfo).port;
}

function closeServer(server: net.Server | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (server?.listening !== true) {
      resolve();
      return;
    }
    server.close(() => {
      resolve();
    });
  });
}

/** One request on our session: the response headers and body. */
function get(session: H2Duplex, headers: Record<string, string> = {}): Promise<{ headers: IncomingHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = session.request(headers);
    let response: IncomingHeaders = {};
    let body = '';
    req.setEncoding('utf8');
    req.on('response', (h: IncomingHeaders) => (response = h));
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      resolve({ headers: response, body });
    });
    req.on('error', reject);
  });
}

/** Answers with the request's pseudo-headers, so the client sees what it sent. */
function echoPseudo(stream: H2Stream | http2.ServerHttp2Stream, headers: IncomingHeaders | http2.IncomingHttpHeaders): void {
  stream.respond({ ':status': 200 });
  stream.end(`${String(headers[':method'])} ${String(headers[':scheme'])} ${String(headers[':authority'])} ${String(headers[':path'])}`);
}

describe('node layer: connect()', function () {
  this.timeout(30_000);
  let server: net.Server | undefined;
  const sessions: H2Duplex[] = [];

  /** A session closed at the end of the spec. */
  function track(session: H2Duplex): H2Duplex {
    session.on('error', () => undefined);
    sessions.push(session);
    return session;
  }

  afterEach(async function () {
    for (const session of sessions.splice(0)) session.destroy();
    await closeServer(server);
    server = undefined;
  });

  describe('h2c (http:)', function () {
    let port: number;

    beforeEach(async function () {
      const ours: Http2Server = createServer();
      ours.on('stream', echoPseudo);
      server = ours;
      port = await listen(ours);
    });

    it("talks to createServer(), filling in node's default pseudo-headers from the authority", async function () {
      const session = track(connect(`http://127.0.0.1:${port}`));
      const r = await get(session, { ':path': '/a?b' });
      expect(r.headers[':status']).to.equal(200);
      expect(r.body).to.equal(`GET http 127.0.0.1:${port} /a?b`);
    });

    it("emits 'connect' (session, socket) once the socket is up, and adds the listener for it", async function () {
      const calls: unknown[][] = [];
      let session: H2Duplex | undefined;
      const connected = new Promise<[H2Duplex, Duplex]>((resolve) => {
        session = track(
          connect(`http://127.0.0.1:${port}`, (...args: unknown[]) => {
            calls.push(args);
            resolve(args as [H2Duplex, Duplex]);
          }),
        );
      });
      const [s, socket] = await connected;
      expect(s).to.equal(session);
      expect(socket).to.be.instanceOf(net.Socket);
      expect(s.socket).to.equal(socket);
      expect(calls).to.have.length(1);
    });

    it('sends the requests made before the socket is up once it is', async function () {
      const session = track(connect(`http://127.0.0.1:${port}`));
      let connected = false;
      session.once('connect', () => (connected = true));
      const first = get(session, { ':path': '/1' });
      const second = get(session, { ':path': '/2' });
      expect(connected).to.equal(false);
      expect((await first).body).to.equal(`GET http 127.0.0.1:${port} /1`);
      expect((await second).body).to.equal(`GET http 127.0.0.1:${port} /2`);
      expect(connected).to.equal(true);
    });

    it('ends the socket when the session closes', async function () {
      const session = track(connect(`http://127.0.0.1:${port}`));
      const [, socket] = await new Promise<[H2Duplex, Duplex]>((resolve) => session.once('connect', (...args: unknown[]) => resolve(args as [H2Duplex, Duplex])));
      await get(session, { ':path': '/' });
      const socketClosed = new Promise<void>((resolve) => socket.once('close', resolve));
      await session.close();
      await socketClosed;
      expect(socket.destroyed).to.equal(true);
    });

    it("destroys the session with its socket's error ('error', then 'close')", async function () {
      const session = track(connect(`http://127.0.0.1:${port}`));
      const [, socket] = await new Promise<[H2Duplex, Duplex]>((resolve) => session.once('connect', (...args: unknown[]) => resolve(args as [H2Duplex, Duplex])));
      const failure = new Error('the wire broke');
      const errored = new Promise<Error>((resolve) => session.once('error', resolve));
      const closed = new Promise<void>((resolve) => session.once('close', resolve));
      socket.destroy(failure);
      expect(await errored).to.equal(failure);
      await closed;
    });

    it('makes the transport with createConnection(authority, options) when given', async function () {
      const calls: unknown[][] = [];
      const session = track(
        connect(`http://127.0.0.1:${port}`, {
          createConnection: (authority: URL, options) => {
            calls.push([authority, options]);
            return net.connect(Number(authority.port), authority.hostname);
          },
        }),
      );
      const r = await get(session, { ':path': '/cc' });
      expect(r.body).to.equal(`GET http 127.0.0.1:${port} /cc`);
      expect(calls).to.have.length(1);
      expect(calls[0]?.[0]).to.be.instanceOf(URL);
      expect(String(calls[0]?.[0])).to.equal(`http://127.0.0.1:${port}/`);
    });
  });

  it('talks to a node:http2 h2c server', async function () {
    const nodeServer = http2.createServer();
    nodeServer.on('stream', echoPseudo);
    server = nodeServer;
    const port = await listen(nodeServer);
    const session = track(connect(`http://127.0.0.1:${port}`));
    const r = await get(session, { ':method': 'GET', ':path': '/node' });
    expect(r.headers[':status']).to.equal(200);
    expect(r.body).to.equal(`GET http 127.0.0.1:${port} /node`);
  });

  it("passes node's settings object on: the server sees them", async function () {
    const nodeServer = http2.createServer();
    nodeServer.on('stream', echoPseudo);
    const seen = new Promise<http2.Settings>((resolve) => {
      nodeServer.on('session', (s: http2.ServerHttp2Session) => {
        s.on('remoteSettings', (settings: http2.Settings) => {
          if (settings.maxConcurrentStreams === 7) resolve(settings);
        });
      });
    });
    server = nodeServer;
    const port = await listen(nodeServer);
    const session = track(connect(`http://127.0.0.1:${port}`, { settings: { maxConcurrentStreams: 7, enablePush: false } }));
    await get(session, { ':path': '/' });
    const settings = await seen;
    expect(settings.enablePush).to.equal(false);
  });

  it("fails with ECONNREFUSED on a closed port: the session's 'error' and 'close', its requests fail", async function () {
    const port = await freePort();
    const session = connect(`http://127.0.0.1:${port}`);
    sessions.push(session);
    const req = session.request({ ':path': '/' });
    const reqError = new Promise<Error>((resolve) => req.once('error', resolve));
    const errored = new Promise<Error & { code?: string }>((resolve) => session.once('error', resolve));
    const closed = new Promise<void>((resolve) => session.once('close', resolve));
    expect((await errored).code).to.equal('ECONNREFUSED');
    await closed;
    expect(await reqError).to.be.instanceOf(ConnectionClosedError);
  });

  it('throws ERR_H2_UNSUPPORTED_PROTOCOL for a scheme other than http: and https:', function () {
    const err = thrown(() => connect('ftp://127.0.0.1:21'));
    expect(err).to.be.instanceOf(UsageError);
    expect(err.code).to.equal('ERR_H2_UNSUPPORTED_PROTOCOL');
  });

  describe('TLS (https:)', function () {
    if (!hasOpenssl()) {
      it.skip('skipped: openssl is not installed (apt-get install openssl) to make a self-signed certificate');
      return;
    }
    let key: Buffer;
    let cert: Buffer;

    before(function () {
      ({ key, cert } = selfSignedCertificate());
    });

    it('talks to a node:http2 secure server over ALPN h2, trusting the given ca', async function () {
      const nodeServer = http2.createSecureServer({ key, cert });
      nodeServer.on('stream', echoPseudo);
      server = nodeServer;
      const port = await listen(nodeServer);
      const session = track(connect(`https://127.0.0.1:${port}`, { ca: cert }));
      const r = await get(session, { ':path': '/tls' });
      expect(r.body).to.equal(`GET https 127.0.0.1:${port} /tls`);
      expect(session.alpnProtocol).to.equal('h2');
      expect(session.encrypted).to.equal(true);
    });

    it('sends the host as the TLS server name, but not an IP address', async function () {
      const nodeServer = http2.createSecureServer({ key, cert });
      const names: unknown[] = [];
      nodeServer.on('stream', (stream, headers) => {
        names.push((stream.session?.socket as tls.TLSSocket).servername);
        echoPseudo(stream, headers);
      });
      server = nodeServer;
      const port = await listen(nodeServer, 'localhost');
      const byName = track(connect(`https://localhost:${port}`, { ca: cert }));
      expect((await get(byName, { ':path': '/' })).body).to.equal(`GET https localhost:${port} /`);
      const { address } = nodeServer.address() as net.AddressInfo;
      const byAddress = track(connect(`https://${net.isIPv6(address) ? `[${address}]` : address}:${port}`, { ca: cert, rejectUnauthorized: false }));
      await get(byAddress, { ':path': '/' });
      expect(names).to.deep.equal(['localhost', false]);
    });

    it('fails with ERR_H2_ALPN_MISMATCH when the TLS server selects no protocol', async function () {
      const plainTls = tls.createServer({ key, cert }, (socket) => {
        socket.on('error', () => undefined);
      });
      server = plainTls;
      const port = await listen(plainTls);
      const session = connect(`https://127.0.0.1:${port}`, { ca: cert });
      sessions.push(session);
      let connected = false;
      session.on('connect', () => (connected = true));
      const errored = new Promise<Error & { code?: string }>((resolve) => session.once('error', resolve));
      const closed = new Promise<void>((resolve) => session.once('close', resolve));
      expect((await errored).code).to.equal('ERR_H2_ALPN_MISMATCH');
      await closed;
      expect(connected).to.equal(false);
    });
  });

  describe("node:http2's session options", function () {
    it('reads maxSessionMemory as megabytes and maps the configuration names onto H2Configuration', function () {
      const { duplex, rest } = splitSessionOptions({ maxSessionMemory: 2, maxSettings: 5, maxSessionRejectedStreams: 9, peerMaxConcurrentStreams: 3, ca: 'x' }, true);
      expect(duplex.maxSessionMemory).to.equal(2 * 1024 * 1024);
      expect(duplex.config).to.deep.include({ maxSettingsEntries: 5, maxRefusedStreams: 9, clientSide: true });
      expect(duplex.idleTimeout).to.equal(0); // node's sessions have no idle timeout
      expect(rest).to.deep.equal({ ca: 'x' }); // the session's own options are not handed to tls
    });

    it('passes H2Duplex options through under their own names, and refuses a configuration of the other role', function () {
      const { duplex } = splitSessionOptions({ idleTimeout: 5000, streamHighWaterMark: 1024 }, false);
      expect(duplex).to.deep.include({ idleTimeout: 5000, streamHighWaterMark: 1024 });
      const err = thrown(() => splitSessionOptions({ config: new H2Configuration({ clientSide: true }) }, false));
      expect(err.code).to.equal('ERR_H2_INVALID_OPTION');
    });
  });
});
