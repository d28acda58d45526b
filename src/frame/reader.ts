/**
 * FrameReader: incremental bytes -> frames (RFC 9113 §3.4, §4, §6.10).
 *
 * Bytes arrive in arbitrary chunks (one octet at a time or megabytes at once) through
 * {@link FrameReader.feed}; {@link FrameReader.next} returns one complete frame at a time, or
 * `null` when more bytes are needed. It owns:
 *  - the client connection preface check (server side), octet by octet across chunks;
 *  - the SETTINGS_MAX_FRAME_SIZE check, made on the header, before the payload is buffered;
 *  - joining HEADERS/PUSH_PROMISE with their CONTINUATION frames into one frame whose
 *    `headerBlock` is the complete field block, with limits on the block's octets and on the
 *    number of CONTINUATION frames (the CONTINUATION-flood defence).
 *
 * Payloads are views into the fed chunks when a frame lies inside one chunk, and copies
 * only when it spans chunks (ws `Receiver#consume`). Callers must not modify a chunk after
 * feeding it.
 *
 * After any thrown error the offending frame has been consumed; a connection error makes the
 * reader refuse further use (the connection is dead, RFC 9113 §5.4.1).
 */
import { DenialOfServiceError, FrameTooLargeError, ProtocolError } from '../errors.js';
import { ContinuationFrame } from './continuation.js';
import type { FrameHeader } from './header.js';
import { FRAME_HEADER_LENGTH, readFrameHeader } from './header.js';
import { HeadersFrame } from './headers.js';
import type { Frame } from './parse.js';
import { frameTypeName, parseFrame } from './parse.js';
import { PushPromiseFrame } from './push-promise.js';

/** RFC 9113 §3.4: the 24 octets every client connection starts with. */
export const CLIENT_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** The payload of every empty frame (zero octets: nothing can be written into it). */
const EMPTY = Buffer.alloc(0);
/** The chunk list of every reader holding no input (frozen: only feed() adds, and it makes a list of its own first). */
const NO_CHUNKS: readonly Buffer[] = Object.freeze([]);

/** RFC 9113 §6.5.2: SETTINGS_MAX_FRAME_SIZE starts at 2^14. */
const DEFAULT_MAX_FRAME_SIZE = 16384;
/** Compressed octets of one joined field block: twice the default SETTINGS_MAX_HEADER_LIST_SIZE, so any list small enough to accept fits, however it is encoded (Go ends the connection past twice the remaining budget). */
const DEFAULT_MAX_HEADER_BLOCK_SIZE = 2 * 65536;
/** CONTINUATION frames per field block: nghttp2's value (CVE-2024-28182, the CONTINUATION flood). */
const DEFAULT_MAX_CONTINUATION_FRAMES = 8;

/** Options of {@link FrameReader}. */
export interface FrameReaderOptions {
  /** Server side: check the 24-octet client preface before the first frame. Default false. */
  expectPreface?: boolean;
  /** Largest payload accepted (our acknowledged SETTINGS_MAX_FRAME_SIZE). Default 16384. */
  maxFrameSize?: number;
  /** Largest joined field block in octets; beyond it: ENHANCE_YOUR_CALM. Default 131072; Infinity disables. */
  maxHeaderBlockSize?: number;
  /** Most CONTINUATION frames in one field block; beyond it: ENHANCE_YOUR_CALM. Default 8; Infinity disables. */
  maxContinuationFrames?: number;
  /**
   * Join a block that arrived in CONTINUATION frames into one buffer the reader keeps and
   * reuses, so the joined `headerBlock` is valid only until the next call of `next()`. For a
   * caller that decodes each block before it asks for the next frame (H2Connection): a flood
   * of 128 KiB blocks otherwise left one 128 KiB buffer per request for the GC. Default false.
   */
  reuseJoinedBlocks?: boolean;
}

/** A HEADERS or PUSH_PROMISE whose block is still arriving in CONTINUATION frames. */
interface OpenFieldBlock {
  readonly first: HeadersFrame | PushPromiseFrame;
  readonly fragments: Uint8Array[];
  size: number;
  continuations: number;
}

/** Incremental frame parser: feed chunks of any size, take whole frames (CONTINUATIONs joined). */
export class FrameReader {
  /** Largest payload accepted; the connection raises it when our SETTINGS are acknowledged. */
  maxFrameSize: number;
  /** Limit on one joined field block's octets. */
  maxHeaderBlockSize: number;
  /** Limit on CONTINUATION frames per block. */
  maxContinuationFrames: number;

