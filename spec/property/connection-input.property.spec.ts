/**
 * Property: whatever frames (valid or mutated) reach a server or client H2Connection, after a
 * valid preface, `receiveData` returns events or throws a ProtocolError subclass — never a
 * TypeError or RangeError — and every thrown error leaves a GOAWAY carrying its code queued
 * (the preface check, which h2 answers silently, aside). Later input is ignored.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { H2Configuration, H2Connection, ProtocolError } from '../../src/index.js';
import { CLIENT_PREFACE, GoAwayFrame } from '../../src/frame/index.js';
import { HpackEncoder } from '../../src/hpack/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { arbitraryFrame, frameBytes, framesIn, type Serializable } from '../helpers/frame-factory.js';
import { fuzzRuns } from '../helpers/fuzz-runs.js';

describe('property: H2Connection.receiveData on arbitrary frames', function () {
  this.timeout(0);

  it('throws only typed protocol errors, each after queuing its GOAWAY', function () {
    fc.assert(
      fc.property(
        fc.boolean(),
        fc.array(arbitraryFrame, { maxLength: 10 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }),
        (clientSide, frames, flips) => {
          const conn = new H2Connection(new H2Configuration({ clientSide }));
          conn.initiateConnection();
          conn.dataToSend();
          const body = Buffer.from(frameBytes(...frames.flat()));
          for (const [at, octet] of flips) if (body.length > 0) body[at % body.length] = octet;
          // A valid preface (and first SETTINGS, RFC 9113 §3.4) so the frames reach the core's logic.
          const settings = Buffer.from('000000040000000000', 'hex');
          const input = clientSide ? Buffer.concat([settings, body]) : Buffer.concat([CLIENT_PREFACE, settings, body]);
          try {
            conn.receiveData(input);
          } catch (err) {
            if (!(err instanceof ProtocolError)) throw new Error('untyped error', { cause: err });
            const last = framesIn(conn.dataToSend()).pop();
            expect(last, err.message).to.be.instanceOf(GoAwayFrame);
            expect((last as GoAwayFrame).errorCode, err.message).to.equal(err.errorCode);
            expect(conn.receiveData(input)).to.deep.equal([]);
            expect(conn.dataToSend().length).to.equal(0);
          }
        },
      ),
      { numRuns: fuzzRuns(3000) },
    );
  });
});

/** One step of a mostly well-formed client conversation (grammar for the second property). */
type Step =
  | { kind: 'request'; stream: number; endStream: boolean; extra: Array<[string, string]> }
  | { kind: 'data'; stream: number; size: number; endStream: boolean }
  | { kind: 'reset'; stream: number; code: number }
  | { kind: 'window'; stream: number; increment: number }
  | { kind: 'trailers'; stream: number }
  | { kind: 'frame'; frames: Serializable[] };

const streamPick = fc.integer({ min: 0, max: 12 }).map((i) => 2 * i + 1);
const headerName = fc.constantFrom('x-a', 'x-b', 'accept', 'cookie', 'te', 'Upper', 'content-length', 'connection', ':path', '');
const headerValue = fc.constantFrom('1', 'v', 'trailers', '', ' padded ', 'a\x00b', '12345678901234567890');

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('request' as const), stream: streamPick, endStream: fc.boolean(), extra: fc.array(fc.tuple(headerName, headerValue), { maxLength: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('data' as const), stream: streamPick, size: fc.integer({ min: 0, max: 20000 }), endStream: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reset' as const), stream: streamPick, code: fc.integer({ min: 0, max: 14 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('window' as const), stream: fc.oneof(fc.constant(0), streamPick), increment: fc.integer({ min: 0, max: 0x7fffffff }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('trailers' as const), stream: streamPick }) },
  { weight: 1, arbitrary: arbitraryFrame.map((frames) => ({ kind: 'frame' as const, frames })) },
);

describe('property: H2Connection.receiveData on well-formed and broken conversations', function () {
  this.timeout(0);

  it('answers any conversation with events or one typed error + GOAWAY, with bounded output and streams', function () {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), fc.integer({ min: 1, max: 4096 }), (steps, chunk) => {
        const conn = new H2Connection(new H2Configuration({ clientSide: false }));
        conn.initiateConnection();
        conn.dataToSend();
        const encoder = new HpackEncoder();
        const parts: Buffer[] = [CLIENT_PREFACE, Buffer.from('000000040000000000', 'hex')];
        for (const s of steps) parts.push(encodeStep(s, encoder));
        const input = Buffer.concat(parts);
        let output = 0;
        try {
          // Delivered in chunks, with the output taken between them as a transport would.
          for (let o = 0; o < input.length; o += chunk) {
            conn.receiveData(input.subarray(o, o + chunk));
            output += conn.dataToSend().length;
          }
        } catch (err) {
          if (!(err instanceof ProtocolError)) throw new Error('untyped error', { cause: err });
          expect(framesIn(conn.dataToSend()).pop(), err.message).to.be.instanceOf(GoAwayFrame);
        }
        // No amplification beyond a small factor (ACKs, RST_STREAMs, WINDOW_UPDATEs are small).
        expect(output).to.be.at.most(2 * input.length + 256);
        expect(conn.openInboundStreams).to.be.at.most(conn.localSettings.maxConcurrentStreams);
      }),
      { numRuns: fuzzRuns(1500) },
    );
  });
});

function encodeStep(s: Step, encoder: HpackEncoder): Buffer {
  switch (s.kind) {
    case 'request': {
      const fields = [
        { name: ':method', value: 'POST' },
        { name: ':scheme', value: 'http' },
        { name: ':authority', value: 'fuzz' },
        { name: ':path', value: '/' },
        ...s.extra.map(([name, value]) => ({ name, value })),
      ];
      return rawFrame(1, 0x4 | (s.endStream ? 0x1 : 0), s.stream, encoder.encode(fields));
    }
    case 'trailers':
      return rawFrame(1, 0x5, s.stream, encoder.encode([{ name: 'x-trailer', value: 'done' }]));
    case 'data':
      return rawFrame(0, s.endStream ? 0x1 : 0, s.stream, Buffer.alloc(Math.min(s.size, 16384)));
    case 'reset': {
      const p = Buffer.alloc(4);
      p.writeUInt32BE(s.code);
      return rawFrame(3, 0, s.stream, p);
    }
    case 'window': {
      const p = Buffer.alloc(4);
      p.writeUInt32BE(s.increment);
      return rawFrame(8, 0, s.stream, p);
    }
    case 'frame':
      return Buffer.from(frameBytes(...s.frames));
  }
}
