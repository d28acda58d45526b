/**
 * Typed access to the parts of hpack.js 2.1.6 we use, and the one-time fix of its static table.
 *
 * hpack.js ships no types, and we use internals (`_encodeHeader`, `_table`, the Huffman code
 * table) to skip its readable-stream layer; those are stable only because the package has been
 * frozen since 2016, so package.json pins it to exactly 2.1.6. The encoder runs on hpack.js;
 * the decoder uses only its tables (decoder.ts parses blocks itself, huffman.ts decodes strings).
 *
 * hpack.js bug: the static table's reverse map is a plain object, so a name or value such as
 * `constructor` or `__proto__` hits `Object.prototype` and encodes as the wrong header (or
 * throws). {@link hardenStaticTable} rebuilds the map with null-prototype objects once, at load.
 */
import { createRequire } from 'node:module';

/** One entry of a dynamic or static table. */
export interface HpackTableEntry {
  name: string;
  value: string;
  nameSize: number;
  totalSize: number;
}

/** hpack.js `Table`: static + dynamic entries and the two size limits. */
export interface HpackTable {
  dynamic: HpackTableEntry[];
  /** Current dynamic table size in octets (RFC 7541 §4.1). */
  size: number;
  /** Current maximum size (changed by size updates). */
  maxSize: number;
  /** Upper bound for `maxSize` (SETTINGS_HEADER_TABLE_SIZE); hpack.js asserts updates stay within it. */
  protocolMaxSize: number;
  /** Static entries + dynamic entries: the largest valid index (RFC 7541 §2.3.3). */
  length: number;
  /** Sets `maxSize` (throws above `protocolMaxSize`) and evicts down to it (RFC 7541 §4.3). */
  updateSize(size: number): void;
  /** The entry at `index` (RFC 7541 §2.3.3); throws for 0 or past `length`. */
  lookup(index: number): HpackTableEntry;
  /** Inserts an entry (sizes in octets) and evicts down to `maxSize`, the new entry too if it is larger (RFC 7541 §4.4). */
  add(name: string, value: string, nameSize: number, valueSize: number): void;
}

/** hpack.js bit writer over a wbuf. */
export interface HpackBitEncoder {
  encodeBits(bits: number, len: number): void;
  encodeInt(num: number): void;
  render(): Buffer[];
  /** Where the octets go (wbuf in hpack.js; replaceable by anything with the same three methods). */
  buffer: { writeUInt8(octet: number): void; reserve(n: number): void; skip(n: number): void };
  word: number;
  bitOffset: number;
}

/** A field as hpack.js's compressor takes it. Strings hold octets (one char per octet). */
export interface HpackJsField {
  name: string;
  value: string;
  neverIndex?: boolean;
  huffman?: boolean;
  incremental?: boolean;
}

/** The `this` hpack.js's `Compressor.prototype._encodeHeader` needs. */
export interface HpackCompressorCore {
  _encoder: HpackBitEncoder | null;
  _table: HpackTable;
  _encodeHeader(field: HpackJsField): void;
}

interface StaticMapEntry {
  index: number;
  values: Record<string, number>;
}

interface HpackJs {
  table: { create(options: { maxSize: number; lookupDepth?: number }): HpackTable };
  encoder: { create(): HpackBitEncoder };
  compressor: { prototype: HpackCompressorCore };
  /** RFC 7541 Appendix B: `[bit length, code]` for octets 0-255 and EOS (256). */
  huffman: { encode: ReadonlyArray<readonly [number, number]> };
  'static-table': { map: Record<string, StaticMapEntry> };
}

const hpackJs = createRequire(import.meta.url)('hpack.js') as HpackJs;

/** Rebuilds the static reverse map with null-prototype objects (idempotent). */
function hardenStaticTable(lib: HpackJs): void {
  const staticTable = lib['static-table'];
  if (Object.getPrototypeOf(staticTable.map) === null) return;
  const map = Object.create(null) as Record<string, StaticMapEntry>;
  for (const [name, entry] of Object.entries(staticTable.map)) {
    const values = Object.assign(Object.create(null) as Record<string, number>, entry.values);
    map[name] = { index: entry.index, values };
  }
  staticTable.map = map;
}

hardenStaticTable(hpackJs);

/** The static table's index of exactly this name and value (RFC 7541 Appendix A), or 0. */
export function staticExactIndex(name: string, value: string): number {
  return hpackJs['static-table'].map[name]?.values[value] ?? 0;
}

/** A fresh table with `maxSize` as both the current and the protocol maximum. */
export function createTable(maxSize: number): HpackTable {
  return hpackJs.table.create({ maxSize });
}

/** The Huffman code of RFC 7541 Appendix B as hpack.js encodes with it: `[bit length, code]` per symbol (256 is EOS). */
export function huffmanCodes(): ReadonlyArray<readonly [number, number]> {
  return hpackJs.huffman.encode;
}

/** A compressor without its readable-stream shell. */
export function createCompressorCore(maxSize: number): HpackCompressorCore {
  const core = Object.create(hpackJs.compressor.prototype) as HpackCompressorCore;
  core._encoder = null;
  core._table = createTable(maxSize);
  return core;
}

/** A fresh bit writer (hpack.js `Encoder`), writing into its own wbuf until `buffer` is replaced. */
export function createBitEncoder(): HpackBitEncoder {
  return hpackJs.encoder.create();
}
