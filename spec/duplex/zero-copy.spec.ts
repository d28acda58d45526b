/**
 * Output written straight to a piped transport (TransportWriter): to a socket, DATA payloads
 * are sent from the application's Buffer without a copy, and the write callback waits until
 * the socket has written it, so reusing a Buffer after its callback is safe. Other Writables
 * get copies. pipe()'s promises still hold.
 */
import net from 'node:net';
import { expect } from 'chai';
import { Writable } from 'readable-stream';
import { createPair, H2Duplex, type H2Stream, type IncomingHeaders } from '../../src/index.js';
import { collect, next } from '../helpers/streams.js';

const GET: Array<[string, string]> = [[':method', 'GET'], [':path', '/'], [':scheme', 'http'], [':authority', 'zero-copy']];

/** One write (or writev) the gate received, and whether the gate reported it written. */
interface Batch {
  chunks: Buffer[];
  done: boolean;
}

/**
 * A socket in the middle, behaving as the kernel does: each write is copied at once and the
 * copy forwarded to `to`, but the write is reported done only after `delay()` ms (a socket
 * whose send buffer is full). A net.Socket (never connected), so H2Duplex lends it payloads.
 */
class Gate extends net.Socket {
  readonly batches: Batch[] = [];
  constructor(
    private readonly to: H2Duplex,
    private readonly delay: () => number = () => 2,
  ) {
    super();
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#forward([chunk], callback);
  }
  override _writev(chunks: Array<{ chunk: Buffer; encoding: BufferEncoding }>, callback: (error?: Error | null) => void): void {
    this.#forward(
      chunks.map((c) => c.chunk),
      callback,
    );
  }
  #forward(chunks: Buffer[], callback: (error?: Error | null) => void): void {
    const batch: Batch = { chunks, done: false };
    this.batches.push(batch);
    for (const c of batch.chunks) this.to.write(Buffer.from(c));
    setTimeout(() => {
      batch.done = true;
      callback();
    }, this.delay());
  }
}

/** A client and a server whose server→client direction runs through a Gate. */
function gatedPair(delay?: () => number): { client: H2Duplex; server: H2Duplex; gate: Gate } {
  const client = new H2Duplex();
  const server = new H2Duplex({ config: { clientSide: false } });
  client.pipe(server);
  const gate = new Gate(client, delay);
  server.pipe(gate);
  return { client, server, gate };
}

/** Starts `tcp` on 127.0.0.1 and connects an H2Duplex client to it over TCP. */
async function connectTo(tcp: net.Server): Promise<{ client: H2Duplex; socket: net.Socket }> {
  tcp.listen(0, '127.0.0.1');
  await next(tcp, 'listening');
  const { port } = tcp.address() as net.AddressInfo;
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  const client = new H2Duplex();
  socket.pipe(client).pipe(socket);
  return { client, socket };
}

/** A GET from `client`, answered with a 200 by `server`: the request and the response stream, body not written yet. */
async function exchange(client: H2Duplex, server: H2Duplex): Promise<{ req: H2Stream; stream: H2Stream }> {
  const incoming = next<H2Stream>(server, 'stream');
  const req = client.request(GET, { endStream: true });
  const stream = await incoming;
  stream.respond([[':status', '200']]);
  return { req, stream };
}

/**
 * 20 concurrent GETs; each response is 10 writes of 5–30 KiB from one Buffer the server
 * reuses after every write callback, filled per write with a byte naming the stream and the
 * write. Checks every body; returns the reused Buffers.
 */
