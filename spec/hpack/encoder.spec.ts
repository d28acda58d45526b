/**
 * HpackEncoder: input validation before hpack.js, the Object.prototype static-table bug, the
 * dynamic-table lookup hpack.js cuts short, size updates for the peer's
 * SETTINGS_HEADER_TABLE_SIZE, never-indexed fields.
 */
import { expect } from 'chai';
import { HpackDecoder, HpackEncoder } from '../../src/hpack/index.js';

function roundTrip(enc: HpackEncoder, dec: HpackDecoder, list: Array<[string, string]>): string[][] {
  return dec.decode(enc.encode(list.map(([name, value]) => ({ name, value })))).fields.map((f) => [f.name, f.value]);
}

describe('HpackEncoder', function () {
  it('encodes names and values that are Object.prototype keys as themselves', function () {
    const enc = new HpackEncoder();
    const dec = new HpackDecoder();
    roundTrip(enc, dec, [
      ['x-internal-auth', 'a'],
      ['x-forwarded-for', 'b'],
    ]);
    const tricky: Array<[string, string]> = [
      ['user-agent', 'constructor'],
      ['constructor', 'admin'],
      ['__proto__', 'x'],
      ['tostring', 'hasOwnProperty'],
      ['accept', 'valueOf'],
    ];
    expect(roundTrip(enc, dec, tricky)).to.deep.equal(tricky);
  });

  it('indexes a field found anywhere in the dynamic table, behind newer entries of the same name (hpack.js stops at the newest)', function () {
    const enc = new HpackEncoder();
    const dec = new HpackDecoder();
    const sizes = ['2', '16384', '100000'];
    // First round: literals, each added to the table.
    for (const n of sizes) expect(roundTrip(enc, dec, [['content-length', n]])).to.deep.equal([['content-length', n]]);
    const tableSize = enc.tableSize;
    // Every later field is one octet (an index) and the table stays as it is.
    for (let round = 0; round < 3; round++) {
      for (const n of sizes) {
        const block = enc.encode([{ name: 'content-length', value: n }]);
        expect(block.length, `content-length ${n}`).to.equal(1);
        expect(dec.decode(block).fields.map((f) => [f.name, f.value])).to.deep.equal([['content-length', n]]);
      }
    }
    expect(enc.tableSize).to.equal(tableSize);
    // A never-indexed field is still sent as a literal, whatever the table holds.
    expect(enc.encode([{ name: 'content-length', value: '2', neverIndex: true }]).length).to.be.greaterThan(1);
  });

  it('refuses non-string and non-octet input with a TypeError and stays usable', function () {
    const enc = new HpackEncoder();
    const dec = new HpackDecoder();
    expect(() => enc.encode([{ name: 'x', value: 42 as unknown as string }])).to.throw(TypeError);
    expect(() => enc.encode([{ name: 'x', value: 'euro €' }])).to.throw(TypeError);
    expect(() => enc.encode([{ name: undefined as unknown as string, value: 'v' }])).to.throw(TypeError);
    expect(roundTrip(enc, dec, [['x', 'ok']])).to.deep.equal([['x', 'ok']]);
  });

  it('does not add fields before a refused one to the table (nothing is encoded)', function () {
    const enc = new HpackEncoder();
    const before = enc.tableSize;
    expect(() =>
      enc.encode([
        { name: 'x-a', value: 'a' },
        { name: 'x-b', value: '€' },
      ]),
    ).to.throw(TypeError);
    expect(enc.tableSize).to.equal(before);
  });

  it('emits a size update when the peer shrinks SETTINGS_HEADER_TABLE_SIZE (hpack.js does not)', function () {
    const enc = new HpackEncoder();
    const dec = new HpackDecoder();
    roundTrip(enc, dec, [['x-one', '1']]);
    enc.setPeerMaxTableSize(1365);
    dec.setMaxTableSize(1365); // the peer's decoder now requires the update
    expect(roundTrip(enc, dec, [['x-two', '2']])).to.deep.equal([['x-two', '2']]);
    expect(enc.tableMaxSize).to.equal(1365);
    expect(dec.tableMaxSize).to.equal(1365);
  });

  it('signals the smallest size, then the final one, when the setting dips and recovers (RFC 7541 §4.2)', function () {
    const enc = new HpackEncoder();
    enc.encode([{ name: 'x-one', value: '1' }]);
    enc.setPeerMaxTableSize(0);
    enc.setPeerMaxTableSize(4096);
    const block = enc.encode([{ name: ':method', value: 'GET' }]);
    expect(block.toString('hex')).to.equal('203fe11f82');
  });

  it('treats a peer table size of 0 as a real setting', function () {
    const enc = new HpackEncoder();
    const dec = new HpackDecoder();
    enc.setPeerMaxTableSize(0);
    dec.setMaxTableSize(0);
    expect(roundTrip(enc, dec, [['x-a', 'a']])).to.deep.equal([['x-a', 'a']]);
    expect(enc.tableSize).to.equal(0);
  });

  it('caps its own table below a large peer setting', function () {
    const enc = new HpackEncoder({ maxTableSize: 256 });
    const dec = new HpackDecoder();
    enc.setPeerMaxTableSize(65536);
    expect(roundTrip(enc, dec, [['x-a', 'v'.repeat(300)]])).to.deep.equal([['x-a', 'v'.repeat(300)]]);
    expect(enc.tableMaxSize).to.equal(256);
    expect(dec.tableMaxSize).to.equal(256);
  });

  it('sends never-indexed fields as such and keeps them out of the table', function () {
    const enc = new HpackEncoder();
    const dec = new HpackDecoder();
    const block = enc.encode([{ name: 'authorization', value: 'secret', neverIndex: true }]);
    expect(enc.tableSize).to.equal(0);
    expect(dec.decode(block).fields).to.deep.equal([{ name: 'authorization', value: 'secret', neverIndex: true }]);
  });
});
