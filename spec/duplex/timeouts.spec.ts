/**
 * H2Duplex's time budgets (notes/dos-defences.md §4 #10, #22-#26), with short timeouts.
 */
import { expect } from 'chai';
import { createPair, ErrorCodes, H2Duplex, type H2Stream, UsageError } from '../../src/index.js';
import { GoAwayFrame } from '../../src/frame/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { framesIn } from '../helpers/frame-factory.js';
import { collect, next } from '../helpers/streams.js';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const GET: Array<[string, string]> = [[':method', 'GET'], [':path', '/'], [':scheme', 'http'], [':authority', 't']];

/** The GOAWAY frames in a byte stream. */
function goaways(bytes: Buffer): GoAwayFrame[] {
  return framesIn(bytes).filter((f) => f instanceof GoAwayFrame);
}

/** A server duplex fed raw bytes, with its output collected. */
function rawServer(options: ConstructorParameters<typeof H2Duplex>[0]) {
  const server = new H2Duplex({ ...options, config: { clientSide: false } });
  const chunks: Buffer[] = [];
  server.on('data', (d: Buffer) => chunks.push(d));
  return { server, output: () => Buffer.concat(chunks) };
}

describe('H2Duplex: time budgets', function () {
  it('destroys a server connection whose client sends no preface (prefaceTimeout), without GOAWAY', async function () {
    const { server, output } = rawServer({ prefaceTimeout: 40 });
    await new Promise((resolve) => server.once('close', resolve));
    expect(goaways(output())).to.have.length(0);
  });

  it('sends GOAWAY(SETTINGS_TIMEOUT) when our SETTINGS are not acknowledged (settingsAckTimeout)', async function () {
    const { server, output } = rawServer({ settingsAckTimeout: 40 });
    server.write(Buffer.concat([PREFACE, rawFrame(4, 0, 0)]));
    await next(server, 'end');
    const [g] = goaways(output());
    expect(g?.errorCode).to.equal(ErrorCodes.SETTINGS_TIMEOUT);
  });

  it('sends GOAWAY(ENHANCE_YOUR_CALM, "header_timeout") for a header block left open (headerBlockTimeout)', async function () {
    const { server, output } = rawServer({ headerBlockTimeout: 40 });
    server.on('stream', () => {
      /* never reached */
    });
    // HEADERS without END_HEADERS, then silence; the SETTINGS ACK keeps settingsAckTimeout out of it.
    server.write(Buffer.concat([PREFACE, rawFrame(4, 0, 0), rawFrame(4, 1, 0), rawFrame(1, 0x1, 1, '8284')]));
    await next(server, 'end');
    const [g] = goaways(output());
    expect(g?.errorCode).to.equal(ErrorCodes.ENHANCE_YOUR_CALM);
    expect(Buffer.from(g?.additionalData ?? []).toString()).to.equal('header_timeout');
  });

  it('closes an idle connection gracefully (idleTimeout)', async function () {
    const { client, server } = createPair({ server: { idleTimeout: 60 } });
    server.on('stream', (stream: H2Stream) => {
      stream.respond([[':status', '200']]);
      stream.end('ok');
    });
    expect((await collect(client.request(GET, { endStream: true }))).toString()).to.equal('ok');
    const code = await next<number>(client, 'goaway');
    expect(code).to.equal(ErrorCodes.NO_ERROR);
    expect(server.connection.draining).to.equal(true);
  });

  it('ends an idle connection that never opened a stream: GOAWAY, end of output, destroyed if the peer stays (idleTimeout, goawayCloseTimeout)', async function () {
    // A stream-less connection is CLOSED by its GOAWAY, not draining: its output used to stay
    // open, so a peer that kept the socket open after the GOAWAY held it forever.
    const { server, output } = rawServer({ idleTimeout: 50, goawayCloseTimeout: 80 });
    server.write(Buffer.concat([PREFACE, rawFrame(4, 0, 0), rawFrame(4, 1, 0)]));
    await next(server, 'end');
    const g = goaways(output());
    expect(g).to.have.length(1);
    expect(g[0]?.errorCode).to.equal(ErrorCodes.NO_ERROR);
    // The peer never closes its side: goawayCloseTimeout ends the connection.
    await new Promise((resolve) => server.once('close', resolve));
    expect(server.destroyed).to.equal(true);
  });

  it('resolves close() on a connection that never opened a stream, and ends its output', async function () {
    const client = new H2Duplex({ goawayCloseTimeout: 30 });
    const chunks: Buffer[] = [];
    client.on('data', (d: Buffer) => chunks.push(d));
    const ended = next(client, 'end');
    await client.close();
    await ended;
    expect(goaways(Buffer.concat(chunks).subarray(24))).to.have.length(1);
    await new Promise((resolve) => client.once('close', resolve));
  });

  it('destroys the connection after an error GOAWAY the peer does not read (goawayCloseTimeout)', async function () {
    const server = new H2Duplex({ config: { clientSide: false }, goawayCloseTimeout: 40, highWaterMark: 16 });
    // Nobody reads the output: the GOAWAY stays queued, the timer still ends the connection.
    server.write(Buffer.concat([PREFACE, rawFrame(4, 0, 0), rawFrame(0, 0, 0, '00')]));
    // Not events.once(): it listens for 'error' too, and a listener makes the duplex emit it.
    await new Promise((resolve) => server.once('close', resolve));
    expect(server.destroyed).to.equal(true);
  });

  it('closes gracefully after maxStreamsPerConnection requests; later requests are retryable', async function () {
    const { client, server } = createPair({ server: { maxStreamsPerConnection: 2 } });
    server.on('stream', (stream: H2Stream) => {
      stream.respond([[':status', '200']]);
      stream.end(`s${stream.id}`);
    });
    const goaway = next(client, 'goaway');
    const first = await collect(client.request(GET, { endStream: true }));
    const second = await collect(client.request(GET, { endStream: true }));
    expect([first.toString(), second.toString()]).to.deep.equal(['s1', 's3']);
    await goaway;
    expect(() => client.request(GET, { endStream: true })).to.throw(UsageError).with.property('code', 'ERR_H2_GOAWAY');
  });

  it('rejects invalid timeout options', function () {
    expect(() => new H2Duplex({ idleTimeout: -1 })).to.throw(RangeError);
    const off = new H2Duplex({ idleTimeout: 0, settingsAckTimeout: Infinity, headerBlockTimeout: 0, goawayCloseTimeout: 0 });
    off.destroy();
  });
});