async function reuseAcrossStreams(client: H2Duplex, server: H2Duplex): Promise<Buffer[]> {
  const plans = new Map<string, number[]>();
  const buffers: Buffer[] = [];
  server.on('stream', (stream: H2Stream, headers: IncomingHeaders) => {
    const path = headers[':path'] ?? '';
    const sizes = plans.get(path) ?? [];
    stream.respond([[':status', '200']]);
    const reused = Buffer.alloc(30 * 1024);
    buffers.push(reused);
    void (async () => {
      for (const [i, size] of sizes.entries()) {
        reused.fill((Number(path.slice(1)) * 16 + i) & 0xff);
        await new Promise<void>((resolve, reject) => stream.write(reused.subarray(0, size), (e) => (e ? reject(e) : resolve())));
      }
      stream.end();
    })();
  });
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const results = await Promise.all(
    Array.from({ length: 20 }, async (_, k) => {
      const path = `/${k}`;
      const sizes = Array.from({ length: 10 }, () => 5 * 1024 + random(25 * 1024));
      plans.set(path, sizes);
      const body = await collect(client.request([[':method', 'GET'], [':path', path], [':scheme', 'http'], [':authority', 'zero-copy']], { endStream: true }));
      return { k, sizes, body };
    }),
  );
  for (const { k, sizes, body } of results) {
    expect(body.length, `stream ${k} length`).to.equal(sizes.reduce((a, b) => a + b, 0));
    let at = 0;
    for (const [i, size] of sizes.entries()) {
      const want = (k * 16 + i) & 0xff;
      expect(body.subarray(at, at + size).every((b) => b === want), `stream ${k} write ${i}`).to.equal(true);
      at += size;
    }
  }
  return buffers;
}

/** True when `chunk` is a view of `owner`'s memory (not a copy). */
function sharesMemory(chunk: Buffer, owner: Buffer): boolean {
  return chunk.buffer === owner.buffer && chunk.byteOffset >= owner.byteOffset && chunk.byteOffset + chunk.length <= owner.byteOffset + owner.length;
}

