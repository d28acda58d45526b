/**
 * The connection lifecycle as a user meets it: every operation on a dead connection fails at
 * once with a coded error, misuse names itself, and a stream the peer never finishes is reset
 * by streamIdleTimeout. Over createPair, and over TCP where a socket is involved.
 */
import net from 'node:net';
import { expect } from 'chai';
import {
  ConnectionClosedError,
  createPair,
  ErrorCodes,
  H2Duplex,
  type H2Stream,
  type IncomingHeaders,
  StreamResetError,
  UsageError,
} from '../../src/index.js';
import { collect, next } from '../helpers/streams.js';
import { thrown } from '../helpers/thrown.js';

const GET: Array<[string, string]> = [[':method', 'GET'], [':path', '/'], [':scheme', 'http'], [':authority', 't']];
const POST: Array<[string, string]> = [[':method', 'POST'], [':path', '/'], [':scheme', 'http'], [':authority', 't']];


/** A server on 127.0.0.1 running `onStream` per request; a client H2Duplex connected to it over TCP. */
async function tcpPair(serverOptions: ConstructorParameters<typeof H2Duplex>[0] = {}, onStream: (stream: H2Stream) => void = () => undefined) {
  const servers: H2Duplex[] = [];
  const listener = net.createServer((socket) => {
    const h2 = new H2Duplex({ ...serverOptions, config: { clientSide: false } });
    servers.push(h2);
    socket.on('error', () => undefined);
    h2.on('error', () => undefined);
    socket.on('close', () => h2.destroy());
    socket.pipe(h2).pipe(socket);
    h2.on('stream', onStream);
  });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const socket = net.connect((listener.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const client = new H2Duplex();
  socket.on('error', () => undefined);
  socket.pipe(client).pipe(socket);
  return {
    client,
    socket,
    servers,
    stop: () => {
      client.destroy();
      socket.destroy();
      listener.close();
      for (const h2 of servers) h2.destroy();
    },
  };
}

describe('H2Duplex lifecycle: dead connections fail at once', function () {
  it('request(), ping() and settings() on a destroyed connection fail with ConnectionClosedError (over TCP, after the transport closed)', async function () {
    const { client, socket, stop } = await tcpPair();
    try {
      socket.destroy();
      await new Promise((resolve) => socket.once('close', resolve));
      client.destroy();
      const err = thrown(() => client.request(GET, { endStream: true }));
      expect(err).to.be.instanceOf(ConnectionClosedError);
      expect(err).to.have.property('code', 'ERR_H2_CONNECTION_CLOSED');
      const ping = await client.ping().then(() => null, (e: unknown) => e);
      expect(ping).to.be.instanceOf(ConnectionClosedError).and.have.property('code', 'ERR_H2_CONNECTION_CLOSED');
      const settings = await client.settings({}).then(() => null, (e: unknown) => e);
      expect(settings).to.be.instanceOf(ConnectionClosedError).and.have.property('code', 'ERR_H2_CONNECTION_CLOSED');
    } finally {
      stop();
    }
  });

  it('request() after the transport ended (no destroy()) fails at once instead of returning a stream that never ends', async function () {
    const client = new H2Duplex();
    client.resume();
    client.end(); // the transport's EOF
    await new Promise((resolve) => client.once('finish', resolve));
    const err = thrown(() => client.request(GET, { endStream: true }));
    expect(err).to.be.instanceOf(ConnectionClosedError).and.have.property('code', 'ERR_H2_CONNECTION_CLOSED');
    expect(err.message).to.match(/its transport ended/);
    client.destroy();
  });

  it('respond() and write() on a stream whose connection died fail with a coded error', async function () {
    const { client, server } = createPair();
    const arrived = next<H2Stream>(server, 'stream');
    const req = client.request(POST);
    req.on('error', () => undefined);
    req.write('x');
    const stream = await arrived;
    stream.on('error', () => undefined);
    server.destroy();
    await new Promise((resolve) => setImmediate(resolve));
    const err = thrown(() => {
      stream.respond([[':status', '200']]);
    });
    expect(err).to.be.instanceOf(UsageError).and.have.property('code', 'ERR_H2_STREAM_CLOSED');
    const writeErr = await new Promise<Error | null | undefined>((resolve) => stream.write('late', resolve));
    expect(writeErr).to.have.property('code', 'ERR_STREAM_DESTROYED');
    client.destroy();
  });
});

describe('H2Duplex lifecycle: misuse names itself, with a code', function () {
  it('respond() twice: ERR_H2_HEADERS_SENT', async function () {
    const { client, server } = createPair();
    const seen = new Promise<Error>((resolve) => {
      server.on('stream', (stream: H2Stream) => {
        stream.respond([[':status', '200']]);
        resolve(thrown(() => { stream.respond([[':status', '404']]); }));
        stream.end();
      });
    });
    const req = client.request(GET, { endStream: true });
    const err = await seen;
    expect(err).to.be.instanceOf(UsageError).and.have.property('code', 'ERR_H2_HEADERS_SENT');
    expect(err.message).to.match(/respond\(\) was already called/);
    await collect(req);
  });

  it('respond() after end() sent `:status: 200`: ERR_H2_HEADERS_SENT, naming the write', async function () {
    const { client, server } = createPair();
    const seen = new Promise<Error>((resolve) => {
      server.on('stream', (stream: H2Stream) => {
        stream.end('body', () => {
          resolve(thrown(() => { stream.respond([[':status', '404']]); }));
        });
      });
    });
    const req = client.request(GET, { endStream: true });
    const [headers] = await Promise.all([next<IncomingHeaders>(req, 'response'), collect(req)]);
    expect(headers).to.have.property(':status', 200);
    const err = await seen;
    expect(err).to.have.property('code', 'ERR_H2_HEADERS_SENT');
    expect(err.message).to.match(/a write or end\(\) before respond\(\)/);
  });

  it('respond() on a client stream and pushStream() on a client: ERR_H2_WRONG_SIDE', function () {
    const { client, server } = createPair();
    const req = client.request(GET, { endStream: true });
    expect(thrown(() => { req.respond([[':status', '200']]); })).to.be.instanceOf(UsageError).and.have.property('code', 'ERR_H2_WRONG_SIDE');
    expect(thrown(() => req.pushStream(GET))).to.have.property('code', 'ERR_H2_WRONG_SIDE');
    client.destroy();
    server.destroy();
  });

  it('request() on a server: ERR_H2_WRONG_SIDE, and no HEADERS go out', function () {
    const { client, server } = createPair();
    const err = thrown(() => server.request(GET));
    expect(err).to.be.instanceOf(UsageError).and.have.property('code', 'ERR_H2_WRONG_SIDE');
    expect(err.message).to.match(/request\(\) is for clients/);
    expect(server.connection.openOutboundStreams).to.equal(0);
    client.destroy();
    server.destroy();
  });

  it('request() after close(): ERR_H2_GOAWAY, naming close()', async function () {
    const { client, server } = createPair();
    const closed = client.close();
    const err = thrown(() => client.request(GET));
    expect(err).to.be.instanceOf(UsageError).and.have.property('code', 'ERR_H2_GOAWAY');
    expect(err.message).to.match(/after close\(\)/);
    await closed;
    server.destroy();
  });

  it('sendTrailers() twice or after end(): ERR_H2_TRAILERS_SENT', function () {
    const { client, server } = createPair();
    const req = client.request(POST);
    req.sendTrailers([['x-done', '1']]);
    expect(thrown(() => { req.sendTrailers([['x-done', '2']]); })).to.have.property('code', 'ERR_H2_TRAILERS_SENT');
    const other = client.request(POST);
    other.end();
    expect(thrown(() => { other.sendTrailers([['x-done', '1']]); })).to.have.property('code', 'ERR_H2_TRAILERS_SENT');
    client.destroy();
    server.destroy();
  });

  it('a ping whose payload is in flight: ERR_H2_PING_IN_FLIGHT', async function () {
    const { client, server } = createPair();
    const payload = Buffer.from('12345678');
    const first = client.ping(payload);
    const second = await client.ping(payload).then(() => null, (e: unknown) => e);
    expect(second).to.be.instanceOf(UsageError).and.have.property('code', 'ERR_H2_PING_IN_FLIGHT');
    await first;
    client.destroy();
    server.destroy();
  });

  it('unknown H2Duplex, request() and respond() options are a TypeError naming the key (ERR_H2_INVALID_OPTION)', function () {
    const err = thrown(() => new H2Duplex({ idle_timeout: 5 } as never));
    expect(err).to.be.instanceOf(TypeError).and.have.property('code', 'ERR_H2_INVALID_OPTION');
    expect(err.message).to.match(/'idle_timeout'.*'idleTimeout'/);
    const { client, server } = createPair();
    expect(thrown(() => client.request(GET, { endstream: true } as never))).to.have.property('code', 'ERR_H2_INVALID_OPTION');
    expect(thrown(() => new H2Duplex({ idleTimeout: -1 }))).to.be.instanceOf(RangeError).and.have.property('code', 'ERR_H2_OUT_OF_RANGE');
    // Not an options object at all (h2's positional end_stream, a null): named, not a bare TypeError.
    expect(thrown(() => client.request(GET, true as never))).to.be.instanceOf(TypeError).and.have.property('code', 'ERR_H2_INVALID_OPTION');
    expect(thrown(() => new H2Duplex(null as never))).to.have.property('code', 'ERR_H2_INVALID_OPTION');
    client.destroy();
    server.destroy();
  });
});

describe('H2Duplex lifecycle: wrong shapes and limits name themselves', function () {
  it("headers that are neither node:http2's object nor pairs get ERR_H2_INVALID_ARG, not 'headers is not iterable'", async function () {
    const { client, server } = createPair();
    const err = thrown(() => client.request('GET /' as never));
    expect(err).to.be.instanceOf(TypeError).and.have.property('code', 'ERR_H2_INVALID_ARG');
    expect(err.message).to.match(/\[name, value\] pairs/);
    const answered = new Promise<Error>((resolve) => {
      server.on('stream', (stream: H2Stream) => {
        resolve(thrown(() => { stream.respond(200 as never); }));
        stream.respond({ ':status': 204 });
      });
    });
    await collect(client.request(GET, { endStream: true }));
    expect(await answered).to.have.property('code', 'ERR_H2_INVALID_ARG');
  });

  it('a stream we reset has the code we sent in rstCode, as with node:http2', function () {
    const { client, server } = createPair();
    const req = client.request(POST);
    req.close(ErrorCodes.CANCEL);
    expect(req.rstCode).to.equal(ErrorCodes.CANCEL);
    client.destroy();
    server.destroy();
  });

  it('pings beyond maxOutstandingPings reject with ERR_H2_MAX_PENDING_PINGS', async function () {
    const { client, server } = createPair({ client: { config: { maxOutstandingPings: 1 } } });
    const first = client.ping();
    const second = await client.ping().then(() => null, (e: unknown) => e);
    expect(second).to.have.property('code', 'ERR_H2_MAX_PENDING_PINGS');
    await first;
    client.destroy();
    server.destroy();
  });
});

describe('H2Duplex lifecycle: streamIdleTimeout', function () {
  it("resets a request the peer opened and left silent: 'timeout', then RST_STREAM(CANCEL) (createPair)", async function () {
    const { client, server } = createPair({ server: { streamIdleTimeout: 60 } });
    const events: string[] = [];
    server.on('stream', (stream: H2Stream) => {
      stream.on('timeout', () => events.push('timeout'));
      stream.on('close', () => events.push(`close rstCode=${String(stream.rstCode)}`));
    });
    const req = client.request(POST); // no END_STREAM, no body: silent
    const err = await next<StreamResetError>(req, 'error');
    expect(err).to.be.instanceOf(StreamResetError);
    expect(err.errorCode).to.equal(ErrorCodes.CANCEL);
    expect(err.remote).to.equal(true);
    expect(events).to.deep.equal(['timeout', `close rstCode=${ErrorCodes.CANCEL}`]);
    expect(server.stats.openStreams).to.equal(0);
    client.destroy();
    server.destroy();
  });

  it('leaves a stream alone while something moves on it, and is off on clients', async function () {
    const { client, server } = createPair({ server: { streamIdleTimeout: 60 }, client: { streamIdleTimeout: 10 } });
    const served = new Promise<string>((resolve) => {
      server.on('stream', (stream: H2Stream) => {
        void collect(stream).then((body) => {
          stream.respond([[':status', '200']]);
          stream.end();
          resolve(body.toString());
        });
      });
    });
    const req = client.request(POST);
    req.on('error', () => undefined);
    // A chunk every 20 ms for 300 ms: five times the timeout, never 60 ms quiet.
    for (let i = 0; i < 15; i++) {
      req.write('.');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    req.end();
    expect(await served).to.equal('.'.repeat(15));
    await collect(req);
    expect(req.rstCode).to.equal(undefined);
    client.destroy();
    server.destroy();
  });

  it('over TCP: a silent request is reset, and the connection still serves a fresh one', async function () {
    const { client, stop } = await tcpPair({ streamIdleTimeout: 60 }, (stream) => {
      stream.on('error', () => undefined);
      void collect(stream).then(() => {
        if (stream.destroyed) return;
        stream.respond([[':status', '200']]);
        stream.end('fresh');
      });
    });
    try {
      const silent = client.request(POST);
      const err = await next<StreamResetError>(silent, 'error');
      expect(err.errorCode).to.equal(ErrorCodes.CANCEL);
      expect((await collect(client.request(GET, { endStream: true }))).toString()).to.equal('fresh');
    } finally {
      stop();
    }
  });
});

describe('H2Duplex lifecycle: a graceful close keeps answering until the peer has seen it', function () {
  it("server.close() on an idle connection with the client's PING in flight: one GOAWAY(NO_ERROR), the ping resolves (createPair)", async function () {
    const { client, server } = createPair();
    await client.ping(); // both prefaces done
    const goaways: number[] = [];
    client.on('goaway', (code: number) => goaways.push(code));
    const ping = client.ping();
    const closed = server.close(); // crosses the PING
    const rtt = await ping;
    await closed;
    expect(rtt).to.be.a('number');
    expect(goaways).to.deep.equal([ErrorCodes.NO_ERROR]);
  });

  it('the same over TCP, and the server still ends its side', async function () {
    const { client, servers, stop } = await tcpPair();
    try {
      await client.ping();
      const goaways: number[] = [];
      client.on('goaway', (code: number) => goaways.push(code));
      const [server] = servers;
      if (server === undefined) throw new Error('no server connection');
      const ping = client.ping();
      const closed = server.close();
      expect(await ping).to.be.a('number');
      await closed;
      await new Promise((resolve) => (client.readableEnded ? resolve(undefined) : client.once('end', resolve)));
      expect(goaways).to.deep.equal([ErrorCodes.NO_ERROR]);
    } finally {
      stop();
    }
  });

  it('a peer that never answers the fence PING does not hold the close past goawayCloseTimeout', async function () {
    const server = new H2Duplex({ config: { clientSide: false }, goawayCloseTimeout: 50 });
    server.resume();
    server.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0])]));
    await server.close(); // resolves although nothing answers
    expect(server.readableEnded || server.destroyed).to.equal(true);
    server.destroy();
  });
});
