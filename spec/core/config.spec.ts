/**
 * H2Configuration's DoS options added with the core's own Rapid Reset and Data Dribble checks:
 * their defaults (core/limits.ts) and their validation.
 */
import { expect } from 'chai';
import { H2Configuration, InvalidArgumentError, OutOfRangeError } from '../../src/index.js';
import { DEFAULT_MAX_PENDING_RESET_STREAMS, DEFAULT_SMALL_DATA_FRAME_RATE_LIMIT, SMALL_DATA_FRAME_OCTETS } from '../../src/core/limits.js';

describe('H2Configuration: maxPendingResetStreams and smallDataFrameRateLimit', function () {
  it("defaults to hyperium/h2's 20 pending resets and { burst: 1000, perSecond: 100 } small DATA frames under 256 octets", function () {
    const config = new H2Configuration();
    expect(config.maxPendingResetStreams).to.equal(20);
    expect(DEFAULT_MAX_PENDING_RESET_STREAMS).to.equal(20);
    expect(config.smallDataFrameRateLimit).to.deep.equal({ burst: 1000, perSecond: 100 });
    expect(DEFAULT_SMALL_DATA_FRAME_RATE_LIMIT).to.deep.equal({ burst: 1000, perSecond: 100 });
    expect(SMALL_DATA_FRAME_OCTETS).to.equal(256);
  });

  it('takes 0 (none allowed) and Infinity (no limit) for maxPendingResetStreams', function () {
    expect(new H2Configuration({ maxPendingResetStreams: 0 }).maxPendingResetStreams).to.equal(0);
    expect(new H2Configuration({ maxPendingResetStreams: Infinity }).maxPendingResetStreams).to.equal(Infinity);
  });

  it('refuses a negative, NaN or non-number maxPendingResetStreams', function () {
    expect(() => new H2Configuration({ maxPendingResetStreams: -1 })).to.throw(OutOfRangeError, 'maxPendingResetStreams must be a number >= 0');
    expect(() => new H2Configuration({ maxPendingResetStreams: NaN })).to.throw(OutOfRangeError);
    expect(() => new H2Configuration({ maxPendingResetStreams: '20' as unknown as number })).to.throw(InvalidArgumentError, 'maxPendingResetStreams must be a number');
  });

  it('checks smallDataFrameRateLimit as every rate limit: known keys, burst > 0, perSecond >= 0', function () {
    expect(new H2Configuration({ smallDataFrameRateLimit: { burst: Infinity, perSecond: 0 } }).smallDataFrameRateLimit).to.deep.equal({ burst: Infinity, perSecond: 0 });
    expect(() => new H2Configuration({ smallDataFrameRateLimit: { burst: 0, perSecond: 1 } })).to.throw(OutOfRangeError, 'smallDataFrameRateLimit');
    expect(() => new H2Configuration({ smallDataFrameRateLimit: { burst: 1, per_second: 1 } as never })).to.throw(InvalidArgumentError);
  });
});