describe('H2Duplex: zero-copy output to a piped transport', function () {
  it('sends a large payload from the written Buffer and calls back only after the transport wrote it', async function () {
    const { client, server, gate } = gatedPair(() => 20);
    const body = Buffer.alloc(40 * 1024, 0x42);
    const { req, stream } = await exchange(client, server);
    const calledBack = new Promise<void>((resolve) => {
      stream.end(body, () => {
        // Every batch that carried the body's memory was reported written before this.
        const lent = gate.batches.filter((b) => b.chunks.some((c) => sharesMemory(c, body)));
        expect(lent.length).to.be.above(0);
        expect(lent.every((b) => b.done)).to.equal(true);
        resolve();
      });
    });
    const received = await collect(req);
    await calledBack;
    expect(received.equals(body)).to.equal(true);
    client.destroy();
    server.destroy();
  });

  it('sends what was written even when the application reuses its Buffer after each callback', async function () {
    const { client, server } = gatedPair(() => Math.floor(Math.random() * 4));
    const piece = 20 * 1024 + 7;
    const rounds = 40;
    const { req, stream } = await exchange(client, server);
    const reused = Buffer.alloc(piece);
    void (async () => {
      for (let i = 0; i < rounds; i++) {
        reused.fill(i);
        await new Promise<void>((resolve, reject) => stream.write(reused, (e) => (e ? reject(e) : resolve())));
      }
      stream.end();
    })();
    const received = await collect(req);
    expect(received.length).to.equal(piece * rounds);
    for (let i = 0; i < rounds; i++) {
      const part = received.subarray(i * piece, (i + 1) * piece);
      expect(part.every((b) => b === i), `piece ${i}`).to.equal(true);
    }
    client.destroy();
    server.destroy();
  });

  it('keeps 20 concurrent streams that reuse their Buffers intact through a transport completing writes late', async function () {
    const { client, server } = gatedPair(() => Math.floor(Math.random() * 3));
    await reuseAcrossStreams(client, server);
    client.destroy();
    server.destroy();
  });

  it('copies payloads for a Writable that is not a socket, so reuse through an in-memory pair stays intact', async function () {
    // createPair pipes each H2Duplex into the other: the client's parsed DATA are views of what
    // the server wrote, so a lent Buffer reused after its callback would change unread bytes.
    const { client, server } = createPair();
    const seen: Buffer[] = [];
    const original = client.write.bind(client);
    client.write = ((chunk: Buffer, ...rest: never[]) => {
      seen.push(chunk);
      return original(chunk, ...rest);
    });
    const plans = await reuseAcrossStreams(client, server);
    expect(seen.length).to.be.above(0);
    expect(plans.every((reused) => !seen.some((c) => c.buffer === reused.buffer))).to.equal(true);
    client.destroy();
    server.destroy();
  });

  it('reuses a Buffer safely over TCP too', async function () {
    const tcp = net.createServer((socket) => {
      socket.on('error', () => socket.destroy());
      const h2 = new H2Duplex({ config: { clientSide: false } });
      socket.pipe(h2).pipe(socket);
      h2.on('error', () => socket.destroy());
      socket.on('close', () => h2.destroy());
      h2.on('stream', (stream: H2Stream) => {
        stream.respond([[':status', '200']]);
        const reused = Buffer.alloc(64 * 1024);
        void (async () => {
          for (let i = 0; i < 64; i++) {
            reused.fill(i);
            await new Promise<void>((resolve, reject) => stream.write(reused, (e) => (e ? reject(e) : resolve())));
          }
          stream.end();
        })();
      });
    });
    const { client, socket } = await connectTo(tcp);
    try {
      const received = await collect(client.request(GET, { endStream: true }));
      expect(received.length).to.equal(64 * 64 * 1024);
      for (let i = 0; i < 64; i++) expect(received.subarray(i * 65536, (i + 1) * 65536).every((b) => b === i), `piece ${i}`).to.equal(true);
    } finally {
      client.destroy();
      socket.destroy();
      tcp.close();
    }
  });

  it('hands the transport each flush as one corked batch (one writev)', async function () {
    const { client, server, gate } = gatedPair(() => 0);
    const body = Buffer.alloc(64 * 1024, 1);
    const { req, stream } = await exchange(client, server);
    stream.end(body);
    await collect(req);
    // 64 KiB at the default 16 KiB frame size: frame headers and lent payloads side by side.
    const big = gate.batches.find((b) => b.chunks.filter((c) => sharesMemory(c, body)).length >= 2);
    expect(big, 'a batch holding several payload pieces').to.not.equal(undefined);
    client.destroy();
    server.destroy();
  });

  it('copies payloads when its output is read rather than piped', async function () {
    const client = new H2Duplex();
    const server = new H2Duplex({ config: { clientSide: false } });
    client.pipe(server);
    const body = Buffer.alloc(32 * 1024, 3);
    const seen: Buffer[] = [];
    server.on('data', (chunk: Buffer) => {
      seen.push(chunk);
      client.write(chunk);
    });
    const { req, stream } = await exchange(client, server);
    stream.end(body);
    expect((await collect(req)).equals(body)).to.equal(true);
    expect(seen.some((c) => sharesMemory(c, body))).to.equal(false);
    client.destroy();
    server.destroy();
  });

  it('keeps what pipe() promises: the pipe event, ending the destination, { end: false }, unpipe()', async function () {
    const make = () => {
      const got: Buffer[] = [];
      const dest = new Writable({
        write(chunk: Buffer, _e, cb) {
          got.push(chunk);
          cb();
        },
      });
      return { dest, got };
    };
    // The destination sees 'pipe' with the duplex as source, and is ended with the output.
    const h2 = new H2Duplex();
    const a = make();
    const piped = next<unknown>(a.dest, 'pipe');
    expect(h2.pipe(a.dest)).to.equal(a.dest);
    expect(await piped).to.equal(h2);
    const finished = next(a.dest, 'finish');
    h2.end(); // the transport's EOF: the output ends too
    await finished;
    expect(Buffer.concat(a.got).subarray(0, 24).toString('latin1')).to.equal('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');

    // { end: false } leaves it open.
    const h2b = new H2Duplex();
    const b = make();
    h2b.pipe(b.dest, { end: false });
    const ended = next(h2b, 'end');
    h2b.end();
    await ended;
    expect(b.dest.writableEnded).to.equal(false);

    // unpipe(): 'unpipe' for the destination, later output waits in the readable side.
    const h2c = new H2Duplex();
    const c = make();
    h2c.pipe(c.dest);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = Buffer.concat(c.got).length;
    expect(before).to.be.above(0);
    const unpiped = next<unknown>(c.dest, 'unpipe');
    h2c.unpipe(c.dest);
    expect(await unpiped).to.equal(h2c);
    void h2c.ping().catch(() => null);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const later = h2c.read() as Buffer | null;
    expect(later, 'the PING waits in the readable side').to.not.equal(null);
    expect(Buffer.concat(c.got).length).to.equal(before);
    h2c.destroy();
  });

  it('lets go of a destination that closes, and rethrows nothing when it has its own error listener', async function () {
    const h2 = new H2Duplex();
    const dest = new Writable({
      write(_chunk: Buffer, _e, cb) {
        cb(new Error('transport broke'));
      },
    });
    const errors: Error[] = [];
    dest.on('error', (e: Error) => errors.push(e));
    h2.pipe(dest);
    await new Promise((resolve) => dest.once('close', resolve));
    expect(errors.map((e) => e.message)).to.deep.equal(['transport broke']);
    // Output after the destination is gone stays in the readable side.
    void h2.ping().catch(() => null);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(h2.readableLength).to.be.above(0);
    h2.destroy();
  });
});

