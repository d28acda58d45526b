/**
 * StreamRegistry: the RFC 9113 §5.1.1 stream-identifier rules, idle vs closed lookups, and
 * the move of closed streams into the bounded closed-stream record when open streams are
 * counted (h2 `_begin_new_stream`, `_get_stream_by_id`, `_open_streams`).
 */
import { expect } from 'chai';
import { H2Configuration, NoSuchStreamError, ProtocolError, Settings, StreamClosedError, StreamIDTooLowError } from '../../src/index.js';
import { StreamClosedBy, StreamInput } from '../../src/core/stream-state.js';
import { PRUNE_AT, StreamRegistry } from '../../src/core/stream-registry.js';

/** A registry as a server (peer opens odd ids) or a client (peer opens even ids) sees it. */
function registry(clientSide: boolean, retention = { max: 50, ms: 1000 }): StreamRegistry {
  const config = new H2Configuration({ clientSide, resetStreamRetention: retention, clock: () => 0 });
  return new StreamRegistry(config, new Settings(clientSide), new Settings(!clientSide));
}

/** Opens and closes a peer request on a server registry: HEADERS then RST_STREAM from the peer. */
function closeByPeerReset(r: StreamRegistry, id: number): void {
  const s = r.begin(id, r.inboundParity, 16384);
  s.machine.processInput(StreamInput.RECV_HEADERS);
  s.machine.processInput(StreamInput.RECV_RST_STREAM);
}

