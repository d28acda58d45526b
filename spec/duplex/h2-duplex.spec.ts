/**
 * H2Duplex and H2Stream over createPair: requests, responses, bodies, trailers, 1xx, push,
 * ping and settings promises, under whole, 1-byte and random chunking of the byte flow.
 */
import { expect } from 'chai';
import { createPair, ErrorCodes, H2Duplex, H2Stream, SettingCodes, type EventHeaders, type IncomingHeaders } from '../../src/index.js';
import { asObject, CHUNKINGS, collect, next } from '../helpers/streams.js';

const GET: Array<[string, string]> = [[':method', 'GET'], [':path', '/'], [':scheme', 'http'], [':authority', 'pair']];
const POST: Array<[string, string]> = [[':method', 'POST'], [':path', '/echo'], [':scheme', 'http'], [':authority', 'pair']];

for (const { name, chunkSize } of CHUNKINGS) {
  describe(`H2Duplex over createPair (${name})`, function () {
    it('serves a GET', async function () {
      const { client, server } = createPair({ chunkSize });
      server.on('stream', (stream, headers) => {
        expect(asObject(headers)[':path']).to.equal('/');
        stream.respond([[':status', '200'], ['content-type', 'text/plain']]);
        stream.end('hello');
      });
      const req = client.request(GET, { endStream: true });
      const headers = await next<EventHeaders>(req, 'response');
      expect(asObject(headers)).to.deep.equal({ ':status': '200', 'content-type': 'text/plain' });
      expect((await collect(req)).toString()).to.equal('hello');
      await client.close();
    });

    it('echoes a POST body of 200 KiB intact', async function () {
      const { client, server } = createPair({ chunkSize });
      server.on('stream', (stream) => {
        stream.respond([[':status', '200']]);
        stream.pipe(stream);
      });
      const body = Buffer.from(Array.from({ length: 200 * 1024 }, (_, i) => (i * 31) & 0xff));
      const req = client.request(POST);
      req.end(body);
      const echoed = await collect(req);
      expect(echoed.equals(body)).to.equal(true);
      await client.close();
    });

    it('sends trailers after the body and reports them', async function () {
      const { client, server } = createPair({ chunkSize });
      server.on('stream', (stream) => {
        stream.respond([[':status', '200']]);
        stream.write('body');
        stream.sendTrailers([['x-checksum', 'abc']]);
      });
      const req = client.request(GET, { endStream: true });
      const trailers = next<EventHeaders>(req, 'trailers');
      expect((await collect(req)).toString()).to.equal('body');
      expect(asObject(await trailers)).to.deep.equal({ 'x-checksum': 'abc' });
    });

    it('delivers a 103 before the final response', async function () {
      const { client, server } = createPair({ chunkSize });
      server.on('stream', (stream) => {
        stream.respond([[':status', '103'], ['link', '</a.css>; rel=preload']]);
        stream.respond([[':status', '204']], { endStream: true });
      });
      const req = client.request(GET, { endStream: true });
      // Both arrive in one read: listen for both before awaiting either.
      const info = next<EventHeaders>(req, 'headers');
      const response = next<EventHeaders>(req, 'response');
      expect(asObject(await info)[':status']).to.equal('103');
      expect(asObject(await response)[':status']).to.equal('204');
      expect((await collect(req)).length).to.equal(0);
    });

    it("pushes a response the client reads from the session's 'stream' event and the pushed stream's 'push'", async function () {
      const { client, server } = createPair({ chunkSize });
      server.on('stream', (stream) => {
        const pushed = stream.pushStream([[':method', 'GET'], [':path', '/style.css'], [':scheme', 'http'], [':authority', 'pair']]);
        pushed.respond([[':status', '200'], ['content-type', 'text/css']]);
        pushed.end('body{}');
        stream.respond([[':status', '200']]);
        stream.end('page');
      });
      const req = client.request(GET, { endStream: true });
      // The pushed response may arrive in the same read as the promise: listen synchronously.
      const [pushed, requestHeaders, pushedResponse] = await new Promise<[H2Stream, IncomingHeaders, Promise<IncomingHeaders>]>((resolve) =>
        client.on('stream', (s, h) => {
          resolve([s, h, next<IncomingHeaders>(s, 'push')]);
        }),
      );
      expect(asObject(requestHeaders)[':path']).to.equal('/style.css');
      expect(asObject(await pushedResponse)['content-type']).to.equal('text/css');
      expect((await collect(pushed)).toString()).to.equal('body{}');
      expect((await collect(req)).toString()).to.equal('page');
    });

    it('runs 50 concurrent requests to completion', async function () {
      const { client, server } = createPair({ chunkSize });
      server.on('stream', (stream, headers) => {
        stream.respond([[':status', '200']]);
        stream.end(`you asked for ${asObject(headers)[':path']}`);
      });
      const bodies = await Promise.all(
        Array.from({ length: 50 }, (_, i) => collect(client.request([[':method', 'GET'], [':path', `/${i}`], [':scheme', 'http'], [':authority', 'pair']], { endStream: true }))),
      );
      bodies.forEach((b, i) => expect(b.toString()).to.equal(`you asked for /${i}`));
    });
  });
}

