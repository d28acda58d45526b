/**
 * ClosedStreams: bounded memory of how streams closed; the oldest are forgotten first, and
 * every record expires (resetStreamRetention).
 */
import { expect } from 'chai';
import { ClosedStreams } from '../../src/core/closed-streams.js';
import { StreamClosedBy } from '../../src/core/stream-state.js';

describe('ClosedStreams', function () {
  it('remembers how each stream closed', function () {
    const closed = new ClosedStreams({ max: 4, ms: Infinity }, () => 0);
    closed.remember(1, StreamClosedBy.SEND_RST_STREAM);
    closed.remember(3, StreamClosedBy.RECV_END_STREAM);
    expect(closed.closedBy(1)).to.equal(StreamClosedBy.SEND_RST_STREAM);
    expect(closed.closedBy(3)).to.equal(StreamClosedBy.RECV_END_STREAM);
    expect(closed.closedBy(5)).to.equal(undefined);
  });

  it('forgets the oldest entries beyond its bound, however many streams close', function () {
    const closed = new ClosedStreams({ max: 3, ms: Infinity }, () => 0);
    for (let id = 1; id <= 2001; id += 2) closed.remember(id, StreamClosedBy.SEND_END_STREAM);
    expect(closed.size).to.equal(3);
    expect(closed.has(1997)).to.equal(true);
    expect(closed.has(2001)).to.equal(true);
    expect(closed.has(1995)).to.equal(false);
  });

  it('updates a stream remembered twice without using a second slot', function () {
    const closed = new ClosedStreams({ max: 2, ms: Infinity }, () => 0);
    closed.remember(1, StreamClosedBy.SEND_END_STREAM);
    closed.remember(1, StreamClosedBy.SEND_RST_STREAM);
    closed.remember(3, null);
    expect(closed.size).to.equal(2);
    expect(closed.closedBy(1)).to.equal(StreamClosedBy.SEND_RST_STREAM);
  });

  it('remembers nothing with a bound of 0', function () {
    const closed = new ClosedStreams({ max: 0, ms: Infinity }, () => 0);
    closed.remember(1, null);
    expect(closed.size).to.equal(0);
  });

  it('forgets a record once it is older than ms, and keeps younger ones', function () {
    let now = 0;
    const closed = new ClosedStreams({ max: 50, ms: 1000 }, () => now);
    closed.remember(1, StreamClosedBy.SEND_RST_STREAM);
    now = 600;
    closed.remember(3, StreamClosedBy.RECV_RST_STREAM);
    now = 1000;
    expect(closed.closedBy(1)).to.equal(StreamClosedBy.SEND_RST_STREAM);
    now = 1001;
    expect(closed.closedBy(1)).to.equal(undefined);
    expect(closed.closedBy(3)).to.equal(StreamClosedBy.RECV_RST_STREAM);
    now = 1601;
    expect(closed.has(3)).to.equal(false);
    expect(closed.size).to.equal(0);
  });

  it('stays bounded and correct over a long run of remembered and expired streams', function () {
    let now = 0;
    const closed = new ClosedStreams({ max: 50, ms: 10 }, () => now);
    for (let id = 1; id < 200_000; id += 2) {
      now += 1;
      closed.remember(id, StreamClosedBy.SEND_RST_STREAM);
      expect(closed.size).to.be.at.most(11);
    }
    expect(closed.has(199_999)).to.equal(true);
    expect(closed.has(199_977)).to.equal(false);
  });
});
