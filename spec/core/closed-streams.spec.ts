/**
 * ClosedStreams: bounded memory of how streams closed; the oldest are forgotten first.
 */
import { expect } from 'chai';
import { ClosedStreams } from '../../src/core/closed-streams.js';
import { StreamClosedBy } from '../../src/core/stream-state.js';

describe('ClosedStreams', function () {
  it('remembers how each stream closed', function () {
    const closed = new ClosedStreams(4);
    closed.remember(1, StreamClosedBy.SEND_RST_STREAM);
    closed.remember(3, StreamClosedBy.RECV_END_STREAM);
    expect(closed.closedBy(1)).to.equal(StreamClosedBy.SEND_RST_STREAM);
    expect(closed.closedBy(3)).to.equal(StreamClosedBy.RECV_END_STREAM);
    expect(closed.closedBy(5)).to.equal(undefined);
  });

  it('forgets the oldest entries beyond its bound, however many streams close', function () {
    const closed = new ClosedStreams(3);
    for (let id = 1; id <= 2001; id += 2) closed.remember(id, StreamClosedBy.SEND_END_STREAM);
    expect(closed.size).to.equal(3);
    expect(closed.has(1997)).to.equal(true);
    expect(closed.has(2001)).to.equal(true);
    expect(closed.has(1995)).to.equal(false);
  });

  it('updates a stream remembered twice without using a second slot', function () {
    const closed = new ClosedStreams(2);
    closed.remember(1, StreamClosedBy.SEND_END_STREAM);
    closed.remember(1, StreamClosedBy.SEND_RST_STREAM);
    closed.remember(3, null);
    expect(closed.size).to.equal(2);
    expect(closed.closedBy(1)).to.equal(StreamClosedBy.SEND_RST_STREAM);
  });

  it('remembers nothing with a bound of 0', function () {
    const closed = new ClosedStreams(0);
    closed.remember(1, null);
    expect(closed.size).to.equal(0);
  });
});
