/**
 * HpackEncoder: one connection's outbound header compression context (RFC 7541), over hpack.js.
 *
 * Adds to hpack.js:
 *  - input validated *before* hpack.js sees it (strings of octets only), because an exception
 *    inside hpack.js leaves its table changed for fields that were never sent;
 *  - the peer's SETTINGS_HEADER_TABLE_SIZE honoured with the size updates RFC 7541 §4.2
 *    requires (hpack.js's own `updateTableSize` shrinks the table without signalling it),
 *    capped by our own memory limit for the table;
 *  - `neverIndex` fields sent as "literal never indexed" (RFC 7541 §6.2.3);
 *  - after an internal failure the encoder refuses further use (the peer's table would be
 *    out of sync).
 */
import { H2Error } from '../errors.js';
import type { HpackBitEncoder, HpackCompressorCore, HpackTable, HpackTableEntry } from './hpack-js.js';
import { createBitEncoder, createCompressorCore, staticExactIndex } from './hpack-js.js';
import { OctetSink } from './octet-sink.js';
import { DEFAULT_HEADER_TABLE_SIZE } from './decoder.js';

/** A field to encode. Strings must hold octets (every code unit <= 0xFF; use latin1 for bytes). */
export interface EncodeField {
  readonly name: string;
  readonly value: string;
  /** Send as never indexed (sensitive fields: authorization, short cookies). */
  readonly neverIndex?: boolean;
}

/** Options of {@link HpackEncoder}. */
export interface HpackEncoderOptions {
  /** Our own cap on the table the encoder uses, whatever the peer allows (default 4096). */
  maxTableSize?: number;
}

/** Code units above 0xFF cannot be octets; hpack.js would split them into two octets. */
const NON_OCTET = /[^\0-\xff]/;

/**
 * hpack.js's bit writer and the sink it writes into, shared by every encoder: encode() runs
 * from the sink's clear() to its take() (which copies the block out) without yielding, so no
 * two blocks are ever in them at once. Per encoder they were ~700 octets of an idle
 * connection (the 512-octet sink a slice of Buffer's pool, keeping that slab alive).
 */
let shared: { bits: HpackBitEncoder; sink: OctetSink } | null = null;
function sharedWriter(): { bits: HpackBitEncoder; sink: OctetSink } {
  if (shared === null) {
    const bits = createBitEncoder();
    const sink = new OctetSink();
    bits.buffer = sink;
    shared = { bits, sink };
  }
  return shared;
}

/** Dynamic entries searched for a field, newest first (hpack.js searches 32): a bound on the work per field with a large table. */
const LOOKUP_DEPTH = 64;

/**
 * The index of the dynamic table entry holding exactly `name` and `value` (newest first), or 0;
 * 0 too when the static table has them (hpack.js finds those). hpack.js's own lookup stops at
 * the newest entry with the same name when the name is in the static table, so a field whose
 * value alternates (`content-length` of responses of three sizes) was sent as a literal and
 * added to the table again every time: more octets on the wire, and for each field an array
 * per string and a Huffman code list built and thrown away.
 */
function dynamicExactIndex(table: HpackTable, name: string, value: string): number {
  if (staticExactIndex(name, value) !== 0) return 0;
  const dynamic = table.dynamic;
  const oldest = Math.max(0, dynamic.length - LOOKUP_DEPTH);
  for (let i = dynamic.length - 1; i >= oldest; i--) {
    const entry = dynamic[i] as HpackTableEntry;
    if (entry.name === name && entry.value === value) return table.length - i;
  }
  return 0;
}

/** HPACK encoder (RFC 7541) over hpack.js, with its bugs fixed. python hpack: `Encoder`. */
export class HpackEncoder {
  readonly #core: HpackCompressorCore;
  readonly #cap: number;
  /** Smallest size the peer allowed since our last block, or null when nothing changed. */
  #pendingMin: number | null = null;
  /** The size to end on at the next block start. */
  #pendingFinal: number;
  #dead = false;