  /** Fed chunks not yet consumed; `#head` is the read offset in the first. */
  /** Buffered input, oldest first; the shared NO_CHUNKS while released (only feed() adds to it). */
  #chunks: Buffer[] = NO_CHUNKS as Buffer[];
  #head = 0;
  #buffered = 0;
  /** Octets of the client preface still to check (0 once checked or when not expected). */
  #prefaceRemaining: number;
  /** A header already read whose payload has not fully arrived. */
  #pendingHeader: FrameHeader | null = null;
  #openBlock: OpenFieldBlock | null = null;
  #dead = false;
  readonly #reuseJoinedBlocks: boolean;
  /** The buffer joined blocks are written into (reuseJoinedBlocks), made by the first one. */
  #joined: Buffer | null = null;

  constructor(options: FrameReaderOptions = {}) {
    this.maxFrameSize = options.maxFrameSize ?? DEFAULT_MAX_FRAME_SIZE;
    this.maxHeaderBlockSize = options.maxHeaderBlockSize ?? DEFAULT_MAX_HEADER_BLOCK_SIZE;
    this.maxContinuationFrames = options.maxContinuationFrames ?? DEFAULT_MAX_CONTINUATION_FRAMES;
    this.#prefaceRemaining = options.expectPreface === true ? CLIENT_PREFACE.length : 0;
    this.#reuseJoinedBlocks = options.reuseJoinedBlocks === true;
  }

  /** Octets fed but not yet returned as frames. */
  get bufferedLength(): number {
    return this.#buffered;
  }

  /** True while a field block has started and its END_HEADERS has not arrived. */
  get inFieldBlock(): boolean {
    return this.#openBlock !== null;
  }

