/**
 * Clients that vanish: each opens a connection, gets to a given point of an HTTP/2 exchange,
 * then resets the TCP connection (`resetAndDestroy()`: an RST, no FIN), over TCP or TLS. A
 * server must survive every one of them and keep serving (a socket 'error' nobody listens for
 * is an uncaught exception in Node, and pipe() rethrows a destination's unhandled error).
 *
 * Where the point can be observed, the client waits for the server's answer before it resets
 * (its SETTINGS, a PING ACK sent after the request frames, the first frame of the response),
 * so the reset meets a server that is busy with that exchange rather than one that has not
 * read it yet.
 */
import net from 'node:net';
import { Duplex } from 'node:stream';
import tls from 'node:tls';
import { ErrorCodes } from '../../src/index.js';
import { ContinuationFrame, DataFrame, type Frame, FrameReader, GoAwayFrame, HeadersFrame, PingFrame, RstStreamFrame, SettingsFrame, WindowUpdateFrame } from '../../src/frame/index.js';
import { HpackEncoder } from '../../src/hpack/index.js';
import { frameBytes } from './frame-factory.js';

/** Where in the exchange the client resets. */
export type AbruptStage =
  /** Half of the connection preface. */
  | 'mid-preface'
  /** The preface and SETTINGS, once the server's SETTINGS arrived. */
  | 'after-preface'
  /** Inside a request's header block: HEADERS without END_HEADERS, then part of a CONTINUATION. */
  | 'mid-headers'
  /** Inside a request body: HEADERS and 16 KiB of DATA without END_STREAM, once the server answered a PING sent after them. */
  | 'mid-body'
  /** While the response comes: the whole request, with every window opened wide, reset at the first response frame. */
  | 'mid-response'
  /**
   * A request cancelled in the packet that carries it (HEADERS with END_STREAM, then
   * RST_STREAM(CANCEL): Rapid Reset's pattern, CVE-2023-44487), once the server answered a
   * PING sent after them: the server learns of the request and of its end in one read.
   */
  | 'request-reset'
  /**
   * A request cancelled once the server has seen it: HEADERS with END_STREAM and a PING; at
   * the PING ACK, RST_STREAM(CANCEL) and another PING; at its ACK, the TCP reset.
   */
  | 'cancel-after-headers';

export const ABRUPT_STAGES: readonly AbruptStage[] = ['mid-preface', 'after-preface', 'mid-headers', 'mid-body', 'mid-response', 'request-reset', 'cancel-after-headers'];

/** Each stage as the end of a sentence ("survives clients that reset …"), for test titles. */
export const ABRUPT_STAGE_TITLES: Record<AbruptStage, string> = {
  'mid-preface': 'in the middle of the connection preface',
  'after-preface': 'right after the preface and SETTINGS',
  'mid-headers': "inside a request's header block",
  'mid-body': 'inside a request body',
  'mid-response': 'while the response is being written',
  'request-reset': 'after cancelling a request in the packet that carried it (HEADERS + RST_STREAM)',
  'cancel-after-headers': 'after cancelling a request the server has seen',
};

export interface AbruptTarget {
  port: number;
  /** Speak TLS (ALPN h2, any certificate) over the TCP connection that is reset. */
  tls?: boolean;
  /** The request of the mid-headers, mid-body and mid-response stages (default: POST / with a body for mid-body, GET / otherwise). */
  request?: (stage: AbruptStage) => Array<[string, string]>;
}

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');
const MAX_WINDOW = 0x7fffffff;
const PING_DATA = Buffer.from('abruptly');

/** The request sent by a stage when the target does not choose one. */
export function defaultRequest(stage: AbruptStage): Array<[string, string]> {
  return [
    [':method', stage === 'mid-body' ? 'POST' : 'GET'],
    [':scheme', 'http'],
    [':authority', '127.0.0.1'],
    [':path', '/'],
  ];
}

/** A connection whose incoming frames can be awaited. */
class Conversation {
  readonly #reader = new FrameReader({ expectPreface: false, maxFrameSize: 1 << 24 });
  readonly #waiters: Array<{ match: (f: Frame) => boolean; resolve: () => void; reject: (e: Error) => void }> = [];
  #closed: Error | null = null;

