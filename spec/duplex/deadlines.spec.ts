/**
 * Deadlines on their own, on a fake clock: which limit passed, the ping/settings waiters, the
 * one-shots, and one timer that stops when nothing is watched.
 */
import { expect } from 'chai';
import sinon from 'sinon';
import { AckTimeoutError } from '../../src/index.js';
import { type DeadlineLimits, Deadlines, type WatchedConnection } from '../../src/duplex/deadlines.js';

const OFF: DeadlineLimits = { preface: null, settingsAck: null, headerBlock: null, idle: null, goawayClose: null, streamIdle: null, ack: 1000 };
const FRESH: WatchedConnection = { remoteSettingsReceived: false, outstandingSettings: 0, inHeaderBlock: false, quiet: false };

describe('Deadlines', function () {
  let clock: sinon.SinonFakeTimers;
  beforeEach(function () {
    clock = sinon.useFakeTimers({ now: 1_000_000, toFake: ['Date', 'setInterval', 'clearInterval'] });
  });
  afterEach(function () {
    clock.restore();
  });

  it('names the connection limit that passed, and only once it passed', function () {
    const d = new Deadlines({ ...OFF, preface: 100, settingsAck: 200, headerBlock: 300, idle: 400 }, { deadlinesTick: () => undefined });
    const t0 = Date.now();
    expect(d.expired(FRESH, t0 + 99)).to.equal(null);
    expect(d.expired(FRESH, t0 + 100)).to.equal('preface');
    const open = { ...FRESH, remoteSettingsReceived: true };
    // SETTINGS wait from when they are first seen outstanding.
    expect(d.expired({ ...open, outstandingSettings: 1 }, t0 + 1000)).to.equal(null);
    expect(d.expired({ ...open, outstandingSettings: 1 }, t0 + 1199)).to.equal(null);
    expect(d.expired({ ...open, outstandingSettings: 1 }, t0 + 1200)).to.equal('settingsAck');
    expect(d.expired({ ...open, outstandingSettings: 0 }, t0 + 1200)).to.equal(null); // acknowledged: the count restarts
    expect(d.expired({ ...open, inHeaderBlock: true }, t0 + 2000)).to.equal(null);
    expect(d.expired({ ...open, inHeaderBlock: true }, t0 + 2300)).to.equal('headerBlock');
  });

  it('counts idleness from the last input, only while the connection is quiet', function () {
    const d = new Deadlines({ ...OFF, idle: 400 }, { deadlinesTick: () => undefined });
    const open = { ...FRESH, remoteSettingsReceived: true };
    d.inputArrived(Date.now() + 1000);
    expect(d.expired({ ...open, quiet: true }, Date.now() + 1399)).to.equal(null);
    expect(d.expired({ ...open, quiet: false }, Date.now() + 1400)).to.equal(null);
    expect(d.expired({ ...open, quiet: true }, Date.now() + 1400)).to.equal('idle');
  });

  it('resolves a ping with its round trip, and rejects one that is not acknowledged in time', async function () {
    const d = new Deadlines({ ...OFF, ack: 100 }, { deadlinesTick: () => undefined });
    const answered = new Promise<number>((resolve, reject) => {
      d.waitForPing('aa', resolve, reject);
    });
    expect(d.pingInFlight('aa')).to.equal(true);
    expect(d.pingAcked('aa')).to.be.a('number');
    expect(await answered).to.be.a('number');
    expect(d.pingAcked('aa')).to.equal(null); // nobody waits any more
    const lost = new Promise<number>((resolve, reject) => {
      d.waitForPing('bb', resolve, reject);
    });
    clock.tick(150);
    const err = await lost.then(() => null, (e: unknown) => e);
    expect(err).to.be.instanceOf(AckTimeoutError).and.have.property('code', 'ERR_H2_ACK_TIMEOUT');
  });

  it('settles SETTINGS waiters in order, and fails every waiter with the connection', async function () {
    const d = new Deadlines(OFF, { deadlinesTick: () => undefined });
    const changed = new Map<number, never>();
    const first = new Promise((resolve, reject) => {
      d.waitForSettings(resolve, reject);
    });
    const second = new Promise((resolve, reject) => {
      d.waitForSettings(resolve, reject);
    });
    d.settingsAcked(changed);
    expect(await first).to.equal(changed);
    const gone = new Error('gone');
    d.failWaiters(gone);
    expect(await second.then(() => null, (e: unknown) => e)).to.equal(gone);
  });

  it('runs a one-shot once, up to a tick late, and stops its timer when nothing is left', function () {
    const d = new Deadlines(OFF, { deadlinesTick: () => undefined });
    let runs = 0;
    d.after(100, () => runs++);
    expect(clock.countTimers()).to.equal(1);
    clock.tick(99);
    expect(runs).to.equal(0);
    clock.tick(30);
    expect(runs).to.equal(1);
    clock.tick(1000);
    expect(runs).to.equal(1);
    expect(clock.countTimers()).to.equal(0);
  });

  it('ticks while the connection is watched, and not after unwatch() or stop()', function () {
    let ticks = 0;
    const d = new Deadlines({ ...OFF, idle: 400 }, { deadlinesTick: () => ticks++ });
    d.watch();
    clock.tick(1000); // a tick every 100 ms (a quarter of the shortest limit)
    expect(ticks).to.equal(10);
    d.unwatch();
    clock.tick(1000);
    expect(ticks).to.equal(11); // the tick that saw nothing left to watch stopped the timer
    expect(clock.countTimers()).to.equal(0);
    const off = new Deadlines(OFF, { deadlinesTick: () => ticks++ });
    off.watch();
    expect(clock.countTimers()).to.equal(0); // nothing to watch: no timer at all
    d.stop();
  });

  it('connections with the same tick share one interval; it stops with the last of them', function () {
    const ticks = [0, 0, 0];
    const make = (i: number, idle: number) => new Deadlines({ ...OFF, idle, ack: 10_000 }, { deadlinesTick: () => ticks[i]!++ });
    const [a, b, c] = [make(0, 400), make(1, 400), make(2, 4000)];
    a.watch();
    b.watch();
    expect(clock.countTimers()).to.equal(1);
    c.watch(); // a tick of 1 s: an interval of its own
    expect(clock.countTimers()).to.equal(2);
    clock.tick(1000);
    expect(ticks).to.deep.equal([10, 10, 1]);
    a.stop();
    clock.tick(1000);
    expect(ticks).to.deep.equal([10, 20, 2]);
    b.stop();
    expect(clock.countTimers()).to.equal(1);
    c.stop();
    expect(clock.countTimers()).to.equal(0);
  });

  it('one connection whose tick throws does not stop the others\' (the error is still thrown, a tick later)', function () {
    const thrown: Array<() => void> = [];
    const nextTick = sinon.stub(process, 'nextTick').callsFake(((f: () => void) => thrown.push(f)) as never);
    let ticks = 0;
    const failing = new Deadlines({ ...OFF, idle: 400 }, { deadlinesTick: () => { throw new Error('boom'); } });
    const other = new Deadlines({ ...OFF, idle: 400 }, { deadlinesTick: () => ticks++ });
    try {
      failing.watch();
      other.watch();
      clock.tick(100);
    } finally {
      nextTick.restore();
      failing.stop();
      other.stop();
    }
    expect(ticks).to.equal(1);
    expect(thrown).to.have.length(1);
    expect(thrown[0]).to.throw('boom');
  });
});