  /**
   * Lets go of the chunk list's storage when nothing is buffered (an idle connection), and of
   * the buffer joined blocks are reused in (reuseJoinedBlocks: the next such block makes a new one).
   */
  release(): void {
    if (this.#chunks.length === 0) this.#chunks = NO_CHUNKS as Buffer[];
    this.#joined = null;
  }

  /** Queues bytes. Does not parse: call {@link next} until it returns `null`. */
  feed(chunk: Uint8Array): void {
    if (this.#dead || chunk.length === 0) return;
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    (this.#chunks === NO_CHUNKS ? (this.#chunks = []) : this.#chunks).push(buf);
    this.#buffered += buf.length;
  }

  /**
   * Returns the next complete frame, or `null` if more bytes are needed.
   * @throws ProtocolError subclasses with the RFC code; scope `'stream'` where RFC 9113 says
   *   stream error. After a connection-scoped error every later call throws it again.
   */
  next(): Frame | null {
    if (this.#dead) throw new ProtocolError('the frame reader stopped after a connection error');
    try {
      return this.#next();
    } catch (err) {
      if (!(err instanceof ProtocolError) || err.scope === 'connection') this.#dead = true;
      throw err;
    }
  }

  #next(): Frame | null {
    if (this.#prefaceRemaining > 0 && !this.#checkPreface()) return null;
    for (;;) {
      let header = this.#pendingHeader;
      if (header === null) {
        if (this.#buffered < FRAME_HEADER_LENGTH) return null;
        header = this.#takeHeader();
        // RFC 9113 §4.2: checked on the header so an oversized payload is never buffered
        if (header.length > this.maxFrameSize) {
          throw new FrameTooLargeError(
            `${frameTypeName(header.type)} frame length ${header.length} exceeds SETTINGS_MAX_FRAME_SIZE ${this.maxFrameSize}`,
          );
        }
        this.#checkFieldBlockSequence(header);
      }
      if (this.#buffered < header.length) {
        this.#pendingHeader = header;
        return null;
      }
      this.#pendingHeader = null;
      const frame = parseFrame(header, this.#take(header.length));
      const complete = this.#joinFieldBlock(frame);
      if (complete !== null) return complete;
    }
  }

  /** Compares arriving octets with the preface; true once all 24 matched. */
  #checkPreface(): boolean {
    while (this.#prefaceRemaining > 0 && this.#buffered > 0) {
      const n = Math.min(this.#prefaceRemaining, this.#buffered);
      const got = this.#take(n);
      const from = CLIENT_PREFACE.length - this.#prefaceRemaining;
      if (!got.equals(CLIENT_PREFACE.subarray(from, from + n))) {
        throw new ProtocolError('Invalid HTTP/2 preamble.'); // RFC 9113 §3.4
      }
      this.#prefaceRemaining -= n;
    }
    return this.#prefaceRemaining === 0;
  }

  /**
   * RFC 9113 §6.10: while a field block is open, only CONTINUATION frames on its stream may
   * follow; a CONTINUATION outside a block is also a connection error. Checked on the header,
   * before the payload is buffered.
   */
  #checkFieldBlockSequence(header: FrameHeader): void {
    const open = this.#openBlock;
    if (open === null) {
      if (header.type === ContinuationFrame.TYPE) {
        throw new ProtocolError(`CONTINUATION frame on stream ${header.streamId} without a preceding HEADERS or PUSH_PROMISE`);
      }
      return;
    }
    if (header.type !== ContinuationFrame.TYPE) {
      throw new ProtocolError(
        `${frameTypeName(header.type)} frame on stream ${header.streamId} inside the field block of stream ${open.first.streamId}: expected CONTINUATION`,
      );
    }
    if (header.streamId !== open.first.streamId) {
      throw new ProtocolError(`CONTINUATION frame for stream ${header.streamId} while expecting one for stream ${open.first.streamId}`);
    }
    if (open.continuations + 1 > this.maxContinuationFrames) {
      throw new DenialOfServiceError(`too_many_continuations: more than ${this.maxContinuationFrames} CONTINUATION frames in one field block`);
    }
    if (open.size + header.length > this.maxHeaderBlockSize) {
      throw new DenialOfServiceError(`header_block_too_large: field block exceeds ${this.maxHeaderBlockSize} octets`);
    }
  }

  /** Returns the frame to hand out, or null while a field block is still open. */
  #joinFieldBlock(frame: Frame): Frame | null {
    if (frame instanceof ContinuationFrame) {
      const open = this.#openBlock;
      if (open === null) return frame; // unreachable: #checkFieldBlockSequence rejected it
      open.fragments.push(frame.headerBlock);
      open.size += frame.headerBlock.length;
      open.continuations += 1;
      if (!frame.endHeaders) return null;
      this.#openBlock = null;
      const block = this.#reuseJoinedBlocks ? this.#join(open.fragments, open.size) : Buffer.concat(open.fragments, open.size);
      const f = open.first;
      return f instanceof HeadersFrame
        ? new HeadersFrame(f.streamId, block, f.endStream, true, f.padLength, f.priority)
        : new PushPromiseFrame(f.streamId, f.promisedStreamId, block, true, f.padLength);
    }
    if ((frame instanceof HeadersFrame || frame instanceof PushPromiseFrame) && !frame.endHeaders) {
      if (frame.headerBlock.length > this.maxHeaderBlockSize) {
        throw new DenialOfServiceError(`header_block_too_large: field block exceeds ${this.maxHeaderBlockSize} octets`);
      }
      this.#openBlock = { first: frame, fragments: [frame.headerBlock], size: frame.headerBlock.length, continuations: 0 };
      return null;
    }
    return frame;
  }

  /** `fragments` joined into the reused buffer (grown to a power of two as needed). */
  #join(fragments: readonly Uint8Array[], size: number): Buffer {
    let joined = this.#joined;
    if (joined === null || joined.length < size) {
      joined = Buffer.allocUnsafe(Math.max(2 ** Math.ceil(Math.log2(size)), 1024));
      this.#joined = joined;
    }
    let at = 0;
    for (const f of fragments) {
      joined.set(f, at);
      at += f.length;
    }
    return joined.subarray(0, size);
  }

  /**
   * Removes and decodes a frame header (9 octets buffered): read in place when it lies in the
   * first chunk, so a flood of small frames costs no view per header.
   */
  #takeHeader(): FrameHeader {
    const first = this.#chunks[0];
    if (first === undefined || first.length - this.#head < FRAME_HEADER_LENGTH) return readFrameHeader(this.#take(FRAME_HEADER_LENGTH), 0);
    const header = readFrameHeader(first, this.#head);
    this.#advance(first, FRAME_HEADER_LENGTH);
    return header;
  }

  /** Consumes `n` octets of the first chunk (n <= what is left of it). */
  #advance(first: Buffer, n: number): void {
    this.#buffered -= n;
    this.#head += n;
    if (this.#head === first.length) {
      this.#chunks.shift();
      this.#head = 0;
    }
  }

  /** Removes `n` buffered octets (n <= buffered): a view when they lie in one chunk, else a copy. */
  #take(n: number): Buffer {
    const first = this.#chunks[0];
    if (first === undefined || n === 0) return EMPTY;
    if (first.length - this.#head >= n) {
      const out = first.subarray(this.#head, this.#head + n);
      this.#advance(first, n);
      return out;
    }
    this.#buffered -= n;
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[0];
      if (chunk === undefined) break;
      const count = Math.min(chunk.length - this.#head, n - filled);
      chunk.copy(out, filled, this.#head, this.#head + count);
      filled += count;
      this.#head += count;
      if (this.#head === chunk.length) {
        this.#chunks.shift();
        this.#head = 0;
      }
    }
    return out;
  }
}
