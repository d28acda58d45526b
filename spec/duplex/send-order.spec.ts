/**
 * SendOrder: which ready stream sends next by RFC 9218 priority (urgency first; within one,
 * non-incremental streams one at a time by id, then the incremental and unsignalled ones round
 * robin), and where a stream's priority comes from.
 */
import { expect } from 'chai';
import { DEFAULT_PRIORITY } from '../../src/core/index.js';
import { SendOrder, SendSlot, type SlotOf } from '../../src/duplex/send-order.js';

interface S {
  readonly id: number;
  slot: SendSlot<S> | null;
}

const stream = (id: number): S => ({ id, slot: null });

/** Where the order finds a stream's slot: on the stream, as H2Stream keeps it. */
const SLOTS: SlotOf<S> = {
  slot: (s) => (s.slot ??= new SendSlot<S>()),
  existingSlot: (s) => s.slot,
};

/** Takes every ready stream in order. */
function drain(order: SendOrder<S>): number[] {
  const ids: number[] = [];
  for (let s = order.take(); s !== undefined; s = order.take()) ids.push(s.id);
  return ids;
}

describe('SendOrder: RFC 9218 scheduling', function () {
  it('takes unsignalled streams in the order they became ready (round robin), as before priorities', function () {
    const order = new SendOrder<S>(SLOTS);
    for (const id of [5, 1, 3]) order.add(stream(id));
    expect(order.size).to.equal(3);
    expect(drain(order)).to.deep.equal([5, 1, 3]);
    expect(order.size).to.equal(0);
    expect(order.take()).to.equal(undefined);
  });

  it('serves lower urgency first, whatever the order of arrival', function () {
    const order = new SendOrder<S>(SLOTS);
    const [a, b, c] = [stream(1), stream(3), stream(5)];
    order.setPriority(a, { urgency: 7, incremental: true });
    order.setPriority(c, { urgency: 0, incremental: false });
    for (const s of [a, b, c]) order.add(s);
    expect(drain(order)).to.deep.equal([5, 3, 1]);
  });

  it('within an urgency: non-incremental streams by id first, then incremental and unsignalled ones in arrival order', function () {
    const order = new SendOrder<S>(SLOTS);
    const streams = [9, 7, 5, 3, 1].map(stream);
    const [s9, s7, s5, s3, s1] = streams as [S, S, S, S, S];
    order.setPriority(s9, { urgency: 3, incremental: false });
    order.setPriority(s5, { urgency: 3, incremental: false });
    order.setPriority(s7, { urgency: 3, incremental: true });
    order.setPriority(s1, { urgency: 3, incremental: false });
    for (const s of [s9, s7, s5, s3, s1]) order.add(s);
    expect(drain(order)).to.deep.equal([1, 5, 9, 7, 3]);
  });

  it('moves a queued stream when its priority changes, and keeps adding idempotent', function () {
    const order = new SendOrder<S>(SLOTS);
    const [a, b] = [stream(1), stream(3)];
    order.add(a);
    order.add(b);
    order.add(a);
    order.setPriority(b, { urgency: 1, incremental: false });
    expect(order.has(b)).to.equal(true);
    expect(drain(order)).to.deep.equal([3, 1]);
  });

  it('takes a stream out of the middle, the head or the tail of the round robin, and takes back one it forgot', function () {
    const order = new SendOrder<S>(SLOTS);
    const streams = [1, 3, 5, 7, 9].map(stream);
    const [s1, s3, s5, , s9] = streams as [S, S, S, S, S];
    for (const s of streams) order.add(s);
    order.delete(s5); // middle
    order.delete(s1); // head
    order.delete(s9); // tail
    expect(order.size).to.equal(2);
    order.forget(s3);
    order.add(s9);
    order.add(s3); // forgotten, then ready again: at the back
    expect(drain(order)).to.deep.equal([7, 9, 3]);
    // Nothing links the drained streams any more.
    for (const s of streams) expect([s.slot?.prev ?? null, s.slot?.next ?? null]).to.deep.equal([null, null]);
    // From the ring to the sequential list and back while queued.
    order.add(s1);
    order.add(s3);
    order.setPriority(s3, { urgency: 3, incremental: false });
    expect(drain(order)).to.deep.equal([3, 1]);
  });

  it('reports RFC 9218 defaults for a stream with no signal, and forgets a priority', function () {
    const order = new SendOrder<S>(SLOTS);
    const a = stream(1);
    expect(order.priorityOf(a)).to.equal(DEFAULT_PRIORITY);
    expect(order.hasPriority(a)).to.equal(false);
    order.setPriority(a, { urgency: 2, incremental: true });
    expect(order.priorityOf(a)).to.deep.equal({ urgency: 2, incremental: true });
    order.add(a);
    order.forget(a);
    expect(order.hasPriority(a)).to.equal(false);
    expect(order.size).to.equal(0);
  });

  it('applies a PRIORITY_UPDATE for an idle stream when it opens, over its header, and drops those it passed', function () {
    const order = new SendOrder<S>(SLOTS);
    order.prioritizeIdle(3, { urgency: 0, incremental: false });
    order.prioritizeIdle(5, { urgency: 6, incremental: true });
    const s5 = stream(5);
    order.opened(s5, { urgency: 1, incremental: false });
    expect(order.priorityOf(s5)).to.deep.equal({ urgency: 6, incremental: true });
    // Stream 3 was passed (5 opened first): its update is forgotten, so 3 gets its header's.
    const s3 = stream(3);
    order.opened(s3, undefined);
    expect(order.hasPriority(s3)).to.equal(false);
    const s7 = stream(7);
    order.opened(s7, { urgency: 4, incremental: false });
    expect(order.priorityOf(s7)).to.deep.equal({ urgency: 4, incremental: false });
  });
});
