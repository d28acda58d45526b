/**
 * A raw HTTP/2 client for the attack specs: it writes whatever frames it is told to over a
 * real TCP connection (bounded loops, 127.0.0.1 only) and records what the server answers.
 */
import net from 'node:net';
import { ErrorCodes } from '../../src/index.js';
import { FrameReader, GoAwayFrame, HeadersFrame, PingFrame, RstStreamFrame, DataFrame, SettingsFrame } from '../../src/frame/index.js';
import { HpackDecoder, HpackEncoder } from '../../src/hpack/index.js';
import { rawFrame } from './bytes.js';

export const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
export const EMPTY_SETTINGS = rawFrame(4, 0, 0);
export const SETTINGS_ACK = rawFrame(4, 1, 0);

export interface Observed {
  goaway: { errorCode: number; lastStreamId: number; debug: string } | null;
  /** RST_STREAM codes by stream. */
  rstByStream: Map<number, number>;
  /** Response :status by stream. */
  statusByStream: Map<number, number>;
  /** Streams whose response ended (END_STREAM seen). */
  ended: Set<number>;
  pingAcks: Buffer[];
  settingsAcks: number;
  resets: number;
  responses: number;
  dataFrames: number;
  /** DATA frames with fewer than 256 payload octets and no END_STREAM (data-dribble check). */
  tinyDataFrames: number;
  closed: boolean;
  /** The socket's error, if it failed (ECONNRESET, EPIPE). */
  error?: string;
}

export class Attacker {
  readonly encoder = new HpackEncoder();
  readonly seen: Observed = {
    goaway: null,
    rstByStream: new Map(),
    statusByStream: new Map(),
    ended: new Set(),
    pingAcks: [],
    settingsAcks: 0,
    resets: 0,
    responses: 0,
    dataFrames: 0,
    tinyDataFrames: 0,
    closed: false,
  };
  readonly #decoder = new HpackDecoder();
  readonly #reader = new FrameReader({ expectPreface: false, maxFrameSize: 1 << 24 });
  #settingsSeen = 0;

  /** Waits until the server's SETTINGS (preface and the adapter's second one) arrived and were acknowledged. */
  async ready(count = 2, ms = 2000): Promise<void> {
    const until = Date.now() + ms;
    while (this.#settingsSeen < count && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#reader.feed(chunk);
      try {
        for (let f = this.#reader.next(); f !== null; f = this.#reader.next()) this.#observe(f);
      } catch {
        // The server's output is always valid HTTP/2; a parse failure would show in the assertions.
      }
    });
    socket.on('close', () => (this.seen.closed = true));
    socket.on('error', (err) => {
      this.seen.error = err.message;
      this.seen.closed = true;
    });
  }

