/**
 * File responses (node:http2's respondWithFile / respondWithFD on an H2Stream): headers and
 * ranges, statCheck, onError, node's refusals, backpressure from a slow client, and who closes
 * the descriptor.
 */
import fs from 'node:fs';
import { mkdtemp, open, rm, writeFile, mkdir } from 'node:fs/promises';
import http2 from 'node:http2';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import sinon from 'sinon';
import {
  createPair,
  ErrorCodes,
  H2Duplex,
  type H2Stream,
  type IncomingHeaders,
  neverIndexed,
  type OutgoingHeaders,
  sensitiveHeaders,
  SettingCodes,
  StreamResetError,
  UsageCodes,
  UsageError,
} from '../../src/index.js';
import { respondWithFD, respondWithFile } from '../../src/duplex/file-response.js';
import { collect, next } from '../helpers/streams.js';

const GET: Array<[string, string]> = [[':method', 'GET'], [':path', '/'], [':scheme', 'http'], [':authority', 'pair']];
const TEXT = 'hello, file response\n'.repeat(10);
const MIB = 1024 * 1024;
const settle = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

let dir: string;
let small: string;
let big: string;
let bigContent: Buffer;

/** A pair whose server answers every request with `handler`; the client's GET for it. */
function serve(handler: (stream: H2Stream) => void, options: Parameters<typeof createPair>[0] = {}): { client: H2Duplex; server: H2Duplex; get: () => H2Stream } {
  const { client, server } = createPair(options);
  server.on('stream', (stream: H2Stream) => {
    handler(stream);
  });
  return { client, server, get: () => client.request(GET, { endStream: true }) };
}

/** The response headers and the whole body of `req`. */
async function fetchAll(req: H2Stream): Promise<{ headers: IncomingHeaders; body: Buffer }> {
  const headers = await next<IncomingHeaders>(req, 'response');
  return { headers, body: await collect(req) };
}

/** The error a stream is destroyed with (its first 'error'). */
function errorOf(stream: H2Stream): Promise<Error & { code?: string }> {
  return new Promise((resolve) => stream.once('error', resolve));
}

/** Pass-through spies on the fs calls file-response.ts makes: descriptors opened and closed, bytes read. */
function watchFs(): { opened: number[]; closed: number[]; bytesRead: () => number; whenClosed: (fd: number) => Promise<void> } {
  const opened: number[] = [];
  const closed: number[] = [];
  const waiting = new Map<number, () => void>();
  let bytes = 0;
  const realOpen = fs.open.bind(fs);
  const realRead = fs.read.bind(fs);
  const realClose = fs.close.bind(fs);
  sinon.stub(fs, 'open').callsFake(((p: fs.PathLike, flags: fs.OpenMode, cb: (err: NodeJS.ErrnoException | null, fd: number) => void) => {
    realOpen(p, flags, (err, fd) => {
      if (err === null) opened.push(fd);
      cb(err, fd);
    });
  }) as unknown as typeof fs.open);
  sinon.stub(fs, 'read').callsFake(((fd: number, buffer: Buffer, offset: number, length: number, position: number | null, cb: (err: NodeJS.ErrnoException | null, n: number, b: Buffer) => void) => {
    realRead(fd, buffer, offset, length, position, (err, n, b) => {
      bytes += n;
      cb(err, n, b);
    });
  }) as unknown as typeof fs.read);
  sinon.stub(fs, 'close').callsFake((fd: number, cb?: (err: NodeJS.ErrnoException | null) => void) => {
    realClose(fd, (err) => {
      closed.push(fd);
      waiting.get(fd)?.();
      cb?.(err);
    });
  });
  return {
    opened,
    closed,
    bytesRead: () => bytes,
    whenClosed: (fd) => (closed.includes(fd) ? Promise.resolve() : new Promise((resolve) => waiting.set(fd, resolve))),
  };
}

