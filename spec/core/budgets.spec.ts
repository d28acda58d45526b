/**
 * The budgets a peer's work is counted against: the token bucket, the counter, and the set a
 * connection keeps, each verb throwing DenialOfServiceError with the GOAWAY debug data that
 * names it (docs/security.md).
 */
import { expect } from 'chai';
import { DenialOfServiceError, H2Configuration, type H2ConfigurationOptions } from '../../src/index.js';
import { CountLimit, PeerBudgets, RateLimit } from '../../src/core/budgets.js';

function clock(): { now: () => number; advance: (ms: number) => void } {
  let t = 0;
  return { now: () => t, advance: (ms) => (t += ms) };
}

function debugDataOf(fn: () => void): string | null {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(DenialOfServiceError);
    return (err as DenialOfServiceError).debugData;
  }
  return null;
}

/** How many times `fn` succeeds before it throws (at most `max` tries). */
function runs(fn: () => void, max = 10_000): number {
  for (let i = 0; i < max; i++) {
    try {
      fn();
    } catch {
      return i;
    }
  }
  return max;
}

describe('budgets', function () {
  it('RateLimit: a burst, then refills at perSecond', function () {
    const time = clock();
    const limit = new RateLimit({ burst: 3, perSecond: 2 }, time.now);
    expect([limit.take(), limit.take(), limit.take(), limit.take()]).to.deep.equal([true, true, true, false]);
    time.advance(500);
    expect([limit.take(), limit.take()]).to.deep.equal([true, false]);
    expect(new RateLimit({ burst: Infinity, perSecond: 0 }, time.now).take()).to.equal(true);
  });

  it('RateLimit: takes several tokens at once, all or none', function () {
    const time = clock();
    const limit = new RateLimit({ burst: 10, perSecond: 2 }, time.now);
    expect([limit.take(4), limit.take(4), limit.take(4)]).to.deep.equal([true, true, false]);
    expect(limit.take(2)).to.equal(true);
    time.advance(1000);
    expect([limit.take(3), limit.take(2)]).to.deep.equal([false, true]);
  });

  it('CountLimit: counts up to its maximum; reset starts over', function () {
    const limit = new CountLimit(2);
    expect([limit.take(), limit.take(), limit.take()]).to.deep.equal([true, true, false]);
    limit.reset();
    expect(limit.take()).to.equal(true);
  });

  describe('PeerBudgets', function () {
    const budgets = (options: H2ConfigurationOptions): PeerBudgets => new PeerBudgets(new H2Configuration({ clock: () => 0, ...options }));

    it('names each spent budget in debugData', function () {
      const b = budgets({
        resetRateLimit: { burst: 1, perSecond: 0 },
        glitchRateLimit: { burst: 1, perSecond: 0 },
        maxLocalErrorResets: 1,
        maxRefusedStreams: 1,
        maxPendingResetStreams: 1,
        smallDataFrameRateLimit: { burst: 1, perSecond: 0 },
      });
      const cases: Array<[() => void, string]> = [
        [() => b.peerReset(), 'too_many_resets'],
        [() => b.pendingReset(), 'too_many_resets'],
        [() => b.glitch(), 'too_many_glitches'],
        [() => b.localReset(), 'too_many_local_resets'],
        [() => b.refusedStream(), 'too_many_refused_streams'],
        [() => b.smallDataFrame(), 'data_dribble'],
      ];
      for (const [verb, name] of cases) {
        expect(debugDataOf(verb), `first ${name}`).to.equal(null);
        expect(debugDataOf(verb), `second ${name}`).to.equal(name);
      }
    });

    it('counts pending resets per receiveData call: maxPendingResetStreams in each, one more throws', function () {
      const b = budgets({ maxPendingResetStreams: 20 });
      expect(runs(() => b.pendingReset())).to.equal(20);
      b.newReceiveCall();
      expect(runs(() => b.pendingReset())).to.equal(20);
      expect(runs(() => budgets({ maxPendingResetStreams: 0 }).pendingReset())).to.equal(0);
    });

    it('counts refused streams in a row: an admitted stream ends the run', function () {
      const b = budgets({ maxRefusedStreams: 2 });
      b.refusedStream();
      b.refusedStream();
      b.streamAdmitted();
      expect(runs(() => b.refusedStream())).to.equal(2);
    });

    it('defaults: 20 pending resets, and small DATA frames at { burst: 1000, perSecond: 100 }', function () {
      const b = budgets({});
      expect(runs(() => b.pendingReset())).to.equal(20);
      expect(runs(() => b.smallDataFrame())).to.equal(1000);
    });
  });
});
