/**
 * The Huffman decoder (RFC 7541 §5.2, Appendix B): its code table against the RFC text, every
 * symbol and random strings round-tripped through a bit-by-bit reference encoder, and each
 * decoding error the RFC names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { ErrorCodes } from '../../src/error-codes.js';
import { CompressionError } from '../../src/errors.js';
import { huffmanCodes } from '../../src/hpack/hpack-js.js';
import { decodeHuffman } from '../../src/hpack/huffman.js';
import { hex } from '../helpers/bytes.js';
import { fuzzRuns } from '../helpers/fuzz-runs.js';
import { SHARED_DIR } from '../helpers/shared.js';

/** Packs symbols (octets, or 256 for EOS) MSB first with `codes`, then pads with `padding` (default: ones to the octet). */
function encode(symbols: number[], padding?: string): Buffer {
  let bits = '';
  for (const s of symbols) {
    const [length, code] = huffmanCodes()[s] ?? [0, 0];
    bits += code.toString(2).padStart(length, '0');
  }
  bits += padding ?? '1'.repeat((8 - (bits.length % 8)) % 8);
  const out = Buffer.alloc(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i] === '1') out[i >> 3] = (out[i >> 3] ?? 0) | (0x80 >> (i & 7));
  return out;
}

const decode = (b: Buffer): string => decodeHuffman(b, 0, b.length);

function expectError(b: Buffer, message: RegExp): void {
  expect(() => decode(b), b.toString('hex')).to.throw(CompressionError, message).with.property('errorCode', ErrorCodes.COMPRESSION_ERROR);
}

describe('decodeHuffman', function () {
  const rfc = SHARED_DIR === null ? null : join(SHARED_DIR, 'rfc', 'hpack-editors-draft.txt');
  (rfc === null ? it.skip : it)('uses the code of RFC 7541 Appendix B, symbol by symbol', function () {
    const text = readFileSync(rfc ?? '', 'latin1');
    const rows = [...text.matchAll(/^\s+(?:'.'\s+)?\(\s*(\d+)\)\s+\|[01|]+\s+([0-9a-f]+)\s+\[\s*(\d+)\]/gm)].map((m) => [Number(m[1]), Number(m[3]), parseInt(m[2] ?? '', 16)]);
    const eos = /EOS \(256\)\s+\|[01|]+\s+([0-9a-f]+)\s+\[\s*(\d+)\]/.exec(text);
    rows.push([256, Number(eos?.[2]), parseInt(eos?.[1] ?? '', 16)]);
    expect(rows.map(([symbol]) => symbol)).to.deep.equal(Array.from({ length: 257 }, (_, i) => i));
    expect(rows.map(([, length, code]) => [length, code])).to.deep.equal(huffmanCodes().map(([length, code]) => [length, code]));
  });

  it('decodes RFC 7541 C.4.1 (www.example.com)', function () {
    expect(decode(hex('f1e3 c2e5 f23a 6ba0 ab90 f4ff'))).to.equal('www.example.com');
  });

  it('decodes every octet alone and all 256 in a row, as latin1', function () {
    for (let octet = 0; octet < 256; octet++) expect(decode(encode([octet])), `octet ${octet}`).to.equal(String.fromCharCode(octet));
    const all = Array.from({ length: 256 }, (_, i) => i);
    expect(decode(encode(all))).to.equal(String.fromCharCode(...all));
  });

  it('decodes the empty string', function () {
    expect(decode(Buffer.alloc(0))).to.equal('');
  });

  it('round-trips random strings, long ones included', function () {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (octets) => {
        expect(decode(encode([...octets]))).to.equal(Buffer.from(octets).toString('latin1'));
      }),
      { numRuns: fuzzRuns(300) },
    );
  });

  it('decodes only the range it is given', function () {
    const inner = encode([...Buffer.from('inner')]);
    const b = Buffer.concat([hex('00ff'), inner, hex('00')]);
    expect(decodeHuffman(b, 2, 2 + inner.length)).to.equal('inner');
  });

  it('answers EOS inside a string with COMPRESSION_ERROR (RFC 7541 §5.2)', function () {
    expectError(encode([0x61, 256, 0x61]), /EOS/);
    expectError(encode([256]), /EOS/);
  });

  it('answers padding longer than 7 bits with COMPRESSION_ERROR (RFC 7541 §5.2)', function () {
    expectError(encode([0x61], '11111111111'), /padding/); // 'a' is 5 bits, then 11 ones
    expectError(hex('ff'), /padding/); // no symbol at all: 8 ones
  });

  it('answers padding that is not the most significant bits of EOS with COMPRESSION_ERROR', function () {
    expectError(encode([0x61], '000'), /padding/);
    expectError(encode([0x61], '101'), /padding/);
  });

  it('answers a string cut inside a long code with COMPRESSION_ERROR', function () {
    const zero = encode([0]); // 13 bits + 3 ones of padding
    expectError(zero.subarray(0, 1), /padding/);
  });
});
