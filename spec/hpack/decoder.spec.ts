/**
 * HpackDecoder: the block parser against hpack.js's own decompressor, and the policy on top:
 * size updates, the header list size, COMPRESSION_ERROR for every failure, and no reuse after
 * one.
 */
import { createRequire } from 'node:module';
import { expect } from 'chai';
import fc from 'fast-check';
import { ErrorCodes } from '../../src/error-codes.js';
import { CompressionError } from '../../src/errors.js';
import { HpackDecoder, HpackEncoder } from '../../src/hpack/index.js';
import { hex } from '../helpers/bytes.js';
import { fuzzRuns } from '../helpers/fuzz-runs.js';

interface HpackJsField {
  name: string;
  value: string;
  neverIndex: boolean;
}
interface HpackJsDecompressor {
  write(block: Buffer): void;
  execute(): void;
  read(): HpackJsField | null;
  push(field: HpackJsField): boolean;
  _processUpdate(): void;
}
const hpackJs = createRequire(import.meta.url)('hpack.js') as { decompressor: { create(options: { table: { maxSize: number } }): HpackJsDecompressor } };

/**
 * What hpack.js's decompressor makes of a sequence of blocks: the fields of each, up to the
 * first error. With the one rule hpack.js lacks: a size update after a field of the same block
 * is an error (RFC 7541 §4.2).
 */
function referenceDecode(blocks: Buffer[]): string[] {
  const d = hpackJs.decompressor.create({ table: { maxSize: 4096 } });
  let sawField = false;
  const push = d.push.bind(d);
  d.push = (field) => {
    sawField = true;
    return push(field);
  };
  const processUpdate = d._processUpdate.bind(d);
  d._processUpdate = () => {
    if (sawField) throw new Error('dynamic table size update after a header field');
    processUpdate();
  };
  const out: string[] = [];
  for (const block of blocks) {
    sawField = false;
    d.write(block);
    try {
      d.execute();
    } catch {
      return [...out, 'error'];
    }
    for (let f = d.read(); f !== null; f = d.read()) out.push(`${f.name}: ${f.value}${f.neverIndex ? ' (never indexed)' : ''}`);
    out.push('--');
  }
  return out;
}

/** RFC 7541 §6.2.3 with a literal name, both strings raw (H = 0). */
function rawNeverIndexed(name: string, value: string): Buffer {
  return Buffer.concat([hex('10'), integer7(name.length), Buffer.from(name, 'latin1'), integer7(value.length), Buffer.from(value, 'latin1')]);
}

/** RFC 7541 §5.1 with a 7-bit prefix (the H bit 0). */
function integer7(n: number): Buffer {
  if (n < 127) return Buffer.from([n]);
  const out = [127];
  for (n -= 127; n >= 128; n >>= 7) out.push((n & 0x7f) | 0x80);
  out.push(n);
  return Buffer.from(out);
}

function ourDecode(blocks: Buffer[]): string[] {
  const d = new HpackDecoder({ maxHeaderListSize: Infinity });
  const out: string[] = [];
  for (const block of blocks) {
    try {
      for (const f of d.decode(block).fields) out.push(`${f.name}: ${f.value}${f.neverIndex ? ' (never indexed)' : ''}`);
    } catch (err) {
      expect(err).to.be.instanceOf(CompressionError);
      return [...out, 'error'];
    }
    out.push('--');
  }
  return out;
}

function fields(d: HpackDecoder, block: string): string[][] {
  return d.decode(hex(block)).fields.map((f) => [f.name, f.value]);
}

function expectCompressionError(block: string, setup?: (d: HpackDecoder) => void): void {
  const d = new HpackDecoder();
  setup?.(d);
  expect(() => {
    d.decode(hex(block));
  }, block)
    .to.throw(CompressionError)
    .with.property('errorCode', ErrorCodes.COMPRESSION_ERROR);
}

