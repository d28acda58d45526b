/**
 * Backpressure is flow control: inbound DATA is acknowledged only when the consumer reads it,
 * so a consumer that stops reading stops the sender within one window; outbound writes wait
 * for window and for the transport.
 */
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import sinon from 'sinon';
import { createPair, ErrorCodes, H2Duplex, type H2Stream, SettingCodes } from '../../src/index.js';
import { next } from '../helpers/streams.js';

const POST: Array<[string, string]> = [[':method', 'POST'], [':path', '/upload'], [':scheme', 'http'], [':authority', 'pair']];
const STREAM_WINDOW = 64 * 1024;
const CHUNK = Buffer.alloc(16 * 1024, 7);

const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

/** Writes CHUNKs forever (until stopped), honouring write() === false; counts accepted bytes. */
function writeForever(stream: H2Stream): { accepted: () => number; falseAfter: () => number | null; stop: () => void } {
  let accepted = 0;
  let written = 0;
  let falseAfter: number | null = null;
  let stopped = false;
  const pump = (): void => {
    while (!stopped) {
      written += CHUNK.length;
      const ok = stream.write(CHUNK, () => {
        accepted += CHUNK.length;
      });
      if (!ok) {
        falseAfter ??= written;
        stream.once('drain', pump);
        return;
      }
    }
  };
  pump();
  return { accepted: () => accepted, falseAfter: () => falseAfter, stop: () => (stopped = true) };
}

/** A server writer parked on a shut window: the client's 1000-octet window is used up and it does not read. */
async function parkedOnWindow(): Promise<{ client: H2Duplex; server: H2Duplex; req: H2Stream }> {
  const { client, server } = createPair({ client: { settings: { [SettingCodes.INITIAL_WINDOW_SIZE]: 1000 } } });
  server.on('stream', (stream: H2Stream) => {
    stream.respond([[':status', '200']]);
    stream.end(Buffer.alloc(1 << 20));
  });
  const req = client.request([[':method', 'GET'], [':path', '/'], [':scheme', 'http'], [':authority', 'pair']], { endStream: true });
  req.pause();
  await next(req, 'response');
  await settle();
  return { client, server, req };
}