  constructor(
    /** The TCP socket (reset at the end). */
    readonly raw: net.Socket,
    /** What frames are written to and read from: `raw`, or TLS over it. */
    readonly conn: net.Socket,
  ) {
    conn.on('data', (chunk: Buffer) => {
      try {
        this.#reader.feed(chunk);
        for (let f = this.#reader.next(); f !== null; f = this.#reader.next()) this.#deliver(f);
      } catch (err) {
        this.#fail(err as Error);
      }
    });
    conn.on('close', () => this.#fail(new Error('the server closed the connection first')));
  }

  #deliver(frame: Frame): void {
    for (let i = 0; i < this.#waiters.length; i++) {
      const w = this.#waiters[i];
      if (w !== undefined && w.match(frame)) {
        this.#waiters.splice(i--, 1);
        w.resolve();
      }
    }
  }

  #fail(err: Error): void {
    this.#closed ??= err;
    for (const w of this.#waiters.splice(0)) w.reject(err);
  }

  /** Resolves at the first frame from now on that `match`es. */
  frame(match: (f: Frame) => boolean): Promise<void> {
    if (this.#closed !== null) return Promise.reject(this.#closed);
    return new Promise((resolve, reject) => this.#waiters.push({ match, resolve, reject }));
  }

  write(bytes: Buffer): Promise<void> {
    return new Promise((resolve) => this.conn.write(bytes, () => resolve()));
  }

  reset(): void {
    this.raw.resetAndDestroy();
    this.conn.destroy();
  }
}

async function open(target: AbruptTarget): Promise<Conversation> {
  const raw = net.connect(target.port, '127.0.0.1');
  raw.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    raw.once('connect', resolve);
    raw.once('error', reject);
  });
  if (target.tls !== true) return new Conversation(raw, raw);
  const secure = tls.connect({ socket: raw, ALPNProtocols: ['h2'], rejectUnauthorized: false, servername: 'localhost' });
  secure.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    secure.once('secureConnect', resolve);
    secure.once('error', reject);
  });
  return new Conversation(raw, secure);
}

function headerBlock(headers: Array<[string, string]>): Buffer {
  return new HpackEncoder().encode(headers.map(([name, value]) => ({ name, value })));
}

/** One client that resets at `stage`; resolves once the reset has been sent. */
export async function abruptClient(target: AbruptTarget, stage: AbruptStage): Promise<void> {
  const c = await open(target);
  const request = (target.request ?? defaultRequest)(stage);
  const serverSettings = c.frame((f) => f instanceof SettingsFrame && !f.ack);
  serverSettings.catch(() => undefined);
  const start = Buffer.concat([PREFACE, frameBytes(new SettingsFrame(stage === 'mid-response' ? [[0x4, MAX_WINDOW]] : []))]);
  try {
    switch (stage) {
      case 'mid-preface':
        await c.write(PREFACE.subarray(0, 12));
        break;
      case 'after-preface':
        await c.write(start);
        await serverSettings;
        break;
      case 'mid-headers': {
        const block = headerBlock(request);
        const pong = c.frame((f) => f instanceof PingFrame && f.ack);
        // The PING goes first: a header block may not be interrupted by other frames.
        await c.write(Buffer.concat([start, frameBytes(new PingFrame(PING_DATA)), frameBytes(new HeadersFrame(1, block, false, false))]));
        await pong;
        await c.write(frameBytes(new ContinuationFrame(1, Buffer.from([0x82]), false)).subarray(0, 5));
        break;
      }
      case 'mid-body': {
        const pong = c.frame((f) => f instanceof PingFrame && f.ack);
        await c.write(Buffer.concat([start, frameBytes(new HeadersFrame(1, headerBlock(request), false), new DataFrame(1, Buffer.alloc(16 * 1024, 'b')), new PingFrame(PING_DATA))]));
        await pong;
        break;
      }
      case 'mid-response': {
        // The response's first frame (or a refusal: RST_STREAM, GOAWAY).
        const response = c.frame((f) => f.streamId === 1 || f instanceof GoAwayFrame);
        const withBody = request.some(([n, v]) => n === ':method' && (v === 'POST' || v === 'PUT'));
        await c.write(
          Buffer.concat([
            start,
            frameBytes(new WindowUpdateFrame(0, MAX_WINDOW - 65535), new HeadersFrame(1, headerBlock(request), !withBody)),
            withBody ? frameBytes(new DataFrame(1, Buffer.alloc(1024, 'b'), true)) : Buffer.alloc(0),
          ]),
        );
        await response;
        break;
      }
      case 'request-reset': {
        const pong = c.frame((f) => f instanceof PingFrame && f.ack);
        await c.write(Buffer.concat([start, frameBytes(new HeadersFrame(1, headerBlock(request), true), new RstStreamFrame(1, ErrorCodes.CANCEL), new PingFrame(PING_DATA))]));
        await pong;
        break;
      }
      case 'cancel-after-headers': {
        const seen = c.frame((f) => f instanceof PingFrame && f.ack);
        await c.write(Buffer.concat([start, frameBytes(new HeadersFrame(1, headerBlock(request), true), new PingFrame(PING_DATA))]));
        await seen;
        const cancelled = c.frame((f) => f instanceof PingFrame && f.ack);
        await c.write(frameBytes(new RstStreamFrame(1, ErrorCodes.CANCEL), new PingFrame(PING_DATA)));
        await cancelled;
        break;
      }
    }
  } finally {
    c.reset();
  }
}

