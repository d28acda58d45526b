/**
 * createServer() and createSecureServer() (src/node/server.ts) over real TCP and TLS on
 * 127.0.0.1: node:http2 and curl as clients; the events node:http2's servers emit
 * ('session', 'stream', 'request', 'sessionError', 'timeout', 'unknownProtocol'); HTTP/1.1
 * and h2c upgrades with allowHTTP1; a graceful close of open sessions by server.close().
 */
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import { expect } from 'chai';
import sinon from 'sinon';
import { hasOpenssl, selfSignedCertificate } from '../../examples/self-signed.js';
import { H2Duplex, H2Error, H2Stream, type IncomingHeaders } from '../../src/index.js';
import { connect, createSecureServer, createServer, Http2SecureServer, Http2Server, Http2ServerRequest, Http2ServerResponse } from '../../src/node/index.js';
import { describeWithCommand, hasCommand, run } from '../helpers/tools.js';

/** Listens on 127.0.0.1, port 0; resolves with the port. */
async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as net.AddressInfo).port;
}

/** Closes `server`; resolves on its 'close'. */
function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => {
      resolve();
    });
  });
}

/** One request over a node:http2 client session: the response headers and body. */
function nodeRequest(session: http2.ClientHttp2Session, headers: http2.OutgoingHttpHeaders): Promise<{ headers: http2.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = session.request(headers);
    let response: http2.IncomingHttpHeaders = {};
    let body = '';
    req.setEncoding('utf8');
    req.on('response', (h) => (response = h));
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      resolve({ headers: response, body });
    });
    req.on('error', reject);
  });
}

/** Answers every stream with 200 and `hello <path>`. */
function hello(stream: H2Stream, headers: IncomingHeaders): void {
  stream.respond({ ':status': 200, 'content-type': 'text/plain' });
  stream.end(`hello ${String(headers[':path'])}`);
}