describe('HpackDecoder', function () {
  it('decodeWith() makes each field in the caller\'s shape, never-indexed marks included', function () {
    const enc = new HpackEncoder();
    const block = enc.encode([
      { name: ':method', value: 'GET' },
      { name: 'authorization', value: 'secret', neverIndex: true },
    ]);
    const made = new HpackDecoder().decodeWith(block, (name, value, neverIndex) => [name, value, neverIndex] as const);
    expect(made.fields).to.deep.equal([
      [':method', 'GET', false],
      ['authorization', 'secret', true],
    ]);
    expect(made.fieldCount).to.equal(2);
    expect(made.tooLarge).to.equal(false);
  });

  it('decodes RFC 7541 C.3.1 (first request, no Huffman)', function () {
    const d = new HpackDecoder();
    expect(fields(d, '828684410f7777772e6578616d706c652e636f6d')).to.deep.equal([
      [':method', 'GET'],
      [':scheme', 'http'],
      [':path', '/'],
      [':authority', 'www.example.com'],
    ]);
    expect(d.tableSize).to.equal(57);
  });

  const malformed: Array<[string, string]> = [
    ['Huffman padding longer than 7 bits', '0482 63ff'.replace(' ', '')],
    ['Huffman padding that is not all ones', '048160'],
    ['an EOS symbol inside a Huffman string', '0485fffffffd8f'],
    ['index 0', '80'],
    ['an index past the tables', 'be'],
    ['a size update above the limit', '3fe21f'],
    ['a size update after a field', '822082'],
    ['a size update at the end of a block', '823fe11f'],
    ['a truncated integer (hpack.js throws a TypeError)', 'ff'],
    ['a truncated integer continuation', 'ff80'],
    ['an integer longer than 32 bits', 'ffffffffff0f'],
    ['a truncated literal', '44'],
    ['a string length past the block', '048563'],
    ['a giant string length', '047fffffff7f61'],
  ];
  for (const [what, block] of malformed) {
    it(`answers ${what} with COMPRESSION_ERROR`, function () {
      expectCompressionError(block);
    });
  }

  it('decodes what hpack.js decodes, and fails where it fails, on valid and mutated blocks', function () {
    const octets = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a).toString('latin1'));
    const field = fc.record({ name: octets(12), value: fc.oneof(octets(40), fc.string({ maxLength: 40 }).map((v) => v.replace(/[^\x00-\x7f]/g, 'x'))), neverIndex: fc.boolean() });
    const mutation = fc.record({ at: fc.nat(), octet: fc.integer({ min: 0, max: 255 }), cut: fc.nat({ max: 3 }), mutate: fc.boolean() });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(field, { minLength: 1, maxLength: 6 }), mutation), { minLength: 1, maxLength: 4 }), (list) => {
        const encoder = new HpackEncoder();
        const blocks = list.map(([fields, m]) => {
          const block = Buffer.from(encoder.encode(fields));
          if (m.mutate) block[m.at % block.length] = m.octet;
          return block.subarray(0, block.length - (m.mutate ? m.cut : 0));
        });
        expect(ourDecode(blocks)).to.deep.equal(referenceDecode(blocks));
      }),
      { numRuns: fuzzRuns(3000) },
    );
  });

  it('decodes a 128 KiB header list of Huffman and raw literals in one block', function () {
    const fields = Array.from({ length: 8 }, (_, i) => ({ name: `x-big-${i}`, value: (i % 2 === 0 ? 'v' : '\xff').repeat(16 * 1024), neverIndex: true }));
    // Our encoder Huffman-codes every string: the odd fields are written raw by hand.
    const block = Buffer.concat(fields.map((f, i) => (i % 2 === 0 ? new HpackEncoder().encode([f]) : rawNeverIndexed(f.name, f.value))));
    const d = new HpackDecoder({ maxHeaderListSize: Infinity });
    expect(d.decode(block).fields).to.deep.equal(fields);
    expect(ourDecode([block])).to.deep.equal(referenceDecode([block]));
  });

  it('never decodes again after an error (no stale octets glued onto the next block)', function () {
    const d = new HpackDecoder();
    expect(() => d.decode(hex('7f0182'))).to.throw(CompressionError);
    expect(() => d.decode(hex('87'))).to.throw(CompressionError, 'failed earlier');
  });

  it('requires a size update after our smaller SETTINGS_HEADER_TABLE_SIZE is acknowledged', function () {
    expectCompressionError('82', (d) => {
      d.setMaxTableSize(1024);
    });
    const d = new HpackDecoder();
    d.setMaxTableSize(1024);
    expect(fields(d, '3fe10782')).to.deep.equal([[':method', 'GET']]); // update to 1024, then a field
    expect(d.tableMaxSize).to.equal(1024);
    expect(fields(d, '82')).to.deep.equal([[':method', 'GET']]); // owed only once
  });

  it('accepts a larger SETTINGS_HEADER_TABLE_SIZE without an update, and an update up to it', function () {
    const d = new HpackDecoder();
    d.setMaxTableSize(8192);
    expect(fields(d, '82')).to.deep.equal([[':method', 'GET']]);
    expect(fields(d, '3fe13f82')).to.deep.equal([[':method', 'GET']]);
    expect(d.tableMaxSize).to.equal(8192);
  });

  it('settles an owed update in a block holding only the update', function () {
    const d = new HpackDecoder();
    d.setMaxTableSize(0);
    expect(fields(d, '20')).to.deep.equal([]);
    expect(d.tableMaxSize).to.equal(0);
  });

  it('counts name + value + 32 per field and drops an oversized list while keeping the table in sync', function () {
    const enc = new HpackEncoder();
    const d = new HpackDecoder({ maxHeaderListSize: 100 });
    const big = enc.encode([{ name: 'x-big', value: 'v'.repeat(200) }]);
    const result = d.decode(big);
    expect(result.tooLarge).to.equal(true);
    expect(result.fields).to.deep.equal([]);
    expect(result.listSize).to.equal(5 + 200 + 32);
    // The entry was still added to the dynamic table: a reference to it decodes.
    d.maxHeaderListSize = 1000;
    const again = d.decode(enc.encode([{ name: 'x-big', value: 'v'.repeat(200) }]));
    expect(again.fields).to.deep.equal([{ name: 'x-big', value: 'v'.repeat(200), neverIndex: false }]);
  });

  it('survives the HPACK bomb: one large entry referenced 12,000 times is flagged, not returned', function () {
    const d = new HpackDecoder();
    const first = Buffer.concat([hex('40'), hex('01'), Buffer.from('a'), hex('7fa11e'), Buffer.alloc(4000, 0x62)]);
    const bomb = Buffer.concat([first, Buffer.alloc(12000, 0xbe)]);
    const result = d.decode(bomb);
    expect(result.tooLarge).to.equal(true);
    expect(result.fieldCount).to.equal(12001);
    expect(result.fields).to.have.length(0);
  });

  it('passes the never-indexed flag through', function () {
    const d = new HpackDecoder();
    const r = d.decode(hex('100870617373776f726406736563726574'));
    expect(r.fields).to.deep.equal([{ name: 'password', value: 'secret', neverIndex: true }]);
  });

  it('decodes octets above 0x7f losslessly as latin1 characters', function () {
    const d = new HpackDecoder();
    expect(fields(d, '0001 78 02 fffe'.replace(/ /g, ''))).to.deep.equal([['x', '\xff\xfe']]);
  });
});