  constructor(options: HpackEncoderOptions = {}) {
    this.#cap = options.maxTableSize ?? DEFAULT_HEADER_TABLE_SIZE;
    // The peer's decoder starts at 4096 (RFC 9113 §6.5.2); we may use less, announced by an update.
    this.#core = createCompressorCore(DEFAULT_HEADER_TABLE_SIZE);
    this.#pendingFinal = DEFAULT_HEADER_TABLE_SIZE;
    if (this.#cap < DEFAULT_HEADER_TABLE_SIZE) this.setPeerMaxTableSize(DEFAULT_HEADER_TABLE_SIZE);
  }

  /** The dynamic table's current size limit. */
  get tableMaxSize(): number {
    return this.#core._table.maxSize;
  }

  /** Octets the dynamic table currently holds. */
  get tableSize(): number {
    return this.#core._table.size;
  }

  /** Call when the peer's SETTINGS carry HEADER_TABLE_SIZE; applies from the next block. */
  setPeerMaxTableSize(size: number): void {
    const target = Math.min(size, this.#cap);
    this.#core._table.protocolMaxSize = Math.max(size, target);
    this.#pendingMin = this.#pendingMin === null ? target : Math.min(this.#pendingMin, target);
    this.#pendingFinal = target;
  }

  /**
   * Encodes one field block.
   * @throws TypeError when a name or value is not a string of octets (nothing is encoded).
   * @throws H2Error when hpack.js failed earlier on this connection.
   */
  encode(fields: Iterable<EncodeField>): Buffer {
    if (this.#dead) throw new H2Error('the HPACK encoder failed earlier on this connection');
    const list = Array.isArray(fields) ? (fields as EncodeField[]) : [...fields];
    for (const f of list) {
      if (typeof f.name !== 'string' || typeof f.value !== 'string') {
        throw new TypeError(`header name and value must be strings of octets, got ${typeof f.name} / ${typeof f.value}`);
      }
      if (NON_OCTET.test(f.name) || NON_OCTET.test(f.value)) {
        throw new TypeError(`header ${JSON.stringify(f.name)} has a character above \\xff; encode text as octets first`);
      }
    }
    const core = this.#core;
    const { bits, sink } = sharedWriter();
    // Every field ends octet-aligned, so a block always starts with an empty bit word.
    bits.word = 0;
    bits.bitOffset = 0;
    sink.clear();
    try {
      if (this.#pendingMin !== null) {
        // RFC 7541 §4.2: signal the smallest size reached, then the final one.
        if (this.#pendingMin < this.#pendingFinal) this.#emitSizeUpdate(bits, this.#pendingMin);
        this.#emitSizeUpdate(bits, this.#pendingFinal);
        this.#pendingMin = null;
      }
      core._encoder = bits;
      for (const f of list) {
        const neverIndex = f.neverIndex === true;
        const index = neverIndex ? 0 : dynamicExactIndex(core._table, f.name, f.value);
        if (index > 0) {
          // RFC 7541 §6.1: an indexed field, '1' then the index on a 7-bit prefix.
          bits.encodeBits(1, 1);
          bits.encodeInt(index);
        } else {
          core._encodeHeader({ name: f.name, value: f.value, neverIndex });
        }
      }
    } catch (err) {
      this.#dead = true;
      throw new H2Error(`HPACK encoding failed: ${err instanceof Error ? err.message : String(err)}`, undefined, { cause: err });
    } finally {
      core._encoder = null;
    }
    return sink.take();
  }

  /** Writes `001xxxxx` + size (RFC 7541 §6.3) and applies it to our table. */
  #emitSizeUpdate(bits: HpackBitEncoder, size: number): void {
    bits.encodeBits(1, 3);
    bits.encodeInt(size);
    this.#core._table.updateSize(size);
  }
}