describe('H2Duplex backpressure', function () {
  it('stops a sender within one stream window while the consumer does not read, resumes on read', async function () {
    const { client, server } = createPair({ server: { settings: { [SettingCodes.INITIAL_WINDOW_SIZE]: STREAM_WINDOW } } });
    const incoming = next<H2Stream>(server, 'stream');
    const req = client.request(POST);
    const writer = writeForever(req);
    const stream = await incoming;
    await settle();
    // Sent = what the core took: at most the stream window (+ nothing more until a read).
    const firstAccepted = writer.accepted();
    expect(writer.falseAfter()).to.not.equal(null);
    expect(firstAccepted).to.be.at.most(STREAM_WINDOW + CHUNK.length);
    expect(client.connection.localFlowControlWindow(req.id)).to.equal(0);
    await settle();
    expect(writer.accepted()).to.equal(firstAccepted);
    // Nothing was acknowledged: the server still holds every byte it received.
    expect(stream.readableLength).to.be.at.most(STREAM_WINDOW);
    // Reading opens the window again and the sender moves on.
    let read = 0;
    stream.on('data', (d: Buffer) => (read += d.length));
    await settle();
    expect(writer.accepted()).to.be.greaterThan(firstAccepted + STREAM_WINDOW);
    writer.stop();
    req.end();
    await next(stream, 'end');
    expect(read).to.equal(writer.accepted());
  });

  it('moves 32 MiB intact through a consumer that reads in slow bursts', async function () {
    this.timeout(60_000);
    const { client, server } = createPair();
    const total = 32 * 1024 * 1024;
    const sent = createHash('sha256');
    const received = createHash('sha256');
    let receivedBytes = 0;
    let peakBuffered = 0;
    server.on('stream', (stream: H2Stream) => {
      stream.pause();
      const tick = setInterval(() => {
        peakBuffered = Math.max(peakBuffered, stream.readableLength);
        let chunk: Buffer | null;
        while ((chunk = stream.read() as Buffer | null) !== null) {
          received.update(chunk);
          receivedBytes += chunk.length;
        }
      }, 1);
      stream.on('end', () => {
        clearInterval(tick);
        stream.respond([[':status', '204']], { endStream: true });
      });
    });
    const req = client.request(POST);
    const block = Buffer.alloc(100_000);
    for (let offset = 0; offset < total; ) {
      const n = Math.min(block.length, total - offset);
      for (let i = 0; i < n; i++) block[i] = (offset + i) % 251;
      const piece = n === block.length ? Buffer.from(block) : Buffer.from(block.subarray(0, n));
      sent.update(piece);
      offset += n;
      if (!req.write(piece)) await next(req, 'drain');
    }
    req.end();
    const response = next(req, 'response');
    req.resume();
    await response;
    expect(receivedBytes).to.equal(total);
    expect(received.digest('hex')).to.equal(sent.digest('hex'));
    // The receiver never buffered more than its stream window (adapter default 256 KiB).
    expect(peakBuffered).to.be.at.most(256 * 1024);
  });

  it('stops stream writers while the transport does not take the output', async function () {
    const client = new H2Duplex({ highWaterMark: 64 * 1024 });
    const server = new H2Duplex({ config: { clientSide: false }, connectionWindowSize: 1 << 30, settings: { [SettingCodes.INITIAL_WINDOW_SIZE]: (1 << 30) } });
    // Only the client -> server direction flows; the client's readable side is the "socket".
    server.pipe(client);
    const req = client.request(POST);
    const writer = writeForever(req);
    await settle();
    // The client's output is not read by anyone: writers stop at about its high-water mark.
    expect(client.readableLength).to.be.at.most(64 * 1024 + 32 * 1024);
    const stalled = writer.accepted();
    await settle();
    expect(writer.accepted()).to.equal(stalled);
    writer.stop();
    client.destroy();
    server.destroy();
  });

  it('holds input waiting to be parsed to 64 KiB (or highWaterMark, if smaller) before the transport stops being read', async function () {
    expect(new H2Duplex().writableHighWaterMark).to.equal(64 * 1024);
    expect(new H2Duplex({ highWaterMark: 16 * 1024 }).writableHighWaterMark).to.equal(16 * 1024);
    // Nobody reads the PING ACKs: the input is held, and write() says stop once 64 KiB wait.
    const server = new H2Duplex({ config: { clientSide: false }, highWaterMark: 4096 });
    server.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from('000000040000000000', 'hex')]));
    const pings = Buffer.concat(Array.from({ length: 1000 }, () => Buffer.from('000008060000000000' + '0102030405060708', 'hex')));
    let writes = 0;
    while (server.write(pings) && writes < 100) writes++;
    await settle();
    expect(writes).to.be.below(10);
    expect(server.writableLength).to.be.at.most(64 * 1024 + pings.length);
    server.destroy();
  });

  it("answers write() with true for a chunk of 64 KiB or more that the core took at once (a piped socket is not paused around every read)", function () {
    // performance.now() stands still: parsing never passes the 1 ms a turn allows, however slow the machine.
    const clock = sinon.useFakeTimers({ toFake: ['performance'] });
    const server = new H2Duplex({ config: { clientSide: false } });
    try {
      server.resume();
      // Preface, SETTINGS, and four frames of an unknown type (ignored, RFC 9113 §5.5) of 16 KiB each.
      const unknown = Buffer.concat([Buffer.from('004000fa0000000000', 'hex'), Buffer.alloc(16384)]);
      const chunk = Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from('000000040000000000', 'hex'), unknown, unknown, unknown, unknown]);
      expect(chunk.length).to.be.at.least(server.writableHighWaterMark);
      expect(server.write(chunk)).to.equal(true);
      expect(server.writableLength).to.equal(0);
      expect(server.write(chunk.subarray(33))).to.equal(true);
      server.destroy();
      // As Writable's: false once the duplex is destroyed, whatever is queued.
      expect(server.write(chunk.subarray(33))).to.equal(false);
    } finally {
      server.destroy();
      clock.restore();
    }
  });

  it('refuses new streams while the connection holds more than maxSessionMemory, serves them again once it drains', async function () {
    const { client, server } = createPair({ server: { maxSessionMemory: 256 * 1024 } });
    const GET: Array<[string, string]> = [[':method', 'GET'], [':path', '/'], [':scheme', 'http'], [':authority', 'pair']];
    server.on('stream', (stream: H2Stream) => {
      // A handler that ignores backpressure: 512 KiB sits in the stream's writable buffer.
      stream.respond([[':status', '200']]);
      stream.end(Buffer.alloc(512 * 1024, 1));
    });
    const big = client.request(GET, { endStream: true });
    await next(big, 'response');
    await settle();
    expect(server.sessionMemory).to.be.above(256 * 1024);
    const refused = client.request(GET, { endStream: true });
    const code = await new Promise<number>((resolve) => refused.on('close', () => resolve(refused.rstCode ?? -1)));
    refused.on('error', () => undefined);
    expect(code).to.equal(ErrorCodes.REFUSED_STREAM);
    // The client reads the body: the server's buffers drain and it takes streams again.
    let body = 0;
    big.on('data', (d: Buffer) => (body += d.length));
    await next(big, 'end');
    expect(body).to.equal(512 * 1024);
    await settle();
    expect(server.sessionMemory).to.be.below(256 * 1024);
    const served = client.request(GET, { endStream: true });
    const [headers] = await next<[Array<[string, string]>]>(served, 'response').then((h) => [h]);
    expect(headers).to.not.equal(undefined);
    served.resume();
    await next(served, 'end');
    client.destroy();
    server.destroy();
  });

  it('does not poll a writer that waits for flow-control window (no busy loop while the peer keeps it shut)', async function () {
    const { client, server, req } = await parkedOnWindow();
    // The server's writer is parked on a shut window: count how often it is asked to send.
    const asked = sinon.spy(server.connection, 'localFlowControlWindow');
    await settle();
    expect(asked.callCount, 'window checks while nothing can change').to.be.at.most(2);
    // A read opens the window, and the writer goes on.
    req.resume();
    await next(req, 'end');
    expect(asked.callCount).to.be.above(2);
    asked.restore();
    client.destroy();
    server.destroy();
  });

  it('does not wake a writer parked for window when other output drains (it waits for WINDOW_UPDATE)', async function () {
    const { client, server } = await parkedOnWindow();
    const asked = sinon.spy(server.connection, 'localFlowControlWindow');
    // Each PING makes the server write an ACK: output that is written and drains, 20 times.
    for (let i = 0; i < 20; i++) await client.ping();
    expect(asked.callCount, 'window checks on output drains').to.be.at.most(2);
    asked.restore();
    client.destroy();
    server.destroy();
  });
});
