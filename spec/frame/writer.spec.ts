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

  it('seals a full slab instead of moving its bytes, and takeChunks() returns the pieces in order', function () {
    const w = new FrameWriter();
    const first = Buffer.alloc(10_000, 1);
    const second = Buffer.alloc(20_000, 2);
    w.writeBytes(first);
    w.writeBytes(second);
    const chunks = w.takeChunks();
    expect(chunks.length).to.be.greaterThan(1);
    expect(Buffer.concat(chunks).equals(Buffer.concat([first, second]))).to.equal(true);
    expect(w.length).to.equal(0);
  });

  it('keeps every octet in order under random writes, partial takes and chunk takes', function () {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const w = new FrameWriter();
    const written: Buffer[] = [];
    const taken: Buffer[] = [];
    let counter = 0;
    for (let step = 0; step < 2000; step++) {
      const action = random(10);
      if (action < 6) {
        const size = random(5) === 0 ? random(40_000) : random(300);
        const piece = Buffer.alloc(size);
        for (let i = 0; i < size; i++) piece[i] = counter++ & 0xff;
        written.push(piece);
        w.writeBytes(piece);
      } else if (action < 8) {
        taken.push(w.take(random(50_000)));
      } else {
        taken.push(...w.takeChunks());
      }
      expect(w.length).to.equal(Buffer.concat(written).length - Buffer.concat(taken).length);
    }
    taken.push(w.take());
    expect(Buffer.concat(taken).equals(Buffer.concat(written))).to.equal(true);
  });

  it('release() drops an empty slab but never pending bytes', function () {
    const w = new FrameWriter();
    w.writeBytes(Buffer.from('abc'));
    w.release();
    expect(w.take().toString()).to.equal('abc');
    w.release();
    w.writeBytes(Buffer.from('de'));
    expect(w.take().toString()).to.equal('de');
  });
});