describe('H2Duplex: zero-copy output under stream.pipeline()', function () {
  it('serves over TCP wired with pipeline(socket, h2, socket), and ends the socket after the last batch', async function () {
    const { pipeline } = await import('node:stream');
    const body = Buffer.alloc(300 * 1024, 9);
    let serverSide: H2Duplex | null = null;
    const tcp = net.createServer((socket) => {
      const h2 = new H2Duplex({ config: { clientSide: false } });
      serverSide = h2;
      pipeline(socket, h2 as unknown as NodeJS.ReadWriteStream, socket, () => undefined);
      h2.on('stream', (stream: H2Stream) => {
        stream.respond([[':status', '200']]);
        stream.end(body);
      });
    });
    const { client, socket } = await connectTo(tcp);
    try {
      const received = await collect(client.request(GET, { endStream: true }));
      expect(received.equals(body)).to.equal(true);
      // A graceful close from the server ends its socket after the GOAWAY went out.
      const goaway = new Promise<void>((resolve) => client.once('goaway', () => resolve()));
      const eof = new Promise<void>((resolve) => socket.once('end', () => resolve()));
      await (serverSide as unknown as H2Duplex).close();
      await goaway;
      await eof;
    } finally {
      client.destroy();
      socket.destroy();
      tcp.close();
    }
  });
});

describe('H2Duplex: piped late', function () {
  it('sends output pushed before pipe() first, then writes directly', async function () {
    const client = new H2Duplex();
    const server = new H2Duplex({ config: { clientSide: false } });
    // Both sides queue their preface for a turn before anything is piped.
    await new Promise((resolve) => setImmediate(resolve));
    expect(server.readableLength).to.be.above(0);
    client.pipe(server);
    const gate = new Gate(client, () => 0);
    server.pipe(gate);
    expect(server.readableLength).to.equal(0);
    const body = Buffer.alloc(20 * 1024, 5);
    const { req, stream } = await exchange(client, server);
    stream.end(body);
    expect((await collect(req)).equals(body)).to.equal(true);
    expect(gate.batches.some((b) => b.chunks.some((c) => sharesMemory(c, body)))).to.equal(true);
    client.destroy();
    server.destroy();
  });
});