describe('node layer: createServer()', function () {
  this.timeout(30_000);
  let server: Http2Server;
  let port: number;
  const clients: Array<{ destroy(): void }> = [];

  afterEach(async function () {
    for (const client of clients.splice(0)) client.destroy();
    sinon.restore();
    await closeServer(server);
  });

  it('is a net.Server that emits session, then stream with (stream, headers, flags, rawHeaders) as the session does', async function () {
    server = createServer();
    expect(server).to.be.instanceOf(net.Server).and.instanceOf(Http2Server);
    const sessions: H2Duplex[] = [];
    const sessionArgs: unknown[][] = [];
    server.on('session', (session: H2Duplex) => {
      sessions.push(session);
      session.on('stream', (...args: unknown[]) => sessionArgs.push(args));
    });
    const serverArgs: unknown[][] = [];
    server.on('stream', (...args: unknown[]) => {
      serverArgs.push(args);
      hello(args[0] as H2Stream, args[1] as IncomingHeaders);
    });
    port = await listen(server);
    const client = http2.connect(`http://127.0.0.1:${port}`);
    clients.push(client);
    const r = await nodeRequest(client, { ':path': '/x', 'x-one': 'a' });
    expect(r.headers[':status']).to.equal(200);
    expect(r.body).to.equal('hello /x');
    expect(sessions).to.have.length(1);
    expect(sessions[0]).to.be.instanceOf(H2Duplex);
    expect(serverArgs).to.have.length(1);
    const [stream, headers, flags, rawHeaders] = serverArgs[0] ?? [];
    expect(stream).to.be.instanceOf(H2Stream);
    expect((headers as IncomingHeaders)[':path']).to.equal('/x');
    expect((headers as IncomingHeaders)['x-one']).to.equal('a');
    expect(flags).to.equal(0x1 | 0x4); // END_STREAM | END_HEADERS
    expect(rawHeaders).to.include.members([':path', '/x', 'x-one', 'a']);
    // Every argument the session gave, in the same order.
    expect(serverArgs[0]).to.deep.equal(sessionArgs[0]);
  });

  it('sets TCP_NODELAY on every connection', async function () {
    const setNoDelay = sinon.spy(net.Socket.prototype, 'setNoDelay');
    server = createServer();
    server.on('stream', hello);
    const serverSockets: net.Socket[] = [];
    server.on('connection', (socket: net.Socket) => serverSockets.push(socket));
    port = await listen(server);
    const client = http2.connect(`http://127.0.0.1:${port}`);
    clients.push(client);
    await nodeRequest(client, { ':path': '/' });
    expect(serverSockets).to.have.length(1);
    expect(setNoDelay.getCalls().some((call) => call.thisValue === serverSockets[0] && call.args[0] !== false)).to.equal(true);
  });

  it('turns streams into request (req, res) with Http2ServerRequest and Http2ServerResponse', async function () {
    const seen: Array<[unknown, unknown]> = [];
    server = createServer((req, res) => {
      seen.push([req, res]);
      res.end(`compat ${req.url}`);
    });
    port = await listen(server);
    const client = http2.connect(`http://127.0.0.1:${port}`);
    clients.push(client);
    const r = await nodeRequest(client, { ':path': '/compat' });
    expect(r.headers[':status']).to.equal(200);
    expect(r.body).to.equal('compat /compat');
    expect(seen[0]?.[0]).to.be.instanceOf(Http2ServerRequest);
    expect(seen[0]?.[1]).to.be.instanceOf(Http2ServerResponse);
  });

  it("emits checkContinue for 'expect: 100-continue' when listened for", async function () {
    server = createServer();
    server.on('request', () => expect.fail('checkContinue was listened for: no request event'));
    server.on('checkContinue', (req: Http2ServerRequest, res: Http2ServerResponse) => {
      res.writeContinue();
      req.resume();
      req.on('end', () => res.end('continued'));
    });
    port = await listen(server);
    const client = http2.connect(`http://127.0.0.1:${port}`);
    clients.push(client);
    const req = client.request({ ':method': 'POST', ':path': '/', expect: '100-continue' });
    const continued = new Promise<void>((resolve) => req.once('continue', resolve));
    await continued;
    req.end('body');
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    await new Promise((resolve) => req.on('end', resolve));
    expect(body).to.equal('continued');
  });

  it('fails an HTTP/1.1 connection without allowHTTP1: sessionError (error, session), as node:http2 does', async function () {
    server = createServer();
    const sessions: H2Duplex[] = [];
    server.on('session', (session: H2Duplex) => sessions.push(session));
    const failed = new Promise<[Error, H2Duplex]>((resolve) => server.once('sessionError', (err: Error, session: H2Duplex) => resolve([err, session])));
    port = await listen(server);
    const socket = net.connect(port, '127.0.0.1');
    clients.push(socket);
    socket.on('error', () => undefined);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const [err, session] = await failed;
    expect(err).to.be.instanceOf(H2Error);
    expect(session).to.equal(sessions[0]);
  });

  it("server.close() stops listening and leaves open sessions open, as node:http2 does: the stream completes, the callback waits for the client's close", async function () {
    server = createServer();
    let answer: (() => void) | null = null;
    const requested = new Promise<void>((resolve) => {
      server.on('stream', (stream: H2Stream, headers: IncomingHeaders) => {
        if (headers[':path'] !== '/slow') {
          hello(stream, headers);
          return;
        }
        answer = () => {
          hello(stream, headers);
        };
        resolve();
      });
    });
    port = await listen(server);
    const client = http2.connect(`http://127.0.0.1:${port}`);
    clients.push(client);
    let goaways = 0;
    client.on('goaway', () => goaways++);
    const response = nodeRequest(client, { ':path': '/slow' });
    await requested;
    let serverClosed = false;
    const closed = closeServer(server).then(() => (serverClosed = true));
    expect(server.listening).to.equal(false);
    expect(answer).to.not.equal(null);
    answer!();
    expect((await response).body).to.equal('hello /slow');
    // The session is still usable, as with node:http2: a second request on it is answered.
    expect((await nodeRequest(client, { ':path': '/again' })).body).to.equal('hello /again');
    expect(goaways).to.equal(0);
    expect(serverClosed).to.equal(false);
    client.close();
    await closed;
  });

  it("setTimeout(ms, callback): a quiet session emits 'timeout' (session) on the server", async function () {
    server = createServer();
    server.on('stream', hello);
    const sessions: H2Duplex[] = [];
    server.on('session', (session: H2Duplex) => sessions.push(session));
    const timedOut = new Promise<unknown>((resolve) => server.setTimeout(50, resolve));
    expect(server.timeout).to.equal(50);
    port = await listen(server);
    const client = http2.connect(`http://127.0.0.1:${port}`);
    clients.push(client);
    client.on('error', () => undefined);
    await nodeRequest(client, { ':path': '/' });
    const session = await timedOut;
    expect(session).to.equal(sessions[0]);
    expect(sessions[0]?.destroyed).to.equal(false); // heard: the listener decides
  });

  it('setTimeout(ms) with nobody listening for timeout destroys a quiet session', async function () {
    server = createServer();
    server.on('stream', hello);
    server.setTimeout(50);
    port = await listen(server);
    const client = http2.connect(`http://127.0.0.1:${port}`);
    clients.push(client);
    client.on('error', () => undefined);
    await nodeRequest(client, { ':path': '/' });
    await new Promise<void>((resolve) => client.once('close', resolve));
    expect(client.destroyed).to.equal(true);
  });

  it('allowHTTP1: still serves HTTP/2 with prior knowledge (a node:http2 client)', async function () {
    server = createServer({ allowHTTP1: true });
    server.on('stream', hello);
    port = await listen(server);
    const client = http2.connect(`http://127.0.0.1:${port}`);
    clients.push(client);
    expect((await nodeRequest(client, { ':path': '/pk' })).body).to.equal('hello /pk');
  });

  it('allowHTTP1: server.close() closes an idle HTTP/1.1 keep-alive connection', async function () {
    // HTTP/1.1 would keep the idle connection for a minute: only close() ends it sooner.
    server = createServer({ allowHTTP1: true, keepAliveTimeout: 60_000 });
    server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => res.end('kept'));
    port = await listen(server);
    const agent = new http.Agent({ keepAlive: true });
    clients.push(agent);
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          let b = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (b += d));
          res.on('end', () => resolve(b));
        })
        .on('error', reject);
    });
    expect(body).to.equal('kept');
    await closeServer(server); // resolves only once the kept-alive connection is gone
    expect(server.listening).to.equal(false);
  });

  it('updateSettings() gives sessions started afterwards the new SETTINGS', async function () {
    server = createServer({ settings: { maxConcurrentStreams: 50 } });
    server.on('stream', hello);
    server.updateSettings({ maxConcurrentStreams: 7 });
    port = await listen(server);
    const client = http2.connect(`http://127.0.0.1:${port}`);
    clients.push(client);
    // Our SETTINGS follow the preface's defaults in a second frame: both are in by the response.
    await nodeRequest(client, { ':path': '/' });
    expect(client.remoteSettings.maxConcurrentStreams).to.equal(7);
  });

  describeWithCommand('curl', 'curl', 'with curl', function () {
    it('serves curl --http2-prior-knowledge', async function () {
      server = createServer();
      server.on('stream', hello);
      port = await listen(server);
      const r = await run('curl', ['-sS', '--http2-prior-knowledge', '-w', '\\n%{http_version}', `http://127.0.0.1:${port}/pk`]);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('hello /pk\n2');
    });

    it('allowHTTP1: takes the h2c upgrade of curl --http2 (the upgraded request is a stream)', async function () {
      server = createServer({ allowHTTP1: true });
      const sessions: H2Duplex[] = [];
      server.on('session', (session: H2Duplex) => sessions.push(session));
      server.on('stream', hello);
      port = await listen(server);
      const r = await run('curl', ['-sS', '--http2', '-w', '\\n%{http_version}', `http://127.0.0.1:${port}/up`]);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('hello /up\n2');
      expect(sessions).to.have.length(1);
    });

    it("allowHTTP1: serves curl --http1.1 with node's IncomingMessage and ServerResponse on 'request'", async function () {
      server = createServer({ allowHTTP1: true });
      const seen: unknown[] = [];
      server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
        seen.push(req);
        res.end(`h1 ${req.httpVersion} ${String(req.url)}`);
      });
      port = await listen(server);
      const r = await run('curl', ['-sS', '--http1.1', '-w', '\\n%{http_version}', `http://127.0.0.1:${port}/one`]);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('h1 1.1 /one\n1.1');
      expect(seen[0]).to.be.instanceOf(http.IncomingMessage);
    });

    it('allowHTTP1: serves an upgrade it cannot take (curl --http2 with a body) over HTTP/1.1', async function () {
      server = createServer({ allowHTTP1: true });
      server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
        let body = '';
        req.setEncoding('utf8');
        req.on('data', (d: string) => (body += d));
        req.on('end', () => res.end(`${String(req.method)} ${body} upgrade=${String(req.headers.upgrade)}`));
      });
      port = await listen(server);
      const r = await run('curl', ['-sS', '--http2', '-d', 'data', '-w', '\\n%{http_version}', `http://127.0.0.1:${port}/post`]);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('POST data upgrade=undefined\n1.1');
    });
  });
});

