/**
 * Rapid Reset without waiting (CVE-2023-44487; hyperium/h2 `max_pending_accept_reset_streams`):
 * requests the peer opens and resets within one receiveData() call never reach the
 * application. Up to `maxPendingResetStreams` (default 20) of them per call are allowed; one
 * more is GOAWAY(ENHANCE_YOUR_CALM, "too_many_resets"), and input is ignored from then on.
 */
import { expect } from 'chai';
import { ConnectionState, DenialOfServiceError, ErrorCodes, type H2ConfigurationOptions, type H2Connection, RequestReceived, StreamReset } from '../../../src/index.js';
import { GoAwayFrame, RstStreamFrame } from '../../../src/frame/index.js';
import { HpackEncoder } from '../../../src/hpack/index.js';
import { rawFrame } from '../../helpers/bytes.js';
import { framesIn } from '../../helpers/frame-factory.js';
import { REQ, server } from '../../helpers/peers.js';
import { thrown } from '../../helpers/thrown.js';

/** Builds the peer's frames: requests (HEADERS, END_STREAM) and resets (RST_STREAM CANCEL), one HPACK context. */
class Peer {
  readonly #encoder = new HpackEncoder();
  request(id: number): Buffer {
    return rawFrame(1, 0x5, id, this.#encoder.encode(REQ.map(([name, value]) => ({ name, value }))));
  }
  reset(id: number): Buffer {
    return rawFrame(3, 0, id, '00000008');
  }
  /** HEADERS + RST_STREAM for `count` new streams from `firstId` on. */
  pairs(firstId: number, count: number): Buffer {
    const out: Buffer[] = [];
    for (let i = 0; i < count; i++) out.push(this.request(firstId + 2 * i), this.reset(firstId + 2 * i));
    return Buffer.concat(out);
  }
}

function setup(options: H2ConfigurationOptions = {}): { s: H2Connection; peer: Peer } {
  return { s: server(options), peer: new Peer() };
}


describe('H2Connection: requests reset before the application saw them (maxPendingResetStreams)', function () {
  it('allows 20 requests opened and reset in one call, reported as RequestReceived and StreamReset', function () {
    const { s, peer } = setup();
    const events = s.receiveData(peer.pairs(1, 20));
    expect(events.filter((e) => e instanceof RequestReceived)).to.have.length(20);
    expect(events.filter((e) => e instanceof StreamReset && e.remoteReset)).to.have.length(20);
    expect(framesIn(s.dataToSend()).filter((f) => f instanceof GoAwayFrame)).to.deep.equal([]);
  });

  it('answers the 21st in one call with GOAWAY(ENHANCE_YOUR_CALM, "too_many_resets") and ignores later input', function () {
    const { s, peer } = setup();
    const err = thrown(() => s.receiveData(peer.pairs(1, 21)));
    expect(err).to.be.instanceOf(DenialOfServiceError);
    expect(err).to.include({ debugData: 'too_many_resets', scope: 'connection' });
    const goaway = framesIn(s.dataToSend()).find((f): f is GoAwayFrame => f instanceof GoAwayFrame);
    expect(goaway?.errorCode).to.equal(ErrorCodes.ENHANCE_YOUR_CALM);
    expect(Buffer.from(goaway?.additionalData ?? []).toString()).to.equal('too_many_resets');
    expect(goaway?.lastStreamId).to.equal(41);
    expect(s.state).to.equal(ConnectionState.CLOSED);
    expect(s.receiveData(peer.request(43))).to.deep.equal([]);
  });

  it('counts per call: the same 21 pairs over two calls are allowed', function () {
    const { s, peer } = setup();
    s.receiveData(peer.pairs(1, 11));
    s.receiveData(peer.pairs(23, 10));
    expect(s.state).to.not.equal(ConnectionState.CLOSED);
  });

  it('does not count a request whose reset comes in a later call (the application saw it)', function () {
    const { s, peer } = setup();
    const requests: Buffer[] = [];
    const resets: Buffer[] = [];
    for (let id = 1; id < 2 * 30; id += 2) {
      requests.push(peer.request(id));
      resets.push(peer.reset(id));
    }
    s.receiveData(Buffer.concat(requests));
    const events = s.receiveData(Buffer.concat(resets));
    expect(events.filter((e) => e instanceof StreamReset)).to.have.length(30);
    expect(s.state).to.not.equal(ConnectionState.CLOSED);
  });

  it('does not count requests we reset ourselves, nor resets of streams already closed', function () {
    const { s, peer } = setup();
    // A malformed request is reset by us (RST_STREAM PROTOCOL_ERROR): the peer's reset that
    // follows finds it closed and reports nothing.
    const encoder = new HpackEncoder();
    const bad: Buffer[] = [];
    for (let id = 1; id < 2 * 30; id += 2) {
      bad.push(rawFrame(1, 0x5, id, encoder.encode([...REQ, ['X-Upper', 'bad'] as [string, string]].map(([name, value]) => ({ name, value })))), peer.reset(id));
    }
    const events = s.receiveData(Buffer.concat(bad));
    expect(events.filter((e) => e instanceof RequestReceived)).to.deep.equal([]);
    expect(events.filter((e) => e instanceof StreamReset && e.remoteReset)).to.deep.equal([]);
    expect(framesIn(s.dataToSend()).filter((f) => f instanceof RstStreamFrame)).to.have.length(30);
  });

  it('follows maxPendingResetStreams: 0 allows none, Infinity any number', function () {
    const none = setup({ maxPendingResetStreams: 0 });
    expect(() => none.s.receiveData(none.peer.pairs(1, 1))).to.throw(DenialOfServiceError);
    const any = setup({ maxPendingResetStreams: Infinity });
    any.s.receiveData(any.peer.pairs(1, 200));
    expect(any.s.state).to.not.equal(ConnectionState.CLOSED);
  });
});
