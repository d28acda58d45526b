/**
 * Property: the HPACK decoder turns any malformed block into a CompressionError (never a
 * TypeError from hpack.js), and encoder output always decodes back to its input.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { CompressionError } from '../../src/errors.js';
import { HpackDecoder, HpackEncoder } from '../../src/hpack/index.js';
import { fuzzRuns } from '../helpers/fuzz-runs.js';

const octetString = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a).toString('latin1'));
const field = fc.record({ name: octetString(20), value: octetString(60), neverIndex: fc.boolean() });

describe('property: HPACK', function () {
  this.timeout(0);

  it('throws only CompressionError on random blocks', function () {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { minLength: 1, maxLength: 4 }), (blocks) => {
        const d = new HpackDecoder();
        for (const b of blocks) {
          try {
            d.decode(b);
          } catch (err) {
            if (!(err instanceof CompressionError)) throw new Error('untyped error', { cause: err });
          }
        }
      }),
      { numRuns: fuzzRuns(5000) },
    );
  });

  it('throws only CompressionError on mutated valid blocks', function () {
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 8 }), fc.nat(), fc.integer({ min: 0, max: 255 }), fc.nat(), (fields, at, octet, cut) => {
        const block = Buffer.from(new HpackEncoder().encode(fields));
        block[at % block.length] = octet;
        const d = new HpackDecoder();
        try {
          d.decode(block.subarray(0, block.length - (cut % 3)));
        } catch (err) {
          if (!(err instanceof CompressionError)) throw new Error('untyped error', { cause: err });
        }
      }),
      { numRuns: fuzzRuns(5000) },
    );
  });

  it('decodes what the encoder produced, across many blocks and table size changes', function () {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(field, { maxLength: 6 }), fc.option(fc.integer({ min: 0, max: 8192 }), { nil: null })), { maxLength: 12 }), (blocks) => {
        const enc = new HpackEncoder();
        const dec = new HpackDecoder({ maxHeaderListSize: Infinity });
        for (const [fields, size] of blocks) {
          if (size !== null) {
            enc.setPeerMaxTableSize(size);
            dec.setMaxTableSize(size);
          }
          const got = dec.decode(enc.encode(fields)).fields;
          expect(got).to.deep.equal(fields.map((f) => ({ name: f.name, value: f.value, neverIndex: f.neverIndex })));
        }
      }),
      { numRuns: fuzzRuns(2000) },
    );
  });
});
