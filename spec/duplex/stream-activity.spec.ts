/**
 * StreamActivity on its own, with fake timers: node's setTimeout on a stream, and the count
 * streamIdleTimeout reads on its ticks.
 */
import { expect } from 'chai';
import sinon from 'sinon';
import { StreamActivity } from '../../src/duplex/stream-activity.js';

function setup() {
  let timeouts = 0;
  const activity = new StreamActivity({
    emit: () => {
      timeouts++;
      return true;
    },
  });
  return { activity, timeouts: () => timeouts };
}

describe('StreamActivity', function () {
  let clock: sinon.SinonFakeTimers;
  beforeEach(function () {
    clock = sinon.useFakeTimers();
  });
  afterEach(function () {
    clock.restore();
  });

  it("emits 'timeout' after setTimeout's milliseconds without activity, and again after the next activity", function () {
    const { activity, timeouts } = setup();
    activity.setTimeout(100);
    clock.tick(99);
    activity.touch();
    clock.tick(99);
    expect(timeouts()).to.equal(0);
    clock.tick(1);
    expect(timeouts()).to.equal(1);
    clock.tick(500);
    expect(timeouts()).to.equal(1);
    activity.touch();
    clock.tick(100);
    expect(timeouts()).to.equal(2);
  });

  it('turns the timeout off with 0, and stops it when the stream is destroyed', function () {
    const off = setup();
    off.activity.setTimeout(100);
    off.activity.setTimeout(0);
    clock.tick(1000);
    expect(off.timeouts()).to.equal(0);
    const destroyed = setup();
    destroyed.activity.setTimeout(100);
    destroyed.activity.stop();
    clock.tick(1000);
    expect(destroyed.timeouts()).to.equal(0);
  });

  it('counts idleness from the first check, and from the last check that found something moved', function () {
    const { activity } = setup();
    activity.touch();
    expect(activity.idleFor(1000)).to.equal(0);
    expect(activity.idleFor(1400)).to.equal(400);
    expect(activity.stillIdle).to.equal(true);
    activity.sent();
    expect(activity.stillIdle).to.equal(false);
    expect(activity.idleFor(1500)).to.equal(0);
    expect(activity.idleFor(1600)).to.equal(100);
  });
});
