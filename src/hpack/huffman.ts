/**
 * Huffman decoding of HPACK string literals (RFC 7541 §5.2, the code of Appendix B), four
 * bits at a time.
 *
 * hpack.js decodes a Huffman string bit by bit into an array of numbers and then builds the
 * string one character at a time; for a large header block (128 KiB) that took milliseconds
 * and made garbage the size of the block several times over. Here a finite-state machine
 * (nghttp2's approach, `lib/nghttp2_hd_huffman.c`) takes one nibble per step: its states are the
 * 256 internal nodes of the code tree, and each entry of {@link TRANSITIONS} says, for a state
 * and a nibble, which state follows, which symbol (if any) was completed — at most one, since
 * no code is shorter than 5 bits — and whether the string may end there.
 *
 * The machine is built once, at load, from the code table hpack.js uses for encoding (the
 * Appendix B table; spec/hpack/huffman.spec.ts checks it against the RFC text).
 *
 * Does not own: string length prefixes or the H bit (decoder.ts reads those).
 */
import { CompressionError } from '../errors.js';
import { huffmanCodes } from './hpack-js.js';

/** RFC 7541 Appendix B: 256 octets and EOS. */
const EOS = 256;
/** Transition flags (bits 8-10 of an entry; bits 0-7: the next state; bits 16-23: the symbol). */
const EMITS = 0x100;
/** The string may end here: the bits since the last symbol are at most 7 ones (RFC 7541 §5.2). */
const ACCEPTS = 0x200;
/** The nibble completes EOS: a decoding error (RFC 7541 §5.2). */
const FAILS = 0x400;

/**
 * The code tree as arrays: `child[2 * node + bit]` is an internal node (>= 0) or a leaf,
 * `-1 - symbol`. Node 0 is the root.
 */
function buildTree(codes: ReadonlyArray<readonly [number, number]>): { child: Int32Array; depth: Uint8Array; allOnes: Uint8Array } {
  const child = new Int32Array(2 * 256).fill(0x7fffffff); // 0x7fffffff: not built yet
  const depth = new Uint8Array(256);
  const allOnes = new Uint8Array(256);
  allOnes[0] = 1;
  let nodes = 1;
  codes.forEach(([bits, code], symbol) => {
    let node = 0;
    for (let i = bits - 1; i >= 0; i--) {
      const bit = (code >>> i) & 1;
      const slot = 2 * node + bit;
      if (i === 0) {
        child[slot] = -1 - symbol;
        break;
      }
      let next = child[slot] ?? 0;
      if (next === 0x7fffffff) {
        next = nodes++;
        child[slot] = next;
        depth[next] = (depth[node] ?? 0) + 1;
        allOnes[next] = (allOnes[node] ?? 0) & bit;
      }
      node = next;
    }
  });
  if (nodes !== 256) throw new Error(`the Huffman code has ${nodes} internal nodes, expected 256`);
  return { child, depth, allOnes };
}

/** `TRANSITIONS[16 * state + nibble]`: next state | flags | symbol << 16 (see the flag constants). */
const TRANSITIONS = ((): Uint32Array => {
  const { child, depth, allOnes } = buildTree(huffmanCodes());
  const table = new Uint32Array(256 * 16);
  for (let state = 0; state < 256; state++) {
    for (let nibble = 0; nibble < 16; nibble++) {
      let node = state;
      let entry = 0;
      for (let i = 3; i >= 0; i--) {
        const next = child[2 * node + ((nibble >>> i) & 1)] ?? 0;
        if (next >= 0) {
          node = next;
          continue;
        }
        const symbol = -1 - next;
        if (symbol === EOS) {
          entry |= FAILS;
          break;
        }
        entry |= EMITS | (symbol << 16);
        node = 0;
      }
      // RFC 7541 §5.2: padding is the most significant bits of EOS (all ones), at most 7 of them.
      if (node === 0 || (allOnes[node] === 1 && (depth[node] ?? 0) <= 7)) entry |= ACCEPTS;
      table[16 * state + nibble] = entry | node;
    }
  }
  return table;
})();

/** Where decoded octets go; grown as needed, reused by every call. */
let scratch = Buffer.allocUnsafe(4096);

/**
 * Decodes the Huffman-coded string `src[start, end)` into a latin1 string (one character per
 * octet).
 * @throws CompressionError for EOS in the string, padding longer than 7 bits or not all
 *   ones (RFC 7541 §5.2).
 */
export function decodeHuffman(src: Uint8Array, start: number, end: number): string {
  // Every code is at least 5 bits long: 8 input bits give at most 8/5 octets.
  const most = Math.ceil(((end - start) * 8) / 5);
  if (scratch.length < most) scratch = Buffer.allocUnsafe(Math.max(most, 2 * scratch.length));
  const out = scratch;
  let length = 0;
  let last = ACCEPTS; // the entry of the last nibble: an empty string is valid
  for (let i = start; i < end; i++) {
    const octet = src[i] ?? 0;
    const high = TRANSITIONS[16 * (last & 0xff) + (octet >>> 4)] ?? FAILS;
    if ((high & EMITS) !== 0) out[length++] = high >>> 16;
    last = TRANSITIONS[16 * (high & 0xff) + (octet & 0xf)] ?? FAILS;
    if ((last & EMITS) !== 0) out[length++] = last >>> 16;
    if (((high | last) & FAILS) !== 0) throw new CompressionError('HPACK decoding failed: EOS inside a Huffman-coded string');
  }
  if ((last & ACCEPTS) === 0) throw new CompressionError('HPACK decoding failed: Huffman padding longer than 7 bits or not all ones');
  return out.toString('latin1', 0, length);
}
