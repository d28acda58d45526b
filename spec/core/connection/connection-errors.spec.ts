/**
 * The one place a connection error becomes GOAWAY (RFC 9113 §5.4.1): decided on typed fields,
 * never on message text. A DenialOfServiceError's GOAWAY carries its `debugData`; a peer that
 * fails the client preface is not speaking HTTP/2 and gets no GOAWAY (§3.4), wherever the
 * chunk boundaries fall; an error right after a correct preface does get one.
 */
import { expect } from 'chai';
import { DenialOfServiceError, ErrorCodes, H2Configuration, H2Connection, ProtocolError } from '../../../src/index.js';
import { GoAwayFrame } from '../../../src/frame/index.js';
import { rawFrame } from '../../helpers/bytes.js';
import { framesIn } from '../../helpers/frame-factory.js';
import { server } from '../../helpers/peers.js';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

function freshServer(): H2Connection {
  const s = new H2Connection(new H2Configuration({ clientSide: false }));
  s.initiateConnection();
  s.dataToSend();
  return s;
}

/** Feeds `chunks`; returns what was thrown (or null) and the GOAWAY queued (or null). */
function feed(s: H2Connection, chunks: Buffer[]): { error: unknown; goaway: GoAwayFrame | null } {
  let error: unknown = null;
  try {
    for (const chunk of chunks) s.receiveData(chunk);
  } catch (err) {
    error = err;
  }
  const goaway = framesIn(s.dataToSend()).find((f): f is GoAwayFrame => f instanceof GoAwayFrame) ?? null;
  return { error, goaway };
}

describe('H2Connection: connection errors become GOAWAY', function () {
  it('sends no GOAWAY for a wrong client preface, in one chunk with more after it or octet by octet', function () {
    const wrong = Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n0123456789abcdef', 'latin1');
    for (const chunks of [[wrong], [...wrong].map((b) => Buffer.from([b]))]) {
      const { error, goaway } = feed(freshServer(), chunks);
      expect(error).to.be.instanceOf(ProtocolError);
      expect(goaway).to.equal(null);
    }
    // A preface wrong only in its last octet.
    const last = Buffer.from(PREFACE);
    last[23] = 0x00;
    expect(feed(freshServer(), [last]).goaway).to.equal(null);
  });

  it('sends GOAWAY for an error right after a correct preface, in the same chunk', function () {
    const { error, goaway } = feed(freshServer(), [Buffer.concat([PREFACE, rawFrame(9, 0, 1, 'x')])]);
    expect(error).to.be.instanceOf(ProtocolError);
    expect(goaway?.errorCode).to.equal(ErrorCodes.PROTOCOL_ERROR);
  });

  it("carries a DenialOfServiceError's debugData as the GOAWAY debug data", function () {
    const s = server({ maxSettingsEntries: 1 });
    const { error, goaway } = feed(s, [rawFrame(4, 0, 0, '000300000064000300000064')]);
    expect(error).to.be.instanceOf(DenialOfServiceError).with.property('debugData', 'too_many_settings');
    expect(goaway?.errorCode).to.equal(ErrorCodes.ENHANCE_YOUR_CALM);
    expect(Buffer.from(goaway?.additionalData ?? []).toString()).to.equal('too_many_settings');
  });

  it("names the frame layer's budgets too (CONTINUATION flood: too_many_continuations)", function () {
    const s = server({ maxContinuationFrames: 1 });
    const { goaway } = feed(s, [Buffer.concat([rawFrame(1, 0, 1, '82'), rawFrame(9, 0, 1, '84'), rawFrame(9, 0, 1, '86')])]);
    expect(Buffer.from(goaway?.additionalData ?? []).toString()).to.equal('too_many_continuations');
  });
});
