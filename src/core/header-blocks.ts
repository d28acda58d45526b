/**
 * HeaderBlocks: the connection's two HPACK contexts (RFC 7541; RFC 9113 §4.3) and the limits
 * on what a received header block may hold.
 *
 * Every received block is decoded in full, whatever happens to it next, so the decoder's
 * dynamic table stays in sync with the peer's encoder (RFC 9113 §4.3). A block over our
 * SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113 §6.5.2) or `maxHeaderListPairs` fields is then
 * refused: {@link HeaderBlocks.isOversized} lets the connection answer a new request with 431,
 * {@link HeaderBlocks.headerList} throws h2's DenialOfServiceError for anything else.
 *
 * Does not: validate or normalize fields (headers/validate.ts, headers/normalize.ts run per
 * stream), or split blocks into frames (stream.ts).
 */
import { DenialOfServiceError } from '../errors.js';
import { type DecodedBlock, HpackDecoder, HpackEncoder } from '../hpack/index.js';
import { DEFAULT_MAX_HEADER_LIST_SIZE } from './limits.js';
import { neverIndexed } from './headers/normalize.js';

/** A received field as the core keeps it; one the peer sent never indexed keeps that mark (h2's NeverIndexedHeaderTuple). */
function makePair(name: string, value: string, neverIndex: boolean): [string, string] {
  return neverIndex ? neverIndexed([name, value]) : [name, value];
}

export class HeaderBlocks {
  /** Compresses the blocks we send; its table size follows the peer's SETTINGS_HEADER_TABLE_SIZE. */
  readonly encoder = new HpackEncoder();
  readonly #decoder = new HpackDecoder({ maxHeaderListSize: DEFAULT_MAX_HEADER_LIST_SIZE });

  constructor(
    /** `maxHeaderListPairs`: fields in one received block. */
    readonly maxFields: number,
  ) {}

  /** Decodes a received block (always in full: the table must stay in sync) into [name, value] pairs. @throws CompressionError */
  decode(block: Uint8Array): DecodedBlock<[string, string]> {
    return this.#decoder.decodeWith(block, makePair);
  }

  /** Decodes a received block into [name, value] pairs. @throws as {@link decode} and {@link headerList}. */
  decodeHeaders(block: Uint8Array): Array<[string, string]> {
    return this.headerList(this.decode(block));
  }

  /** The block is over our header list size or has too many fields (its fields were dropped or must be). */
  isOversized(block: DecodedBlock<unknown>): boolean {
    return block.tooLarge || block.fieldCount > this.maxFields;
  }

  /**
   * A decoded block as [name, value] pairs.
   * @throws DenialOfServiceError ("too_many_headers") past `maxHeaderListPairs` fields, or
   *   h2's "Oversized header block" past our SETTINGS_MAX_HEADER_LIST_SIZE.
   */
  headerList(block: DecodedBlock<[string, string]>): Array<[string, string]> {
    if (block.fieldCount > this.maxFields) {
      throw new DenialOfServiceError(`too_many_headers: ${block.fieldCount} fields in one header block (maxHeaderListPairs ${this.maxFields})`, { debugData: 'too_many_headers' });
    }
    if (block.tooLarge) {
      // h2: DenialOfServiceError (GOAWAY ENHANCE_YOUR_CALM). The block was fully decoded first.
      throw new DenialOfServiceError(`Oversized header block: A header list larger than ${this.#decoder.maxHeaderListSize} has been received`, { debugData: 'Oversized header block' });
    }
    return block.fields;
  }

  /** Our SETTINGS_MAX_HEADER_LIST_SIZE was acknowledged: blocks are held to it from now on. */
  setMaxHeaderListSize(size: number): void {
    this.#decoder.maxHeaderListSize = size;
  }

  /** Our SETTINGS_HEADER_TABLE_SIZE was acknowledged: the peer's encoder may use this much of our decoder's table. */
  setDecoderTableSize(size: number): void {
    this.#decoder.setMaxTableSize(size);
  }

  /** The peer's SETTINGS_HEADER_TABLE_SIZE: the most our encoder's table may use. */
  setEncoderTableSize(size: number): void {
    this.encoder.setPeerMaxTableSize(size);
  }
}