describe('H2Duplex: ping, settings, events', function () {
  it('resolves ping() with a round-trip time when the ACK arrives', async function () {
    const { client } = createPair();
    const rtt = await client.ping(Buffer.from('12345678'));
    expect(rtt).to.be.a('number').and.at.least(0);
  });

  it('resolves settings() with what changed once acknowledged, and the peer applies them', async function () {
    const { client, server } = createPair();
    const changed = await client.settings({ [SettingCodes.MAX_CONCURRENT_STREAMS]: 7 });
    expect(changed.get(SettingCodes.MAX_CONCURRENT_STREAMS)?.newValue).to.equal(7);
    expect(server.connection.remoteSettings.maxConcurrentStreams).to.equal(7);
  });

  it('re-emits every core event under its class name and as "event"', async function () {
    const { client, server } = createPair();
    const names: string[] = [];
    server.on('event', (ev) => names.push(ev.constructor.name));
    const requests: number[] = [];
    // Typed by the event map: `ev` is a RequestReceived (npm run typecheck checks these lines).
    server.on('RequestReceived', (ev) => requests.push(ev.streamId));
    server.once('DataReceived', (ev) => ev.flowControlledLength.toFixed());
    server.once('StreamEnded', (ev) => {
      // @ts-expect-error: a StreamEnded has no headers
      ev.headers;
    });
    server.on('stream', (stream) => {
      stream.respond([[':status', '200']], { endStream: true });
    });
    await collect(client.request(GET, { endStream: true }));
    expect(names).to.include.members(['RemoteSettingsChanged', 'RequestReceived', 'StreamEnded']);
    expect(requests).to.deep.equal([1]);
  });

  it('rejects pending pings when the connection is destroyed', async function () {
    const { client } = createPair();
    const ping = client.ping();
    client.destroy();
    const err = await ping.then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(Error).and.have.property('name', 'ConnectionClosedError');
  });

  it('refuses requests (REFUSED_STREAM) when nobody listens for "stream"', async function () {
    const { client } = createPair();
    const req = client.request(GET, { endStream: true });
    const err = await next<Error & { errorCode: number; retryable: boolean }>(req, 'error');
    expect(err.errorCode).to.equal(ErrorCodes.REFUSED_STREAM);
    expect(err.retryable).to.equal(true);
  });
});

describe('H2Duplex: transports and limits', function () {
  it('runs HTTP/2 inside an H2Stream (a CONNECT tunnel carrying another connection)', async function () {
    const outer = createPair();
    outer.server.on('stream', (tunnel: H2Stream) => {
      tunnel.respond([[':status', '200']]);
      const inner = new H2Duplex({ config: { clientSide: false } });
      tunnel.pipe(inner).pipe(tunnel);
      inner.on('stream', (stream: H2Stream) => {
        stream.respond([[':status', '200']]);
        stream.end('hello from inside the tunnel');
      });
    });
    const tunnel = outer.client.request([[':method', 'CONNECT'], [':authority', 'inner.example:443']]);
    const innerClient = new H2Duplex();
    tunnel.pipe(innerClient).pipe(tunnel);
    const req = innerClient.request(GET, { endStream: true });
    expect((await collect(req)).toString()).to.equal('hello from inside the tunnel');
    await innerClient.close();
  });

  it('rejects ping() and settings() that are not acknowledged in time', async function () {
    const lonely = new H2Duplex({ ackTimeout: 30 });
    lonely.resume();
    const ping = await lonely.ping().then(() => null, (e: unknown) => e);
    expect(ping).to.be.instanceOf(Error).and.have.property('name', 'AckTimeoutError');
    const settings = await lonely.settings({ [SettingCodes.MAX_CONCURRENT_STREAMS]: 1 }).then(() => null, (e: unknown) => e);
    expect(settings).to.be.instanceOf(Error).and.have.property('name', 'AckTimeoutError');
    lonely.destroy();
  });

  it('stops taking input while its output is not read (a peer flooding PINGs is held back)', async function () {
    const server = new H2Duplex({ config: { clientSide: false }, highWaterMark: 4096 });
    const ping = Buffer.from('000008060000000000' + '0102030405060708', 'hex');
    server.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from('000000040000000000', 'hex')]));
    let accepted = 0;
    for (let i = 0; i < 2000; i++) server.write(ping, () => (accepted += 1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Nobody reads the PING ACKs: once the output passed its bound the input stopped. The bound
    // is the high-water mark or the 16 KiB at which answers are pushed at once, whichever is
    // larger, plus the answers to one input chunk (here one 17-octet PING).
    expect(accepted).to.be.below(2000);
    expect(server.readableLength).to.be.below(16 * 1024 + 64);
    const before = accepted;
    server.resume();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(accepted).to.be.greaterThan(before);
    server.destroy();
  });
});

