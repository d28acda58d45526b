/**
 * FrameWriter: serializes frames into slabs, handed out as views.
 *
 * Frames write themselves with `serializeInto(writer)`; the connection calls {@link take} to
 * collect everything queued as one Buffer (h2's `data_to_send`), or {@link takeChunks} for
 * the same bytes as a list of views without joining them (the stream adapter pushes each).
 * Memory handed out is never written again, so callers may keep it; new frames go after it in
 * the same slab until the slab is full. A full slab is sealed as it is and a new one started:
 * pending bytes are never moved, so each octet is copied once.
 *
 * DATA payloads can skip even that copy: while {@link lendPayloads} is set, a payload of at
 * least `MIN_LENT_PAYLOAD` octets is not copied but kept by reference as its own chunk
 * between slab pieces (see {@link writePayload}). Only `takeChunks()` keeps it that way;
 * `take()` joins, which copies it.
 */
import { FRAME_HEADER_LENGTH, STREAM_ID_MASK } from './header.js';

/** First slab size in octets; slabs grow to fit what is pending. */
const INITIAL_SLAB_SIZE = 16 * 1024;
/** Largest slab size remembered as the next allocation size (see #preferredSize). */
const MAX_PREFERRED_SLAB_SIZE = 1024 * 1024;
/** When a take() empties the writer and less than this is left, the slab is dropped so idle connections hold nothing. */
const MIN_USEFUL_ROOM = 1024;

const EMPTY = Buffer.alloc(0);
/**
 * Smallest DATA payload kept by reference instead of copied. Below it the copy costs less
 * than the extra chunk does (one more iovec for the socket, one more entry to track).
 */
export const MIN_LENT_PAYLOAD = 4096;

/** Serializes frames into reusable slabs; `take()`/`takeChunks()` hand them over without copying. */
export class FrameWriter {
  /** Sealed pieces of earlier slabs, pending, in order, before the current slab's bytes. */
  /** Pieces sealed ahead of the slab's pending octets, in order; null when none (an idle connection keeps no array). */
  #sealed: Buffer[] | null = null;
  #sealedLength = 0;
  #slab: Buffer = EMPTY;
  /** Start of the bytes not yet taken. */
  #start = 0;
  /** End of the bytes written. */
  #end = 0;
  /**
   * Size of the next slab: the largest one needed so far (capped). A connection that queues
   * 64 KiB between takes then gets one 128 KiB slab per round instead of doubling from 16 KiB
   * and copying what is pending at every step.
   */
  #preferredSize = INITIAL_SLAB_SIZE;

  /**
   * While true, {@link writePayload} keeps large payloads by reference: the caller promises
   * not to modify them until they are taken. H2Connection sets it around a zero-copy sendData.
   */
  lendPayloads = false;

  /** Octets written and not yet taken. */
  get length(): number {
    return this.#sealedLength + this.#end - this.#start;
  }

