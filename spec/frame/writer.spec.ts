/**
 * FrameWriter: one slab, views handed out that stay valid, partial takes.
 */
import { expect } from 'chai';
import { FrameWriter, PingFrame } from '../../src/frame/index.js';

describe('FrameWriter', function () {
  it('keeps earlier returned views intact while writing more frames', function () {
    const w = new FrameWriter();
    new PingFrame(Buffer.alloc(8, 1)).serializeInto(w);
    const first = w.take();
    const copy = Buffer.from(first);
    for (let i = 0; i < 5000; i++) new PingFrame(Buffer.alloc(8, 2)).serializeInto(w);
    expect(first.equals(copy)).to.equal(true);
    expect(w.length).to.equal(5000 * 17);
  });

  it('returns the first `amount` octets and keeps the rest in order', function () {
    const w = new FrameWriter();
    w.writeBytes(Buffer.from('abcdef'));
    expect(w.take(2).toString()).to.equal('ab');
    w.writeBytes(Buffer.from('gh'));
    expect(w.take(100).toString()).to.equal('cdefgh');
    expect(w.take().length).to.equal(0);
  });

  it('grows past its first slab for large pending output', function () {
    const w = new FrameWriter();
    const big = Buffer.alloc(100_000, 9);
    w.writeBytes(Buffer.from('x'));
    w.writeBytes(big);
    const out = w.take();
    expect(out.length).to.equal(100_001);
    expect(out[0]).to.equal(0x78);
    expect(out[100_000]).to.equal(9);
  });

  it('clear() drops everything pending', function () {
    const w = new FrameWriter();
    w.writeBytes(Buffer.from('abc'));
    w.clear();
    expect(w.length).to.equal(0);
    expect(w.take().length).to.equal(0);
  });
});
