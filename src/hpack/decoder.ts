/**
 * HpackDecoder: one connection's inbound header compression context (RFC 7541).
 *
 * Parses each field block itself (RFC 7541 §6) over hpack.js's static and dynamic tables, with
 * Huffman strings decoded by huffman.ts: hpack.js's own decompressor reads bit by bit and
 * builds strings a character at a time, which made a 128 KiB block cost milliseconds of CPU and
 * several times its size in garbage. Policy on top of the format:
 *  - whole blocks only: the frame reader joins HEADERS + CONTINUATION before we decode;
 *  - dynamic table size updates only before the first field of a block (RFC 7541 §4.2) and
 *    within our acknowledged SETTINGS_HEADER_TABLE_SIZE (§6.3);
 *  - a required size update at the start of the first block after our *smaller*
 *    SETTINGS_HEADER_TABLE_SIZE was acknowledged (RFC 7541 §4.2);
 *  - the header list size (RFC 9113 §6.5.2: name + value + 32 per field) counted while
 *    decoding the *whole* block, so the dynamic table stays in sync even when the list is too
 *    large; the fields are then dropped and the caller refuses the stream;
 *  - any failure (a truncated or oversized integer, a string past the block, a bad index, bad
 *    Huffman) is a {@link CompressionError} (RFC 9113 §4.3), and the decoder is never used
 *    again: the peer's table and ours may disagree from then on.
 *
 * Decoded names and values are strings holding one octet per character (latin1): lossless;
 * the core re-encodes them as the configured header encoding.
 */
import { CompressionError } from '../errors.js';
import type { HpackTable } from './hpack-js.js';
import { createTable } from './hpack-js.js';
import { decodeHuffman } from './huffman.js';

/** RFC 9113 §6.5.2: SETTINGS_HEADER_TABLE_SIZE starts at 4096. */
export const DEFAULT_HEADER_TABLE_SIZE = 4096;
/** RFC 9113 §6.5.2: the per-field overhead in the header list size. */
export const HEADER_FIELD_OVERHEAD = 32;

/** One decoded field. Strings hold octets (latin1). */
export interface DecodedField {
  readonly name: string;
  readonly value: string;
  /** The peer sent it as "never indexed" (RFC 7541 §6.2.3): keep it so when forwarding. */
  readonly neverIndex: boolean;
}

/** Makes one decoded field in the shape the caller keeps (see {@link HpackDecoder.decode}). */
export type FieldMaker<F> = (name: string, value: string, neverIndex: boolean) => F;

/** The result of decoding one field block; `F` is the field shape (a {@link DecodedField} unless a maker is given). */
export interface DecodedBlock<F = DecodedField> {
  /** The fields in wire order; empty when `tooLarge`. */
  readonly fields: F[];
  /** Σ(name + value + 32) over every field of the block. */
  readonly listSize: number;
  /** Number of fields in the block (also counted when `tooLarge`). */
  readonly fieldCount: number;
  /** The list exceeded `maxHeaderListSize`: the block was decoded (the table is in sync) but its fields were dropped. */
  readonly tooLarge: boolean;
}

/** The default {@link FieldMaker}: a {@link DecodedField}. */
function makeField(name: string, value: string, neverIndex: boolean): DecodedField {
  return { name, value, neverIndex };
}

/** Options of {@link HpackDecoder}. */
export interface HpackDecoderOptions {
  /** Our SETTINGS_HEADER_TABLE_SIZE as the peer knows it (default 4096). */
  maxTableSize?: number;
  /** Largest header list kept (default 65536; Infinity: no limit). */
  maxHeaderListSize?: number;
}

/** The largest integer a block may carry (RFC 7541 §5.1 leaves it to the implementation; nghttp2 also stops at 2^32 - 1). */
const MAX_INTEGER = 0xffffffff;
const EMPTY = Buffer.alloc(0);

/**
 * Decodes HPACK header blocks (RFC 7541) into fields, keeping the dynamic table in sync: a
 * size update beyond our SETTINGS_HEADER_TABLE_SIZE, a bad index or a bad Huffman code is a
 * CompressionError, after which the decoder refuses further blocks.
 */
export class HpackDecoder {
  /** Largest header list size whose fields are returned; larger lists come back `tooLarge`. */
  maxHeaderListSize: number;

  readonly #table: HpackTable;
  #dead: Error | null = null;
  /** Our smaller table size was acknowledged: the peer owes a size update at the next block start. */
  #updateOwed = false;
  /** The block being decoded and the read offset in it. */
  #block: Buffer = EMPTY;
  #pos = 0;

  constructor(options: HpackDecoderOptions = {}) {
    this.maxHeaderListSize = options.maxHeaderListSize ?? 65536;
    this.#table = createTable(options.maxTableSize ?? DEFAULT_HEADER_TABLE_SIZE);
  }

  /** The dynamic table's current size limit, as set by the peer's size updates. */
  get tableMaxSize(): number {
    return this.#table.maxSize;
  }

  /** Octets the dynamic table currently holds. */
  get tableSize(): number {
    return this.#table.size;
  }

