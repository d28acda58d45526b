/**
 * The error a call throws, for asserting its class, `code` and message. Fails the spec when
 * the call does not throw, or throws something that is not an Error.
 */
import { expect } from 'chai';

export function thrown(fn: () => unknown): Error & { code?: string } {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(Error);
    return err as Error & { code?: string };
  }
  throw new Error('expected a throw');
}
