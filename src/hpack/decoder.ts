/**
 * HpackDecoder: one connection's inbound header compression context (RFC 7541), over hpack.js.
 *
 * hpack.js decodes correctly but has no policy (notes/hpack-js.md §4, §7). This class adds:
 *  - whole blocks only: the frame reader joins HEADERS + CONTINUATION before we decode;
 *  - dynamic table size updates only before the first field of a block (RFC 7541 §4.2) and
 *    within our acknowledged SETTINGS_HEADER_TABLE_SIZE (§6.3, checked by hpack.js);
 *  - a required size update at the start of the first block after our *smaller*
 *    SETTINGS_HEADER_TABLE_SIZE was acknowledged (RFC 7541 §4.2);
 *  - the header list size (RFC 9113 §6.5.2: name + value + 32 per field) counted while
 *    decoding the *whole* block, so the dynamic table stays in sync even when the list is too
 *    large; the fields are then dropped and the caller refuses the stream;
 *  - any failure, including hpack.js's TypeErrors on truncated integers, is a
 *    {@link CompressionError} (RFC 9113 §4.3), and the decoder is never used again, because
 *    hpack.js leaves stale octets and half-applied table changes behind.
 *
 * Decoded names and values are strings holding one octet per character (latin1): lossless;
 * the core re-encodes them as the configured header encoding.
 */
import { CompressionError } from '../errors.js';
import type { HpackDecompressorCore, HpackJsDecodedField } from './hpack-js.js';
import { createDecompressorCore } from './hpack-js.js';

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

/** The result of decoding one field block. */
export interface DecodedBlock {
  /** The fields in wire order; empty when `tooLarge`. */
  readonly fields: DecodedField[];
  /** Σ(name + value + 32) over every field of the block. */
  readonly listSize: number;
  /** Number of fields in the block (also counted when `tooLarge`). */
  readonly fieldCount: number;
  /** The list exceeded `maxHeaderListSize`: the block was decoded (the table is in sync) but its fields were dropped. */
  readonly tooLarge: boolean;
}

/** Options of {@link HpackDecoder}. */
export interface HpackDecoderOptions {
  /** Our SETTINGS_HEADER_TABLE_SIZE as the peer knows it (default 4096). */
  maxTableSize?: number;
  /** Largest header list kept (default 65536; Infinity: no limit). */
  maxHeaderListSize?: number;
}

export class HpackDecoder {
  /** Largest header list size whose fields are returned; larger lists come back `tooLarge`. */
  maxHeaderListSize: number;

  readonly #core: HpackDecompressorCore;
  #dead: Error | null = null;
  /** A field was decoded in the current block: size updates are no longer allowed. */
  #sawField = false;
  /** Our smaller table size was acknowledged: the peer owes a size update at the next block start. */
  #updateOwed = false;
  #listSize = 0;
  #fieldCount = 0;
  #fields: DecodedField[] = [];

  constructor(options: HpackDecoderOptions = {}) {
    this.maxHeaderListSize = options.maxHeaderListSize ?? 65536;
    const core = createDecompressorCore(options.maxTableSize ?? DEFAULT_HEADER_TABLE_SIZE);
    const processUpdate = core._processUpdate.bind(core);
    // RFC 7541 §4.2: "This dynamic table size update MUST occur at the beginning of the first
    // header block following the change"; one after a field is a COMPRESSION_ERROR.
    core._processUpdate = (): void => {
      if (this.#sawField) throw new Error('dynamic table size update after a header field');
      processUpdate();
    };
    // hpack.js pushes each decoded field here (the Readable's push, replaced).
    core.push = (field: HpackJsDecodedField): boolean => {
      if (!this.#sawField) {
        this.#sawField = true;
        this.#checkOwedUpdate();
      }
      this.#fieldCount += 1;
      this.#listSize += field.name.length + field.value.length + HEADER_FIELD_OVERHEAD;
      if (this.#listSize <= this.maxHeaderListSize) this.#fields.push(field);
      return true;
    };
    this.#core = core;
  }

  /** The dynamic table's current size limit, as set by the peer's size updates. */
  get tableMaxSize(): number {
    return this.#core._table.maxSize;
  }

  /** Octets the dynamic table currently holds. */
  get tableSize(): number {
    return this.#core._table.size;
  }

  /**
   * Call when the peer acknowledges a SETTINGS frame of ours carrying HEADER_TABLE_SIZE.
   * A smaller value obliges the peer to send a size update at the start of its next block.
   */
  setMaxTableSize(size: number): void {
    const table = this.#core._table;
    table.protocolMaxSize = size;
    if (table.maxSize > size) this.#updateOwed = true;
  }

  /**
   * Decodes one complete field block.
   * @throws CompressionError for any malformed block; the decoder is then unusable.
   */
  decode(block: Uint8Array): DecodedBlock {
    if (this.#dead !== null) throw new CompressionError('the HPACK decoder failed earlier on this connection', { cause: this.#dead });
    this.#sawField = false;
    this.#listSize = 0;
    this.#fieldCount = 0;
    this.#fields = [];
    try {
      const bits = this.#core._decoder;
      bits.push(Buffer.isBuffer(block) ? block : Buffer.from(block.buffer, block.byteOffset, block.byteLength));
      while (!bits.isEmpty()) this.#core._execute();
      // A block of nothing but size updates (or nothing at all) must still settle an owed update.
      this.#checkOwedUpdate();
    } catch (err) {
      this.#dead = err instanceof Error ? err : new Error(String(err));
      throw new CompressionError(`HPACK decoding failed: ${this.#dead.message}`, { cause: err });
    }
    const tooLarge = this.#listSize > this.maxHeaderListSize;
    return { fields: tooLarge ? [] : this.#fields, listSize: this.#listSize, fieldCount: this.#fieldCount, tooLarge };
  }

  #checkOwedUpdate(): void {
    if (!this.#updateOwed) return;
    const table = this.#core._table;
    if (table.maxSize > table.protocolMaxSize) throw new Error(`missing dynamic table size update to at most ${table.protocolMaxSize}`);
    this.#updateOwed = false;
  }
}