  /**
   * Call when the peer acknowledges a SETTINGS frame of ours carrying HEADER_TABLE_SIZE.
   * A smaller value obliges the peer to send a size update at the start of its next block.
   */
  setMaxTableSize(size: number): void {
    const table = this.#table;
    table.protocolMaxSize = size;
    if (table.maxSize > size) this.#updateOwed = true;
  }

  /**
   * Decodes one complete field block into {@link DecodedField}s.
   * @throws CompressionError for any malformed block; the decoder is then unusable.
   */
  decode(block: Uint8Array): DecodedBlock {
    return this.decodeWith(block, makeField);
  }

  /**
   * {@link decode}, with each field made by `make` in the caller's shape (the core keeps
   * [name, value] pairs: made directly, not copied from field objects).
   * @throws CompressionError for any malformed block; the decoder is then unusable.
   */
  decodeWith<F>(block: Uint8Array, make: FieldMaker<F>): DecodedBlock<F> {
    if (this.#dead !== null) throw new CompressionError('the HPACK decoder failed earlier on this connection', { cause: this.#dead });
    const buf = Buffer.isBuffer(block) ? block : Buffer.from(block.buffer, block.byteOffset, block.byteLength);
    const table = this.#table;
    const fields: F[] = [];
    let listSize = 0;
    let fieldCount = 0;
    let sawField = false;
    this.#block = buf;
    this.#pos = 0;
    try {
      while (this.#pos < buf.length) {
        const first = buf[this.#pos] ?? 0;
        let name: string;
        let value: string;
        let neverIndex = false;
        if ((first & 0x80) !== 0) {
          // RFC 7541 §6.1: indexed field (index 0 and indexes past the tables: lookup throws).
          const entry = table.lookup(this.#integer(7));
          name = entry.name;
          value = entry.value;
        } else if ((first & 0xe0) === 0x20) {
          // RFC 7541 §6.3, §4.2: a size update MUST come before the block's first field.
          if (sawField) throw new Error('dynamic table size update after a header field');
          table.updateSize(this.#integer(5));
          continue;
        } else {
          // RFC 7541 §6.2: literal with incremental indexing (01), never indexed (0001), or
          // without indexing (0000); a name index of 0 means a literal name follows.
          const incremental = (first & 0x40) !== 0;
          neverIndex = !incremental && (first & 0x10) !== 0;
          const nameIndex = this.#integer(incremental ? 6 : 4);
          name = nameIndex === 0 ? this.#string() : table.lookup(nameIndex).name;
          value = this.#string();
          if (incremental) table.add(name, value, name.length, value.length);
        }
        if (!sawField) {
          sawField = true;
          this.#checkOwedUpdate();
        }
        fieldCount += 1;
        listSize += name.length + value.length + HEADER_FIELD_OVERHEAD;
        if (listSize <= this.maxHeaderListSize) fields.push(make(name, value, neverIndex));
      }
      // A block of nothing but size updates (or nothing at all) must still settle an owed update.
      this.#checkOwedUpdate();
    } catch (err) {
      this.#dead = err instanceof Error ? err : new Error(String(err));
      if (err instanceof CompressionError) throw err;
      throw new CompressionError(`HPACK decoding failed: ${this.#dead.message}`, { cause: err });
    } finally {
      this.#block = EMPTY;
    }
    const tooLarge = listSize > this.maxHeaderListSize;
    return { fields: tooLarge ? [] : fields, listSize, fieldCount, tooLarge };
  }

  /** RFC 7541 §5.1: an integer with an N-bit prefix, starting at the current octet. */
  #integer(prefixBits: number): number {
    const buf = this.#block;
    const max = (1 << prefixBits) - 1;
    let value = (buf[this.#pos++] ?? 0) & max;
    if (value < max) return value;
    for (let shift = 0; ; shift += 7) {
      const octet = buf[this.#pos++];
      if (octet === undefined) throw new Error('truncated integer at the end of the block');
      value += (octet & 0x7f) * 2 ** shift;
      if (value > MAX_INTEGER || shift > 28) throw new Error('integer does not fit into 32 bits');
      if ((octet & 0x80) === 0) return value;
    }
  }

  /** RFC 7541 §5.2: a string literal (H bit, 7-bit prefixed length, octets) as latin1. */
  #string(): string {
    const buf = this.#block;
    const first = buf[this.#pos];
    if (first === undefined) throw new Error('truncated field: a string literal is missing');
    const length = this.#integer(7);
    const start = this.#pos;
    const end = start + length;
    if (end > buf.length) throw new Error(`string length ${length} exceeds the ${buf.length - start} octets left in the block`);
    this.#pos = end;
    return (first & 0x80) !== 0 ? decodeHuffman(buf, start, end) : buf.toString('latin1', start, end);
  }

  #checkOwedUpdate(): void {
    if (!this.#updateOwed) return;
    const table = this.#table;
    if (table.maxSize > table.protocolMaxSize) throw new Error(`missing dynamic table size update to at most ${table.protocolMaxSize}`);
    this.#updateOwed = false;
  }
}