describe('H2Duplex: input work per turn', function () {
  it('hands one large chunk to the core at most 64 frames a call, answering every frame', async function () {
    const server = new H2Duplex({ config: { clientSide: false } });
    const calls: number[] = [];
    const receive = server.connection.receiveData.bind(server.connection);
    server.connection.receiveData = (data: Uint8Array, maxFrames?: number) => {
      const events = receive(data, maxFrames);
      calls.push(events.length);
      return events;
    };
    const ping = Buffer.from('000008060000000000' + '0102030405060708', 'hex');
    const preface = Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from('000000040000000000', 'hex')]);
    let output = 0;
    server.on('data', (chunk: Buffer) => (output += chunk.length));
    await new Promise<void>((resolve) => server.write(Buffer.concat([preface, ...Array.from({ length: 500 }, () => ping)]), () => resolve()));
    expect(Math.max(...calls)).to.be.at.most(64);
    expect(calls.reduce((a, b) => a + b, 0)).to.equal(501); // the SETTINGS, then 500 PINGs
    await new Promise((resolve) => setImmediate(resolve));
    expect(output).to.be.at.least(500 * 17);
    server.destroy();
  });
});

describe('H2Duplex: request queue', function () {
  it('queues requests beyond the peer MAX_CONCURRENT_STREAMS and runs them all', async function () {
    const { client, server } = createPair({ server: { settings: { [SettingCodes.MAX_CONCURRENT_STREAMS]: 2 } } });
    let open = 0;
    let peak = 0;
    server.on('stream', (stream: H2Stream) => {
      open += 1;
      peak = Math.max(peak, open);
      stream.resume();
      setTimeout(() => {
        stream.respond([[':status', '200']]);
        stream.end(`stream ${stream.id}`);
        open -= 1;
      }, 5);
    });
    await client.ping(); // the server's SETTINGS arrived before the PING ACK
    const requests = Array.from({ length: 10 }, () => client.request(GET, { endStream: true }));
    expect(requests.filter((r) => r.id === 0)).to.have.length(8);
    const bodies = await Promise.all(requests.map((r) => collect(r)));
    expect(bodies.map((b) => b.toString())).to.deep.equal(requests.map((r) => `stream ${r.id}`));
    expect(peak).to.equal(2);
  });

  it('sends the body written to a queued request once it starts', async function () {
    const { client, server } = createPair({ server: { settings: { [SettingCodes.MAX_CONCURRENT_STREAMS]: 1 } } });
    server.on('stream', (stream: H2Stream) => {
      stream.respond([[':status', '200']]);
      stream.pipe(stream);
    });
    await client.ping();
    const first = client.request([[':method', 'POST'], [':path', '/'], [':scheme', 'http'], [':authority', 'pair']]);
    const second = client.request([[':method', 'POST'], [':path', '/'], [':scheme', 'http'], [':authority', 'pair']]);
    expect(second.id).to.equal(0);
    second.end('queued body');
    first.end('first body');
    expect((await collect(first)).toString()).to.equal('first body');
    expect((await collect(second)).toString()).to.equal('queued body');
    expect(second.id).to.equal(3);
  });

  it('fails queued requests as retryable when the peer sends GOAWAY', async function () {
    const { client, server } = createPair({ server: { settings: { [SettingCodes.MAX_CONCURRENT_STREAMS]: 1 } } });
    server.on('stream', () => {
      void server.close();
    });
    await client.ping();
    client.request(GET, { endStream: true });
    const queued = client.request(GET, { endStream: true });
    const err = await new Promise<Error & { retryable?: boolean }>((resolve) => queued.once('error', resolve));
    expect(err.retryable).to.equal(true);
  });
});

describe('H2Stream: socket-like members over TCP', function () {
  it('knows the remote address of the socket piped into its duplex', async function () {
    const { default: net } = await import('node:net');
    const { default: http2 } = await import('node:http2');
    const seen = new Promise<[string | undefined, number | undefined]>((resolve) => {
      const server = net.createServer((socket) => {
        const h2 = new H2Duplex({ config: { clientSide: false } });
        socket.on('error', () => h2.destroy());
        socket.pipe(h2).pipe(socket);
        h2.on('stream', (stream: H2Stream) => {
          resolve([stream.remoteAddress, stream.remotePort]);
          stream.respond([[':status', '204']], { endStream: true });
          server.close();
        });
      });
      server.listen(0, '127.0.0.1', () => {
        const session = http2.connect(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
        session.on('error', () => undefined);
        session.request({ ':path': '/' }).on('response', () => session.close()).end();
      });
    });
    const [address, port] = await seen;
    expect(address).to.equal('127.0.0.1');
    expect(port).to.be.a('number');
  });
});
