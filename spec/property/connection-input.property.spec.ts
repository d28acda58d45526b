/**
 * Property: whatever frames (valid or mutated) reach a server or client H2Connection, after a
 * valid preface, `receiveData` returns events or throws a ProtocolError subclass — never a
 * TypeError or RangeError — and every thrown error leaves a GOAWAY carrying its code queued
 * (the preface check, which h2 answers silently, aside). Later input is ignored.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { CLIENT_PREFACE, FrameReader, GoAwayFrame, H2Configuration, H2Connection, ProtocolError, type Frame } from '../../src/index.js';
import { arbitraryFrame, frameBytes } from '../helpers/frame-factory.js';
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
          const input = clientSide ? body : Buffer.concat([CLIENT_PREFACE, body]);
          try {
            conn.receiveData(input);
          } catch (err) {
            if (!(err instanceof ProtocolError)) throw new Error('untyped error', { cause: err });
            const reader = new FrameReader();
            reader.feed(conn.dataToSend());
            let last: Frame | null = null;
            for (let f = reader.next(); f !== null; f = reader.next()) last = f;
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