  /** Connects without sending anything (for preface cases). */
  static async bare(port: number): Promise<Attacker> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new Attacker(socket);
  }

  /** Connects and sends the preface and an empty SETTINGS (plus `settings` payload if given). */
  static async connect(port: number, settingsPayload?: Buffer): Promise<Attacker> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.setNoDelay(true);
    const a = new Attacker(socket);
    socket.write(Buffer.concat([PREFACE, settingsPayload === undefined ? EMPTY_SETTINGS : rawFrame(4, 0, 0, settingsPayload)]));
    return a;
  }

  #observe(f: unknown): void {
    if (f instanceof GoAwayFrame) {
      this.seen.goaway ??= { errorCode: f.errorCode, lastStreamId: f.lastStreamId, debug: Buffer.from(f.additionalData).toString('latin1') };
    } else if (f instanceof SettingsFrame && f.ack) {
      this.seen.settingsAcks += 1;
    } else if (f instanceof PingFrame && f.ack) {
      this.seen.pingAcks.push(Buffer.from(f.opaqueData));
    } else if (f instanceof SettingsFrame && !f.ack) {
      // Acknowledged like a real client would, so SETTINGS timeouts stay out of the picture.
      // (Not inside a header block we left open on purpose: that would be a protocol error.)
      this.#settingsSeen += 1;
      if (!this.socket.destroyed) this.socket.write(SETTINGS_ACK);
    } else if (f instanceof RstStreamFrame) {
      this.seen.resets += 1;
      this.seen.rstByStream.set(f.streamId, f.errorCode);
    } else if (f instanceof HeadersFrame) {
      this.seen.responses += 1;
      try {
        const status = this.#decoder.decode(f.headerBlock).fields.find((h) => h.name === ':status');
        if (status !== undefined && !this.seen.statusByStream.has(f.streamId)) this.seen.statusByStream.set(f.streamId, Number(status.value));
      } catch {
        // A response block we cannot decode would show as a missing status.
      }
      if (f.endStream) this.seen.ended.add(f.streamId);
    } else if (f instanceof DataFrame) {
      if (f.endStream) this.seen.ended.add(f.streamId);
      this.seen.dataFrames += 1;
      if (f.data.length < 256 && !f.endStream) this.seen.tinyDataFrames += 1;
    }
  }

  /** HEADERS for a request on `streamId` (END_STREAM unless `body`), encoded with this connection's encoder. */
  request(streamId: number, path = '/', options: { method?: string; body?: boolean; extra?: Array<[string, string]> } = {}): Buffer {
    const fields: Array<[string, string]> = [[':method', options.method ?? 'GET'], [':scheme', 'http'], [':authority', '127.0.0.1'], [':path', path], ...(options.extra ?? [])];
    const block = this.encoder.encode(fields.map(([name, value]) => ({ name, value })));
    return rawFrame(1, options.body === true ? 0x4 : 0x5, streamId, block);
  }

  /**
   * The 128 KiB request header list of the huge-headers attacks (8 literals of 16 KiB), encoded
   * with this connection's encoder and cut into 8 fragments. `neverIndex` keeps the encoders in
   * sync whatever the server does, so every request is the same octets.
   */
  hugeHeaderFragments(neverIndex: boolean): Buffer[] {
    const block = this.encoder.encode([
      { name: ':method', value: 'GET' },
      { name: ':scheme', value: 'http' },
      { name: ':authority', value: 'x' },
      { name: ':path', value: '/' },
      ...Array.from({ length: 8 }, (_, i) => ({ name: `x-big-${i}`, value: 'v'.repeat(16 * 1024), neverIndex })),
    ]);
    const step = Math.ceil(block.length / 8);
    const fragments: Buffer[] = [];
    for (let o = 0; o < block.length; o += step) fragments.push(block.subarray(o, o + step));
    return fragments;
  }

  /** A request of `fragments` on `streamId`: HEADERS (END_STREAM), then CONTINUATIONs, END_HEADERS on the last. */
  static headerBlockFrames(fragments: readonly Buffer[], streamId: number): Buffer {
    return Buffer.concat(fragments.map((f, k) => rawFrame(k === 0 ? 1 : 9, (k === 0 ? 0x1 : 0) | (k === fragments.length - 1 ? 0x4 : 0), streamId, f)));
  }

  /** Octets handed to the socket so far (the kernel may not have delivered them all). */
  bytesSent = 0;

  /** Writes `bytes`; false when the server has closed or stopped reading for `stallMs`. */
  async send(bytes: Buffer, stallMs = 500): Promise<boolean> {
    if (this.seen.closed || this.socket.destroyed) return false;
    this.bytesSent += bytes.length;
    if (this.socket.write(bytes)) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.socket.off('drain', onDrain);
        resolve(false);
      }, stallMs);
      const onDrain = () => {
        clearTimeout(timer);
        resolve(!this.seen.closed);
      };
      this.socket.once('drain', onDrain);
    });
  }

  /**
   * Sends frames from `make(i)` for i = 0..count-1, in batches, until the server answers with
   * GOAWAY, closes, or stops reading. Returns how many were sent.
   */
  async flood(make: (i: number) => Buffer, count: number, batch = 50): Promise<number> {
    let sent = 0;
    while (sent < count && this.seen.goaway === null && !this.seen.closed) {
      const n = Math.min(batch, count - sent);
      const parts: Buffer[] = [];
      for (let i = 0; i < n; i++) parts.push(make(sent + i));
      if (!(await this.send(Buffer.concat(parts)))) break;
      sent += n;
      // Let the server's answers arrive between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return sent;
  }

  /** Waits until `done()` is true, a GOAWAY arrived or the connection closed (or `ms` passed). */
  async until(done: () => boolean, ms = 2000): Promise<void> {
    const end = Date.now() + ms;
    while (Date.now() < end && !done() && this.seen.goaway === null && !this.seen.closed) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** Waits until a GOAWAY arrived or the connection closed (or `ms` passed). */
  async settle(ms = 2000): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until && this.seen.goaway === null && !this.seen.closed) await new Promise((resolve) => setTimeout(resolve, 10));
  }

  close(): void {
    this.socket.destroy();
  }
}

export const ENHANCE_YOUR_CALM = ErrorCodes.ENHANCE_YOUR_CALM as number;