/**
 * A TLS client that resets in the middle of the TLS handshake: its ClientHello (offering h2) is
 * sent, and the TCP connection is reset when the server's first handshake bytes arrive.
 */
export async function tlsMidHandshakeClient(port: number): Promise<void> {
  // Capture what node:tls would send first (the ClientHello) by letting it write into a Duplex.
  const hello = await new Promise<Buffer>((resolve) => {
    let probe: tls.TLSSocket | null = null;
    const capture = new Duplex({
      read() {
        /* nobody answers the probe */
      },
      write(chunk: Buffer, _encoding, callback) {
        resolve(chunk);
        callback();
        setImmediate(() => probe?.destroy());
      },
    });
    probe = tls.connect({ socket: capture, ALPNProtocols: ['h2'], rejectUnauthorized: false, servername: 'localhost' });
    probe.on('error', () => undefined);
  });
  const raw = net.connect(port, '127.0.0.1');
  raw.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    raw.once('connect', resolve);
    raw.once('error', reject);
  });
  const answered = new Promise<void>((resolve) => {
    raw.once('data', () => resolve());
    raw.once('close', () => resolve());
  });
  raw.write(hello);
  await answered;
  raw.resetAndDestroy();
}

/** Where an h2c client resets (HTTP/1.1 upgrade to HTTP/2, RFC 7540 §3.2). */
export type H2cAbruptStage =
  /** Half of the HTTP/1.1 upgrade request. */
  | 'mid-upgrade-request'
  /** The whole upgrade request, once the server switched (101): it now speaks HTTP/2. */
  | 'after-switching'
  /** After the switch and the preface, at the first frame of the response to the upgraded request (stream 1). */
  | 'mid-response';

export const H2C_ABRUPT_STAGES: readonly H2cAbruptStage[] = ['mid-upgrade-request', 'after-switching', 'mid-response'];

/** Each h2c stage as the end of a sentence, for test titles. */
export const H2C_ABRUPT_STAGE_TITLES: Record<H2cAbruptStage, string> = {
  'mid-upgrade-request': 'in the middle of the HTTP/1.1 upgrade request',
  'after-switching': 'right after the server switched to HTTP/2 (101)',
  'mid-response': 'while the response to the upgraded request is being written',
};

/** One h2c client that resets at `stage` (GET `path` as the upgraded request). */
export async function h2cAbruptClient(port: number, stage: H2cAbruptStage, path = '/'): Promise<void> {
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  // HTTP2-Settings: SETTINGS_INITIAL_WINDOW_SIZE = 2^31-1, base64url (RFC 7540 §3.2.1).
  const settings = Buffer.from([0, 4, 0x7f, 0xff, 0xff, 0xff]).toString('base64url');
  const request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: ${settings}\r\n\r\n`, 'latin1');
  try {
    if (stage === 'mid-upgrade-request') {
      await new Promise((resolve) => socket.write(request.subarray(0, request.length >> 1), resolve));
      return;
    }
    let seen = Buffer.alloc(0);
    const switched = new Promise<Buffer>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        seen = Buffer.concat([seen, chunk]);
        const end = seen.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        if (!seen.subarray(0, end).toString('latin1').startsWith('HTTP/1.1 101')) reject(new Error(`no switch: ${seen.toString('latin1')}`));
        else resolve(seen.subarray(end + 4));
      };
      socket.on('data', onData);
      socket.once('close', () => reject(new Error('the server closed the connection first')));
    });
    socket.write(request);
    const rest = await switched;
    if (stage === 'after-switching') return;
    const c = new Conversation(socket, socket);
    const response = c.frame((f) => f.streamId === 1 || f instanceof GoAwayFrame);
    socket.unshift(rest);
    await c.write(Buffer.concat([PREFACE, frameBytes(new SettingsFrame([[0x4, MAX_WINDOW]]), new WindowUpdateFrame(0, MAX_WINDOW - 65535))]));
    await response;
  } finally {
    socket.resetAndDestroy();
  }
}