describe('StreamRegistry', function () {
  it('gives a client odd outbound ids and even inbound ones, a server the reverse (§5.1.1)', function () {
    const client = registry(true);
    expect([client.outboundParity, client.inboundParity]).to.deep.equal([1, 0]);
    expect(client.isOutbound(1)).to.equal(true);
    expect(client.isOutbound(2)).to.equal(false);
    const server = registry(false);
    expect([server.outboundParity, server.inboundParity]).to.deep.equal([0, 1]);
  });

  it('begins a stream idle with both initial windows and records the highest id of its side', function () {
    const r = registry(false);
    const s = r.begin(3, 1, 16384);
    expect(s.machine.state).to.equal(0); // IDLE
    expect(s.outboundWindow).to.equal(65535);
    expect(s.inbound.currentWindowSize).to.equal(65535);
    expect(r.highestInboundStreamId).to.equal(3);
    expect(r.highestOutboundStreamId).to.equal(0);
    expect(r.find(3)).to.equal(s);
  });

  it('refuses a new id that is not above the highest of its side (StreamIDTooLowError) or of the wrong parity', function () {
    const r = registry(false);
    r.begin(5, 1, 16384);
    expect(() => r.begin(3, 1, 16384))
      .to.throw(StreamIDTooLowError)
      .that.includes({ streamId: 3, maxStreamId: 5 });
    expect(() => r.begin(7, 0, 16384)).to.throw(ProtocolError, 'Invalid stream ID for peer.');
  });

  it('answers an unknown id above the highest as idle (NoSuchStreamError) and one at or below as closed (StreamClosedError)', function () {
    const r = registry(false);
    r.begin(5, 1, 16384);
    expect(r.isIdle(7)).to.equal(true);
    expect(r.isIdle(3)).to.equal(false);
    expect(() => r.get(7)).to.throw(NoSuchStreamError).that.is.not.instanceOf(StreamClosedError);
    expect(() => r.get(3)).to.throw(StreamClosedError);
  });

  it('counts open and half-closed streams of one parity, not reserved ones (§5.1.2)', function () {
    const r = registry(false);
    r.begin(1, 1, 16384).machine.processInput(StreamInput.RECV_HEADERS);
    const half = r.begin(3, 1, 16384);
    half.machine.processInput(StreamInput.RECV_HEADERS);
    half.machine.processInput(StreamInput.RECV_END_STREAM);
    r.begin(2, 0, 16384).machine.processInput(StreamInput.SEND_PUSH_PROMISE);
    expect(r.countOpen(1)).to.equal(2);
    expect(r.countOpen(0)).to.equal(0);
  });

  it('moves closed streams to the closed record when counting, and still knows how they closed', function () {
    const r = registry(false);
    closeByPeerReset(r, 1);
    expect(r.size).to.equal(1);
    expect(r.countOpen(1)).to.equal(0);
    expect(r.size).to.equal(0);
    expect(r.find(1)).to.equal(undefined);
    expect(r.closedBy(1)).to.equal(StreamClosedBy.RECV_RST_STREAM);
    expect(r.closedByReset(1)).to.equal(true);
    expect(r.closedByEnd(1)).to.equal(false);
  });

  it('forgets how a stream closed once the record is full (resetStreamRetention)', function () {
    const r = registry(false, { max: 1, ms: 1000 });
    closeByPeerReset(r, 1);
    closeByPeerReset(r, 3);
    r.countOpen(1);
    expect(r.closedBy(1)).to.equal(undefined);
    expect(r.closedBy(3)).to.equal(StreamClosedBy.RECV_RST_STREAM);
  });

  it('skips counting while fewer streams are known than the limit or PRUNE_AT (countOpenNear)', function () {
    const r = registry(false);
    for (let id = 1; id < 2 * 10; id += 2) r.begin(id, 1, 16384).machine.processInput(StreamInput.RECV_HEADERS);
    expect(r.countOpenNear(1, 100)).to.equal(0);
    expect(r.countOpenNear(1, 10)).to.equal(10);
    expect(PRUNE_AT).to.be.lessThan(1000);
  });

  it('prunes closed streams once 16 more have opened since the last count, below the limit too (countOpenNear)', function () {
    const r = registry(false);
    let id = 1;
    // 10 open streams, then many requests that open and close while those stay open.
    for (; id < 2 * 10; id += 2) r.begin(id, 1, 16384).machine.processInput(StreamInput.RECV_HEADERS);
    let most = 0;
    for (let n = 0; n < 500; n++, id += 2) {
      expect(r.countOpenNear(1, 100)).to.be.oneOf([0, 10]);
      closeByPeerReset(r, id);
      most = Math.max(most, r.size);
    }
    // Without the rule the map would hold up to 100 streams (the limit) before a count.
    expect(most).to.be.at.most(10 + 16 + 1);
    expect(r.closedBy(id - 2)).to.equal(StreamClosedBy.RECV_RST_STREAM);
  });

  it('moves the closed streams of one count into the record in id order, so the record keeps the newest (more than 64 at once, some closed by END_STREAMs)', function () {
    const r = registry(false, { max: 50, ms: 1000 });
    for (let id = 1; id <= 399; id += 2) {
      if (id % 4 === 1) {
        closeByPeerReset(r, id);
      } else {
        const s = r.begin(id, 1, 16384);
        s.machine.processInput(StreamInput.RECV_HEADERS);
        s.machine.processInput(StreamInput.RECV_END_STREAM);
        s.machine.processInput(StreamInput.SEND_HEADERS);
        s.machine.processInput(StreamInput.SEND_END_STREAM);
      }
    }
    expect(r.countOpen(1)).to.equal(0);
    expect(r.size).to.equal(0);
    // 200 closed in one count: the 50 highest ids are remembered, each with how it closed.
    expect(r.closedBy(399 - 2 * 50)).to.equal(undefined);
    for (let id = 399 - 2 * 49; id <= 399; id += 2) {
      expect(r.closedBy(id)).to.equal(id % 4 === 1 ? StreamClosedBy.RECV_RST_STREAM : StreamClosedBy.SEND_END_STREAM);
    }
  });

  it('knows the peer ended a stream: half-closed (remote), or closed by END_STREAMs', function () {
    const r = registry(false);
    const s = r.begin(1, 1, 16384);
    s.machine.processInput(StreamInput.RECV_HEADERS);
    expect(r.peerEnded(1)).to.equal(false);
    s.machine.processInput(StreamInput.RECV_END_STREAM);
    expect(r.peerEnded(1)).to.equal(true);
    s.machine.processInput(StreamInput.SEND_HEADERS);
    s.machine.processInput(StreamInput.SEND_END_STREAM);
    r.countOpen(1);
    expect(r.peerEnded(1)).to.equal(true);
    closeByPeerReset(r, 3);
    expect(r.peerEnded(3)).to.equal(false);
  });
});
