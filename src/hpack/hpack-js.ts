/**
 * Typed access to the parts of hpack.js 2.1.6 we use, and the one-time fix of its static table.
 *
 * hpack.js ships no types, and we use internals (`_execute`, `_encodeHeader`, `_table`) to skip
 * its readable-stream layer; those are stable only because the package has been frozen since
 * 2016, so package.json pins it to exactly 2.1.6 (notes/hpack-js.md §7).
 *
 * Bug 1 of notes/hpack-js.md §4.3: the static table's reverse map is a plain object, so a
 * name or value such as `constructor` or `__proto__` hits `Object.prototype` and encodes as
 * the wrong header (or throws). {@link hardenStaticTable} rebuilds the map with
 * null-prototype objects once, at load.
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
  updateSize(size: number): void;
}

/** hpack.js bit reader over an obuf queue. */
export interface HpackBitDecoder {
  push(chunk: Buffer): void;
  isEmpty(): boolean;
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

/** A field as hpack.js's decompressor pushes it. */
export interface HpackJsDecodedField {
  name: string;
  value: string;
  neverIndex: boolean;
}

/** The `this` hpack.js's `Decompressor.prototype` methods need, without the stream around it. */
export interface HpackDecompressorCore {
  _decoder: HpackBitDecoder;
  _table: HpackTable;
  _execute(): void;
  _processUpdate(): void;
  push(field: HpackJsDecodedField): boolean;
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
  decoder: { create(): HpackBitDecoder };
  encoder: { create(): HpackBitEncoder };
  compressor: { prototype: HpackCompressorCore };
  decompressor: { prototype: HpackDecompressorCore };
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

/** A fresh table with `maxSize` as both the current and the protocol maximum. */
export function createTable(maxSize: number): HpackTable {
  return hpackJs.table.create({ maxSize });
}

/** A decompressor without its readable-stream shell: hpack.js's prototype methods on our own state. */
export function createDecompressorCore(maxSize: number): HpackDecompressorCore {
  const core = Object.create(hpackJs.decompressor.prototype) as HpackDecompressorCore;
  core._decoder = hpackJs.decoder.create();
  core._table = createTable(maxSize);
  return core;
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