describe('H2Stream file responses (respondWithFile, respondWithFD)', function () {
  before(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), 'h2duplex-file-'));
    small = path.join(dir, 'small.txt');
    big = path.join(dir, 'big.bin');
    bigContent = Buffer.alloc(MIB);
    for (let i = 0; i < bigContent.length; i++) bigContent[i] = (i * 7 + (i >> 11)) % 251;
    await writeFile(small, TEXT);
    await writeFile(big, bigContent);
    await mkdir(path.join(dir, 'sub'));
  });

  after(async function () {
    await rm(dir, { recursive: true, force: true });
  });

  afterEach(function () {
    sinon.restore();
  });

  it('sends a whole file with :status 200, content-length and date, and closes it', async function () {
    const watch = watchFs();
    const { get } = serve((stream) => {
      respondWithFile(stream, small, { 'content-type': 'text/plain' });
    });
    const { headers, body } = await fetchAll(get());
    expect(headers[':status']).to.equal(200);
    expect(headers['content-type']).to.equal('text/plain');
    expect(headers['content-length']).to.equal(String(Buffer.byteLength(TEXT)));
    expect(headers.date).to.be.a('string');
    expect(headers['last-modified']).to.equal(undefined); // node does not set it either
    expect(body.toString()).to.equal(TEXT);
    expect(watch.opened).to.have.length(1);
    await watch.whenClosed(watch.opened[0]!);
  });

  it('sends offset + length, and a length past the end stops at the end', async function () {
    const { get } = serve((stream) => {
      respondWithFile(stream, big, null, stream.id === 1 ? { offset: 1000, length: 5000 } : { offset: MIB - 100, length: 5000 });
    });
    const first = await fetchAll(get());
    expect(first.headers['content-length']).to.equal('5000');
    expect(first.body.equals(bigContent.subarray(1000, 6000))).to.equal(true);
    const second = await fetchAll(get());
    expect(second.headers['content-length']).to.equal('100');
    expect(second.body.equals(bigContent.subarray(MIB - 100))).to.equal(true);
  });

  it('lets statCheck change the headers and the range', async function () {
    const seen: Array<[fs.Stats, number, number]> = [];
    const { get } = serve((stream) => {
      respondWithFile(stream, small, { 'content-type': 'text/plain' }, {
        statCheck(stat, headers, statOptions) {
          seen.push([stat, statOptions.offset, statOptions.length]);
          headers['last-modified'] = stat.mtime.toUTCString();
          headers['content-type'] = 'text/x-changed';
          statOptions.offset = 7;
        },
      });
    });
    const { headers, body } = await fetchAll(get());
    expect(seen).to.have.length(1);
    expect(seen[0]![0].isFile()).to.equal(true);
    expect(seen[0]!.slice(1)).to.deep.equal([0, -1]);
    expect(headers['last-modified']).to.equal(seen[0]![0].mtime.toUTCString());
    expect(headers['content-type']).to.equal('text/x-changed');
    expect(body.toString()).to.equal(TEXT.slice(7));
    expect(headers['content-length']).to.equal(String(TEXT.length - 7));
  });

  it('sends nothing when statCheck returns false (the handler answers 304 itself), and closes the file', async function () {
    const watch = watchFs();
    const { get } = serve((stream) => {
      respondWithFile(stream, small, {}, {
        statCheck: () => {
          stream.respond({ ':status': 304 }, { endStream: true });
          return false;
        },
      });
    });
    const { headers, body } = await fetchAll(get());
    expect(headers[':status']).to.equal(304);
    expect(body.length).to.equal(0);
    await watch.whenClosed(watch.opened[0]!);
    expect(watch.bytesRead()).to.equal(0);
  });

  it('calls onError for a missing file; the stream stays open to answer 404', async function () {
    const errors: Array<Error & { code?: string }> = [];
    const { get } = serve((stream) => {
      respondWithFile(stream, path.join(dir, 'missing'), {}, {
        onError(err) {
          errors.push(err);
          stream.respond({ ':status': 404 }, { endStream: true });
        },
      });
    });
    const { headers } = await fetchAll(get());
    expect(headers[':status']).to.equal(404);
    expect(errors.map((e) => e.code)).to.deep.equal(['ENOENT']);
  });

  it('takes [name, value] pairs too: repeats and never-indexed fields survive the copy statCheck sees', async function () {
    let seen: OutgoingHeaders | null = null;
    const { get } = serve((stream) => {
      respondWithFile(stream, small, [['set-cookie', 'a=1'], ['set-cookie', 'b=2'], neverIndexed(['x-secret', 's'] as const)], {
        statCheck: (_stat, headers) => void (seen = { ...headers }),
      });
    });
    const { headers, body } = await fetchAll(get());
    expect(body.toString()).to.equal(TEXT);
    expect(seen!['set-cookie']).to.deep.equal(['a=1', 'b=2']);
    expect(headers['set-cookie']).to.deep.equal(['a=1', 'b=2']);
    expect(headers['x-secret']).to.equal('s');
    expect(headers[sensitiveHeaders]).to.deep.equal(['x-secret']);
  });

  it('gives an error thrown by statCheck to onError, and closes the file', async function () {
    const watch = watchFs();
    const errors: Error[] = [];
    const { get } = serve((stream) => {
      respondWithFile(stream, small, {}, {
        statCheck: () => {
          throw new Error('no such etag');
        },
        onError(err) {
          errors.push(err);
          stream.respond({ ':status': 500 }, { endStream: true });
        },
      });
    });
    expect((await fetchAll(get())).headers[':status']).to.equal(500);
    expect(errors.map((e) => e.message)).to.deep.equal(['no such etag']);
    await watch.whenClosed(watch.opened[0]!);
  });

  it('destroys the stream with the open error when there is no onError (the client sees INTERNAL_ERROR)', async function () {
    let serverError: Promise<Error & { code?: string }> | null = null;
    const { get } = serve((stream) => {
      serverError = errorOf(stream);
      respondWithFile(stream, path.join(dir, 'missing'));
    });
    const req = get();
    const clientError = errorOf(req);
    const reset = await clientError;
    expect(reset).to.be.instanceOf(StreamResetError);
    expect((reset as { errorCode?: number }).errorCode).to.equal(ErrorCodes.INTERNAL_ERROR);
    expect((await serverError!).code).to.equal('ENOENT');
  });

  it('refuses a directory with ERR_H2_SEND_FILE (to onError, or destroying the stream)', async function () {
    const watch = watchFs();
    const codes: Array<string | undefined> = [];
    let destroyedWith: Promise<Error & { code?: string }> | null = null;
    const { get } = serve((stream) => {
      if (stream.id === 1) {
        respondWithFile(stream, path.join(dir, 'sub'), {}, {
          onError(err: Error & { code?: string }) {
            codes.push(err.code);
            stream.respond({ ':status': 403 }, { endStream: true });
          },
        });
      } else {
        destroyedWith = errorOf(stream);
        respondWithFile(stream, path.join(dir, 'sub'));
      }
    });
    expect((await fetchAll(get())).headers[':status']).to.equal(403);
    expect(codes).to.deep.equal([UsageCodes.SEND_FILE]);
    const req = get();
    const reset = await errorOf(req);
    expect(reset).to.be.instanceOf(StreamResetError);
    expect((reset as { errorCode?: number }).errorCode).to.equal(ErrorCodes.INTERNAL_ERROR);
    const err = await destroyedWith!;
    expect(err).to.be.instanceOf(UsageError);
    expect(err.code).to.equal('ERR_H2_SEND_FILE');
    for (const fd of watch.opened) await watch.whenClosed(fd);
  });

  it('throws at once: headers already sent, :status 204/205/304, a closed stream, bad options', async function () {
    const thrown: Array<string | undefined> = [];
    const attempt = (fn: () => void): void => {
      try {
        fn();
        thrown.push('none');
      } catch (err) {
        thrown.push((err as { code?: string }).code);
      }
    };
    const { get } = serve((stream) => {
      for (const status of [204, 205, 304]) attempt(() => respondWithFile(stream, small, { ':status': status }));
      attempt(() => respondWithFD(stream, 0, [[':status', '304']]));
      attempt(() => respondWithFile(stream, small, {}, { offset: '1' as unknown as number }));
      attempt(() => respondWithFile(stream, small, {}, { bogus: true } as never));
      attempt(() => respondWithFD(stream, 'x' as unknown as number));
      stream.respond({ ':status': 200 });
      attempt(() => respondWithFile(stream, small));
      attempt(() => respondWithFD(stream, 0));
      stream.end('done');
    });
    const { body } = await fetchAll(get());
    expect(body.toString()).to.equal('done');
    expect(thrown).to.deep.equal([
      'ERR_H2_PAYLOAD_FORBIDDEN', 'ERR_H2_PAYLOAD_FORBIDDEN', 'ERR_H2_PAYLOAD_FORBIDDEN', 'ERR_H2_PAYLOAD_FORBIDDEN',
      'ERR_H2_INVALID_OPTION', 'ERR_H2_INVALID_OPTION', 'ERR_H2_INVALID_ARG',
      'ERR_H2_HEADERS_SENT', 'ERR_H2_HEADERS_SENT',
    ]);
    // A stream that was reset: ERR_H2_STREAM_CLOSED.
    const closed = await new Promise<unknown>((resolve) => {
      const { get: getAgain } = serve((stream) => {
        stream.on('error', () => undefined);
        stream.close(ErrorCodes.CANCEL);
        try {
          respondWithFile(stream, small);
          resolve(null);
        } catch (err) {
          resolve(err);
        }
      });
      getAgain().on('error', () => undefined);
    });
    expect(closed).to.be.instanceOf(UsageError);
    expect((closed as UsageError).code).to.equal('ERR_H2_STREAM_CLOSED');
  });

  it('reads a 1 MiB file only as fast as a slow client takes it (flow control holds the server)', async function () {
    const watch = watchFs();
    const window = 64 * 1024;
    const { get } = serve((stream) => {
      respondWithFile(stream, big);
    }, { client: { settings: { [SettingCodes.INITIAL_WINDOW_SIZE]: window } } });
    const req = get();
    req.pause();
    await next(req, 'response');
    await settle(50);
    // In flight at most: the client's stream window, the server stream's buffer (64 KiB) and
    // one 64 KiB chunk just read: nowhere near the whole file.
    const bound = window + 64 * 1024 + 64 * 1024;
    expect(watch.bytesRead()).to.be.above(0);
    expect(watch.bytesRead()).to.be.at.most(bound);
    const parts: Buffer[] = [];
    let received = 0;
    req.on('end', () => undefined);
    while (!req.readableEnded) {
      // Read 16 KiB at a time, then let the window update travel.
      const chunk = req.read(Math.min(16 * 1024, req.readableLength || 1)) as Buffer | null;
      if (chunk !== null) {
        parts.push(chunk);
        received += chunk.length;
      }
      expect(watch.bytesRead() - received).to.be.at.most(bound);
      await settle(2);
    }
    expect(received).to.equal(MIB);
    expect(Buffer.concat(parts).equals(bigContent)).to.equal(true);
    expect(watch.bytesRead()).to.equal(MIB);
  });

  it('respondWithFD leaves the caller\'s descriptor (a number or a FileHandle) open, and sets no content-length', async function () {
    const watch = watchFs();
    const fd = fs.openSync(small, 'r');
    const handle = await open(big, 'r');
    try {
      const { get } = serve((stream) => {
        if (stream.id === 1) respondWithFD(stream, fd, { 'content-type': 'text/plain' });
        else respondWithFD(stream, handle, {}, { offset: 10, length: 20, statCheck: (stat, headers) => void (headers['content-length'] = 20) });
      });
      const first = await fetchAll(get());
      expect(first.body.toString()).to.equal(TEXT);
      expect(first.headers['content-length']).to.equal(undefined);
      const second = await fetchAll(get());
      expect(second.headers['content-length']).to.equal('20');
      expect(second.body.equals(bigContent.subarray(10, 30))).to.equal(true);
      await settle();
      expect(watch.closed).to.not.include(fd);
      expect(watch.closed).to.not.include(handle.fd);
      expect(fs.fstatSync(fd).size).to.equal(TEXT.length);
      expect((await handle.stat()).size).to.equal(MIB);
    } finally {
      fs.closeSync(fd);
      await handle.close();
    }
  });

  it('closes the file of respondWithFile when the client resets mid-file', async function () {
    const watch = watchFs();
    let serverStream: H2Stream | null = null;
    const { get } = serve((stream) => {
      serverStream = stream;
      stream.on('error', () => undefined);
      respondWithFile(stream, big);
    });
    const req = get();
    req.on('error', () => undefined);
    await next(req, 'data');
    req.close(ErrorCodes.CANCEL);
    expect(watch.opened).to.have.length(1);
    await watch.whenClosed(watch.opened[0]!);
    expect(serverStream!.destroyed).to.equal(true);
    expect(watch.bytesRead()).to.be.below(MIB);
  });

  it('over TCP to a node:http2 client: the file, then trailers with waitForTrailers', async function () {
    const server = net.createServer((socket) => {
      const h2 = new H2Duplex({ config: { clientSide: false } });
      socket.on('error', () => h2.destroy());
      socket.on('close', () => h2.destroy());
      socket.pipe(h2).pipe(socket);
      h2.on('stream', (stream: H2Stream) => {
        stream.on('wantTrailers', () => {
          stream.sendTrailers({ 'x-file-done': 'yes' });
        });
        respondWithFile(stream, big, { 'content-type': 'application/octet-stream' }, { waitForTrailers: true });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const session = http2.connect(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
    try {
      const req = session.request({ ':path': '/big.bin' });
      req.end();
      const headers = await new Promise<http2.IncomingHttpHeaders & http2.IncomingHttpStatusHeader>((resolve) => req.once('response', resolve));
      const trailers = new Promise<http2.IncomingHttpHeaders>((resolve) => req.once('trailers', resolve));
      const body = await collect(req);
      expect(headers[':status']).to.equal(200);
      expect(headers['content-length']).to.equal(String(MIB));
      expect(headers['content-type']).to.equal('application/octet-stream');
      expect(body.equals(bigContent)).to.equal(true);
      expect((await trailers)['x-file-done']).to.equal('yes');
    } finally {
      session.close();
      server.close();
    }
  });
});