  /** Makes room for `n` more octets: seals what the current slab holds and starts a new one. */
  #reserve(n: number): void {
    if (this.#end + n <= this.#slab.length) return;
    // Sealing with bytes pending means take() will have to join pieces: when what is pending is
    // a good part of a slab (a round of output that does not fit), make the next slabs twice as
    // large (within the cap) so that rounds soon fit in one. A slab that fills over many small
    // rounds, each taken long before the next, is no reason to grow: under load that kept a
    // 1 MiB slab per connection for a few KiB per round (the soak: 50 MiB of 233).
    const pending = this.#end - this.#start;
    if (pending > 0 && pending + n > this.#preferredSize / 2) this.#preferredSize = Math.min(MAX_PREFERRED_SLAB_SIZE, this.#preferredSize * 2);
    this.#seal();
    this.#slab = Buffer.allocUnsafe(Math.max(this.#preferredSize, n));
    this.#start = 0;
    this.#end = 0;
  }

  /** Writes a 9-octet frame header. The reserved bit of the stream id is written as 0. */
  writeFrameHeader(length: number, type: number, flags: number, streamId: number): void {
    this.#reserve(FRAME_HEADER_LENGTH);
    const s = this.#slab;
    const o = this.#end;
    s[o] = (length >>> 16) & 0xff;
    s[o + 1] = (length >>> 8) & 0xff;
    s[o + 2] = length & 0xff;
    s[o + 3] = type;
    s[o + 4] = flags;
    s.writeUInt32BE(streamId & STREAM_ID_MASK, o + 5);
    this.#end = o + FRAME_HEADER_LENGTH;
  }

  /** Appends one octet. */
  writeUInt8(value: number): void {
    this.#reserve(1);
    this.#slab[this.#end++] = value & 0xff;
  }

  /** Appends a 16-bit big-endian integer. */
  writeUInt16(value: number): void {
    this.#reserve(2);
    this.#slab.writeUInt16BE(value & 0xffff, this.#end);
    this.#end += 2;
  }

  /** Appends a 32-bit big-endian integer. */
  writeUInt32(value: number): void {
    this.#reserve(4);
    this.#slab.writeUInt32BE(value >>> 0, this.#end);
    this.#end += 4;
  }

  /** Appends octets (copied). */
  writeBytes(src: Uint8Array): void {
    this.#reserve(src.length);
    this.#slab.set(src, this.#end);
    this.#end += src.length;
  }

  /**
   * Appends a DATA payload: copied like {@link writeBytes}, or, while {@link lendPayloads} is
   * set and it has at least `MIN_LENT_PAYLOAD` octets, kept by reference. The slab's
   * pending bytes are sealed before it; later frames go on in the same slab.
   */
  writePayload(src: Uint8Array): void {
    if (!this.lendPayloads || src.length < MIN_LENT_PAYLOAD) {
      this.writeBytes(src);
      return;
    }
    this.#seal();
    (this.#sealed ??= []).push(Buffer.isBuffer(src) ? src : Buffer.from(src.buffer, src.byteOffset, src.length));
    this.#sealedLength += src.length;
  }

  /** Moves the current slab's pending bytes to the sealed list; the slab stays in use after them. */
  #seal(): void {
    if (this.#end === this.#start) return;
    (this.#sealed ??= []).push(this.#slab.subarray(this.#start, this.#end));
    this.#sealedLength += this.#end - this.#start;
    this.#start = this.#end;
  }

  /** Writes `n` zero octets (padding: RFC 9113 §6.1 "Padding octets MUST be set to zero"). */
  writeZeros(n: number): void {
    this.#reserve(n);
    this.#slab.fill(0, this.#end, this.#end + n);
    this.#end += n;
  }

  /**
   * Removes and returns the first `amount` pending octets (all of them when omitted). The
   * returned Buffer stays valid: the writer never writes into it again. It is a view when the
   * octets lie in one slab, else a copy joining them.
   */
  take(amount?: number): Buffer {
    const pending = this.length;
    const n = amount === undefined ? pending : Math.max(0, Math.min(amount, pending));
    if (n === 0) return EMPTY;
    if (this.#sealed === null) return this.#takeFromSlab(n);
    const chunks = this.takeChunks();
    const all = chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, pending);
    if (n < pending) {
      // Put the rest back as a sealed piece, ahead of anything written later.
      this.#sealed = [all.subarray(n)];
      this.#sealedLength = pending - n;
    }
    return n < pending ? all.subarray(0, n) : all;
  }

  /** Removes and returns everything pending as views, in order, without joining them. */
  takeChunks(): Buffer[] {
    const chunks = this.#sealed ?? [];
    this.#sealed = null;
    this.#sealedLength = 0;
    if (this.#end > this.#start) chunks.push(this.#takeFromSlab(this.#end - this.#start));
    return chunks;
  }

  #takeFromSlab(n: number): Buffer {
    const out = this.#slab.subarray(this.#start, this.#start + n);
    this.#start += n;
    if (this.#start === this.#end && this.#slab.length - this.#end < MIN_USEFUL_ROOM) {
      this.#slab = EMPTY;
      this.#start = this.#end = 0;
    }
    return out;
  }

  /**
   * Lets go of the current slab when nothing is pending (an idle connection then holds no
   * output memory); the next write starts a small slab again.
   */
  release(): void {
    if (this.length !== 0) return;
    this.#slab = EMPTY;
    this.#start = this.#end = 0;
    this.#preferredSize = INITIAL_SLAB_SIZE;
  }

  /** Discards everything pending. */
  clear(): void {
    this.#sealed = null;
    this.#sealedLength = 0;
    this.#start = this.#end;
  }
}
