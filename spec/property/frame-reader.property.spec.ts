/**
 * Property: whatever bytes arrive, in whatever chunks, the FrameReader returns frames or
 * throws a ProtocolError subclass with an RFC code — never a TypeError, RangeError or
 * out-of-bounds read — and valid frames survive any chunking unchanged.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { ProtocolError } from '../../src/errors.js';
import { FrameReader, FrameWriter, type Frame } from '../../src/frame/index.js';
import { arbitraryFrame, frameBytes } from '../helpers/frame-factory.js';
import { fuzzRuns } from '../helpers/fuzz-runs.js';

/** Feeds chunks; returns the re-serialized frames and the first error. */
function run(input: Uint8Array, cuts: number[], expectPreface = false): { frames: Buffer; error: unknown } {
  const reader = new FrameReader({ expectPreface });
  const w = new FrameWriter();
  let at = 0;
  const points = [...new Set(cuts.map((c) => c % (input.length + 1)))].sort((a, b) => a - b).concat(input.length);
  try {
    for (const p of points) {
      reader.feed(input.subarray(at, p));
      at = p;
      for (let f: Frame | null = reader.next(); f !== null; f = reader.next()) f.serializeInto(w);
    }
    return { frames: Buffer.from(w.take()), error: null };
  } catch (error) {
    return { frames: Buffer.from(w.take()), error };
  }
}

function assertTyped(error: unknown): void {
  if (error === null) return;
  if (!(error instanceof ProtocolError)) throw new Error('untyped error', { cause: error });
  expect(error.errorCode).to.be.a('number');
}

/** Mutations of valid bytes: flip, delete, insert, truncate, overwrite with edge octets. */
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), octet: fc.constantFrom(0x00, 0x01, 0x08, 0x20, 0x7f, 0x80, 0xff) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

interface Mutation {
  kind: 'flip' | 'delete' | 'insert' | 'truncate';
  at: number;
  bit?: number;
  octet?: number;
}

function mutate(input: Buffer, muts: Mutation[]): Buffer {
  let out = Buffer.from(input);
  for (const m of muts) {
    if (out.length === 0) break;
    const at = m.at % out.length;
    if (m.kind === 'flip') out[at] = (out[at] ?? 0) ^ (1 << (m.bit ?? 0));
    else if (m.kind === 'delete') out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1)]);
    else if (m.kind === 'insert') out = Buffer.concat([out.subarray(0, at), Buffer.from([m.octet ?? 0]), out.subarray(at)]);
    else out = out.subarray(0, at);
  }
  return out;
}

describe('property: FrameReader on arbitrary input', function () {
  this.timeout(0);

  it('only ever throws typed protocol errors on random bytes', function () {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 6 }), fc.boolean(), (input, cuts, preface) => {
        assertTyped(run(input, cuts, preface).error);
      }),
      { numRuns: fuzzRuns(3000) },
    );
  });

  it('only ever throws typed protocol errors on mutated valid frames', function () {
    fc.assert(
      fc.property(fc.array(arbitraryFrame, { minLength: 1, maxLength: 6 }), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.array(fc.nat(), { maxLength: 4 }), (frames, muts, cuts) => {
        const input = mutate(frameBytes(...frames.flat()), muts);
        assertTyped(run(input, cuts).error);
      }),
      { numRuns: fuzzRuns(3000) },
    );
  });

  it('returns valid frames unchanged under any chunking', function () {
    fc.assert(
      fc.property(fc.array(arbitraryFrame, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (frames, cuts) => {
        const input = frameBytes(...frames.flat());
        const { frames: out, error } = run(input, cuts);
        expect(error).to.equal(null);
        // CONTINUATIONs come back joined into their HEADERS: compare against the joined form.
        expect(out.equals(run(input, []).frames)).to.equal(true);
      }),
      { numRuns: fuzzRuns(2000) },
    );
  });
});