describe('node layer: createSecureServer()', function () {
  this.timeout(30_000);
  if (!hasOpenssl()) {
    it.skip('skipped: openssl is not installed (apt-get install openssl) to make a self-signed certificate');
    return;
  }
  let key: Buffer;
  let cert: Buffer;
  let server: Http2SecureServer;
  let port: number;
  const clients: Array<{ destroy(): void }> = [];

  before(function () {
    ({ key, cert } = selfSignedCertificate());
  });

  afterEach(async function () {
    for (const client of clients.splice(0)) client.destroy();
    await closeServer(server);
  });

  it('is a tls.Server serving a node:http2 client over ALPN h2', async function () {
    server = createSecureServer({ key, cert });
    expect(server).to.be.instanceOf(tls.Server).and.instanceOf(Http2SecureServer);
    const sessions: H2Duplex[] = [];
    server.on('session', (session: H2Duplex) => sessions.push(session));
    server.on('stream', hello);
    port = await listen(server);
    const client = http2.connect(`https://127.0.0.1:${port}`, { ca: cert });
    clients.push(client);
    const r = await nodeRequest(client, { ':path': '/tls' });
    expect(r.body).to.equal('hello /tls');
    expect(client.alpnProtocol).to.equal('h2');
    expect(sessions[0]?.alpnProtocol).to.equal('h2');
    expect(sessions[0]?.encrypted).to.equal(true);
  });

  it('serves our connect() over TLS', async function () {
    server = createSecureServer({ key, cert });
    server.on('stream', hello);
    port = await listen(server);
    const session = connect(`https://127.0.0.1:${port}`, { ca: cert });
    session.on('error', () => undefined);
    clients.push(session);
    const body = await new Promise<string>((resolve, reject) => {
      const req = session.request({ ':path': '/ours' });
      let b = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (b += d));
      req.on('end', () => resolve(b));
      req.on('error', reject);
    });
    expect(body).to.equal('hello /ours');
    expect(session.alpnProtocol).to.equal('h2');
  });

  it(hasCommand('curl') ? 'serves curl -k --http2' : 'serves curl -k --http2 (skipped: curl is not installed; apt-get install curl)', async function () {
    if (!hasCommand('curl')) this.skip();
    server = createSecureServer({ key, cert });
    server.on('stream', hello);
    port = await listen(server);
    const r = await run('curl', ['-sSk', '--http2', '-w', '\\n%{http_version}', `https://127.0.0.1:${port}/c`]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('hello /c\n2');
  });

  it("allowHTTP1: serves an HTTPS/1.1 client with node's IncomingMessage on 'request'", async function () {
    server = createSecureServer({ key, cert, allowHTTP1: true });
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      expect(req).to.be.instanceOf(http.IncomingMessage);
      res.end(`h1 ${req.httpVersion}`);
    });
    port = await listen(server);
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get({ host: '127.0.0.1', port, path: '/', ca: cert, agent: false }, (res) => {
          let b = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (b += d));
          res.on('end', () => resolve(b));
        })
        .on('error', reject);
    });
    expect(body).to.equal('h1 1.1');
  });

  it("emits unknownProtocol (socket) for a TLS client that offers no ALPN, without allowHTTP1", async function () {
    server = createSecureServer({ key, cert });
    const unknown = new Promise<tls.TLSSocket>((resolve) => server.once('unknownProtocol', resolve));
    port = await listen(server);
    const socket = tls.connect({ host: '127.0.0.1', port, ca: cert });
    clients.push(socket);
    socket.on('error', () => undefined);
    const serverSocket = await unknown;
    expect(serverSocket).to.be.instanceOf(tls.TLSSocket);
    expect(serverSocket.alpnProtocol).to.equal(false);
    serverSocket.destroy();
  });

  it("answers a TLS client that offers no ALPN with node's 403 when nobody listens for unknownProtocol", async function () {
    server = createSecureServer({ key, cert });
    port = await listen(server);
    const socket = tls.connect({ host: '127.0.0.1', port, ca: cert });
    clients.push(socket);
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => (text += d));
    await new Promise((resolve) => socket.on('end', resolve));
    expect(text).to.match(/^HTTP\/1\.0 403 Forbidden\r\n/);
  });
});
