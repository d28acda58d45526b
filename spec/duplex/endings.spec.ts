/**
 * How streams and connections end: resets either way, destroy(), GOAWAY (graceful and not),
 * close(), peer protocol errors and EOF in the middle of a frame.
 */
import { expect } from 'chai';
import { PassThrough } from 'readable-stream';
import {
  ConnectionClosedError,
  createPair,
  ErrorCodes,
  H2Duplex,
  type H2Stream,
  ProtocolError,
  StreamResetError,
  UsageError,
} from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { collect, next } from '../helpers/streams.js';

const GET: Array<[string, string]> = [[':method', 'GET'], [':path', '/'], [':scheme', 'http'], [':authority', 'pair']];
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

function serverStream(server: H2Duplex): Promise<H2Stream> {
  return new Promise((resolve) => server.once('stream', (s: H2Stream) => resolve(s)));
}

describe('H2Stream and H2Duplex: endings', function () {
  it('destroys a stream the peer reset with a StreamResetError carrying the code', async function () {
    const { client, server } = createPair();
    const incoming = serverStream(server);
    const req = client.request(GET);
    const resets: Array<[number, boolean]> = [];
    req.on('reset', (code, remote) => resets.push([code, remote]));
    (await incoming).close(ErrorCodes.ENHANCE_YOUR_CALM);
    const err = await next<StreamResetError>(req, 'error');
    expect(err).to.be.instanceOf(StreamResetError);
    expect(err.errorCode).to.equal(ErrorCodes.ENHANCE_YOUR_CALM);
    expect(err.remote).to.equal(true);
    expect(err.retryable).to.equal(false);
    expect(resets).to.deep.equal([[ErrorCodes.ENHANCE_YOUR_CALM, true]]);
  });

  it('ends (without error) a stream the peer reset with NO_ERROR after responding', async function () {
    const { client, server } = createPair();
    server.on('stream', (stream: H2Stream) => {
      stream.respond([[':status', '200']]);
      stream.end('done early');
      // "Stop sending the request body" (RFC 9113 §8.1).
      stream.once('finish', () => setImmediate(() => stream.close(ErrorCodes.NO_ERROR)));
    });
    // A GET ends with its headers by default (node:http2's rule): this one sends a body.
    const req = client.request(GET, { endStream: false });
    req.write('a body the server does not want');
    const resets: Array<[number, boolean]> = [];
    req.on('reset', (code, remote) => resets.push([code, remote]));
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    // Not collect(): its async iterator destroys the half-written request when reading ends.
    await next(req, 'end');
    expect(body).to.equal('done early');
    await next(req, 'finish');
    expect(resets).to.deep.equal([[ErrorCodes.NO_ERROR, true]]);
    expect(req.errored).to.equal(null);
  });

  it('sends RST_STREAM(CANCEL) when a client destroys its request', async function () {
    const { client, server } = createPair();
    const incoming = serverStream(server);
    const req = client.request(GET);
    const stream = await incoming;
    req.destroy();
    const err = await next<StreamResetError>(stream, 'error');
    expect(err.errorCode).to.equal(ErrorCodes.CANCEL);
  });

  it('fails streams above the GOAWAY last-stream-id as retryable; the others finish', async function () {
    const { client, server } = createPair();
    server.on('stream', (stream: H2Stream) => {
      setImmediate(() => {
        stream.respond([[':status', '200']]);
        stream.end('first');
      });
    });
    const first = client.request(GET, { endStream: true });
    await next(server, 'stream');
    // GOAWAY(last = 1) and the client's stream 3 cross on the wire.
    const closed = server.close();
    const second = client.request(GET, { endStream: true });
    const err = await next<StreamResetError>(second, 'error');
    expect(err).to.be.instanceOf(StreamResetError);
    expect(err.errorCode).to.equal(ErrorCodes.REFUSED_STREAM);
    expect(err.retryable).to.equal(true);
    expect((await collect(first)).toString()).to.equal('first');
    await closed;
    expect(() => client.request(GET)).to.throw(UsageError).with.property('code', 'ERR_H2_GOAWAY');
  });

  it('closes gracefully: close() waits for open streams, then ends the output', async function () {
    const { client, server } = createPair();
    let respond: (() => void) | null = null;
    server.on('stream', (stream: H2Stream) => {
      respond = () => {
        stream.respond([[':status', '200']]);
        stream.end('late but complete');
      };
    });
    const req = client.request(GET, { endStream: true });
    await next(server, 'stream');
    let closed = false;
    const closing = client.close().then(() => (closed = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(closed).to.equal(false);
    (respond as unknown as () => void)();
    expect((await collect(req)).toString()).to.equal('late but complete');
    await closing;
    expect(closed).to.equal(true);
  });

  it('fails open streams at once on close() with an error code', async function () {
    const { client, server } = createPair();
    server.on('stream', () => {
      /* never answers */
    });
    const req = client.request(GET, { endStream: true });
    const goaway = next<number>(server, 'goaway');
    await next(server, 'stream');
    const failed = next<ConnectionClosedError>(req, 'error');
    void client.close(ErrorCodes.INTERNAL_ERROR);
    const err = await failed;
    expect(err).to.be.instanceOf(ConnectionClosedError);
    expect(err.errorCode).to.equal(ErrorCodes.INTERNAL_ERROR);
    expect(await goaway).to.equal(ErrorCodes.INTERNAL_ERROR);
  });

  it('answers garbage with GOAWAY, lingers until the peer closes, then fails with the ProtocolError', async function () {
    const server = new H2Duplex({ config: { clientSide: false } });
    const chunks: Buffer[] = [];
    server.on('data', (d: Buffer) => chunks.push(d));
    const ended = next(server, 'end');
    const error = next<ProtocolError>(server, 'error');
    server.write(Buffer.concat([PREFACE, rawFrame(4, 0, 0), rawFrame(0, 0, 0, '00')]));
    await ended;
    // The last frame out is GOAWAY(PROTOCOL_ERROR), and our output ends after it.
    expect(Buffer.concat(chunks).subarray(-17).toString('hex')).to.equal('0000080700000000000000000000000001');
    // Input is still taken (and discarded) so the peer can read the GOAWAY before any close.
    expect(server.destroyed).to.equal(false);
    expect(server.write(Buffer.alloc(1000, 0xff))).to.equal(true);
    server.end(); // the peer closes its side
    const err = await error;
    expect(err).to.be.instanceOf(ProtocolError);
  });

  it('ends the linger after goawayCloseTimeout when the peer never closes', async function () {
    const server = new H2Duplex({ config: { clientSide: false }, goawayCloseTimeout: 50 });
    server.resume();
    let failure: unknown = null;
    server.on('error', (err: Error) => {
      failure = err;
    });
    const closed = new Promise((resolve) => server.once('close', resolve));
    server.write(Buffer.concat([PREFACE, rawFrame(4, 0, 0), rawFrame(0, 0, 0, '00')]));
    await closed;
    expect(server.destroyed).to.equal(true);
    expect(failure).to.be.instanceOf(ProtocolError);
  });

  it('after a GOAWAY for a spent DoS budget, takes no more input: the transport is not read again until the linger ends', async function () {
    const server = new H2Duplex({ config: { clientSide: false, glitchRateLimit: { burst: 10, perSecond: 0 } }, goawayCloseTimeout: 200 });
    const chunks: Buffer[] = [];
    server.on('data', (d: Buffer) => chunks.push(d));
    let failure: unknown = null;
    server.on('error', (err: Error) => {
      failure = err;
    });
    const closed = new Promise((resolve) => server.once('close', resolve));
    // Eleven unknown frames: one glitch over the burst.
    const unknown = rawFrame(0xee, 0, 0, '00');
    server.write(Buffer.concat([PREFACE, rawFrame(4, 0, 0), ...Array.from({ length: 11 }, () => unknown)]));
    await new Promise((resolve) => setImmediate(resolve));
    // The last frame out: GOAWAY (type 7) whose debug data names the budget.
    const out = Buffer.concat(chunks);
    expect(out.subarray(-17).toString('latin1')).to.equal('too_many_glitches');
    expect(out[out.length - 8 - 17 - 9 + 3], 'frame type').to.equal(7);
    // The next write is held (its callback never runs), so a pipe stops reading the source.
    let taken = false;
    server.write(Buffer.alloc(1000, 0xff), () => {
      taken = true;
    });
    for (let i = 0; i < 100 && server.writableLength < server.writableHighWaterMark; i++) server.write(Buffer.alloc(1000, 0xff));
    expect(server.write(Buffer.alloc(1000, 0xff)), 'backpressure to the transport').to.equal(false);
    expect(taken).to.equal(false);
    expect(server.destroyed).to.equal(false);
    await closed;
    expect(failure).to.have.property('debugData').that.satisfies((d: unknown) => String(d) === 'too_many_glitches');
  });

  it('after a DoS GOAWAY with goawayCloseTimeout off, still ends the linger (100 ms): the held input never reads the peer\'s close', async function () {
    const server = new H2Duplex({ config: { clientSide: false, glitchRateLimit: { burst: 10, perSecond: 0 } }, goawayCloseTimeout: 0, ackTimeout: 100 });
    server.resume();
    server.on('error', () => undefined);
    const closed = new Promise((resolve) => server.once('close', resolve));
    server.write(Buffer.concat([PREFACE, rawFrame(4, 0, 0), ...Array.from({ length: 11 }, () => rawFrame(0xee, 0, 0, '00'))]));
    server.write(Buffer.alloc(100, 0xff));
    await closed;
    expect(server.destroyed).to.equal(true);
  });

  it('after a DoS GOAWAY, closes a peer that does not read our output 100 ms later; one that reads keeps the whole goawayCloseTimeout', async function () {
    const flood = Buffer.concat([PREFACE, rawFrame(4, 0, 0), ...Array.from({ length: 11 }, () => rawFrame(0xee, 0, 0, '00'))]);
    const attack = (reads: boolean): H2Duplex => {
      const server = new H2Duplex({ config: { clientSide: false, glitchRateLimit: { burst: 10, perSecond: 0 } }, goawayCloseTimeout: 600 });
      server.on('error', () => undefined);
      if (reads) server.resume(); // else our output stays in the readable side: not taken
      server.write(flood);
      return server;
    };
    const notReading = attack(false);
    const reading = attack(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(notReading.destroyed, 'a peer that does not read: closed after ~100 ms').to.equal(true);
    expect(reading.destroyed, 'a peer that reads: still lingering').to.equal(false);
    await new Promise((resolve) => reading.once('close', resolve));
  });

  it('fails open streams when the transport ends in the middle of a frame', async function () {
    const client = new H2Duplex();
    const wire = new PassThrough();
    wire.pipe(client);
    client.resume();
    const req = client.request(GET, { endStream: true });
    wire.write(rawFrame(4, 0, 0));
    wire.end(rawFrame(0, 0, 1, Buffer.from('abcdef')).subarray(0, 12));
    const err = await next<ConnectionClosedError>(req, 'error');
    expect(err).to.be.instanceOf(ConnectionClosedError);
  });

  it('has the socket-like members code written for net.Socket touches', async function () {
    const { client, server } = createPair();
    server.on('stream', () => {
      /* silent */
    });
    const req = client.request(GET);
    expect(req.setNoDelay(true)).to.equal(req);
    expect(req.setKeepAlive(true, 1000)).to.equal(req);
    const timedOut = new Promise<void>((resolve) => req.setTimeout(30, resolve));
    await timedOut;
    expect(req.destroyed).to.equal(false);
    req.close();
  });
});
