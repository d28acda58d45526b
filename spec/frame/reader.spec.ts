/**
 * FrameReader: incremental parsing across arbitrary chunk boundaries, the client preface,
 * CONTINUATION joining, and SETTINGS_MAX_FRAME_SIZE changes.
 */
import { expect } from 'chai';
import { ProtocolError } from '../../src/errors.js';
import {
  CLIENT_PREFACE,
  DataFrame,
  FrameReader,
  FrameWriter,
  HeadersFrame,
  PingFrame,
  PushPromiseFrame,
  SettingsFrame,
  WindowUpdateFrame,
  type Frame,
} from '../../src/frame/index.js';
import { hex, rawFrame, seededRandom, split } from '../helpers/bytes.js';

function drain(reader: FrameReader, chunks: Buffer[]): Frame[] {
  const out: Frame[] = [];
  for (const c of chunks) {
    reader.feed(c);
    for (let f = reader.next(); f !== null; f = reader.next()) out.push(f);
  }
  return out;
}

/** A conversation of assorted frames, as bytes. */
function sampleStream(): Buffer {
  const w = new FrameWriter();
  new SettingsFrame([[4, 1 << 20]]).serializeInto(w);
  new HeadersFrame(1, hex('828684'), false, false).serializeInto(w);
  w.writeBytes(rawFrame(0x9, 0, 1, 'be'));
  w.writeBytes(rawFrame(0x9, 0x4, 1, '41'));
  new DataFrame(1, Buffer.alloc(16384, 7), false, 9).serializeInto(w);
  new DataFrame(1, Buffer.from('end'), true).serializeInto(w);
  new PingFrame(hex('0011223344556677')).serializeInto(w);
  new WindowUpdateFrame(0, 100).serializeInto(w);
  return Buffer.from(w.take());
}

function summary(frames: Frame[]): string[] {
  return frames.map((f) => {
    if (f instanceof HeadersFrame) return `HEADERS ${f.streamId} ${Buffer.from(f.headerBlock).toString('hex')} eh=${f.endHeaders}`;
    if (f instanceof DataFrame) return `DATA ${f.streamId} ${f.data.length} es=${f.endStream} fc=${f.flowControlledLength}`;
    return `${f.constructor.name} ${f.streamId}`;
  });
}

describe('FrameReader', function () {
  const bytes = sampleStream();
  const expected = summary(drain(new FrameReader({ maxFrameSize: 1 << 20 }), [bytes]));

  it('joins HEADERS and CONTINUATION frames into one complete field block', function () {
    expect(expected).to.deep.equal([
      'SettingsFrame 0',
      'HEADERS 1 828684be41 eh=true',
      'DATA 1 16384 es=false fc=16394',
      'DATA 1 3 es=true fc=3',
      'PingFrame 0',
      'WindowUpdateFrame 0',
    ]);
  });

  it('emits the same frames when fed one octet at a time', function () {
    expect(summary(drain(new FrameReader({ maxFrameSize: 1 << 20 }), split(bytes, 1)))).to.deep.equal(expected);
  });

  it('emits the same frames at 200 random splittings', function () {
    for (let seed = 1; seed <= 200; seed++) {
      const chunks = split(bytes, 'random', seededRandom(seed));
      expect(summary(drain(new FrameReader({ maxFrameSize: 1 << 20 }), chunks)), `seed ${seed}`).to.deep.equal(expected);
    }
  });

  it('parses 1 MiB of frames fed at once', function () {
    const w = new FrameWriter();
    for (let i = 0; i < 64; i++) new DataFrame(1, Buffer.alloc(16384, i)).serializeInto(w);
    const all = Buffer.from(w.take());
    expect(all.length).to.be.greaterThan(1 << 20);
    const frames = drain(new FrameReader(), [all]) as DataFrame[];
    expect(frames).to.have.length(64);
    expect(frames.every((f, i) => f.data.length === 16384 && f.data[100] === i)).to.equal(true);
  });

  it('hands out views of the fed chunk, not copies, for frames inside one chunk', function () {
    const chunk = rawFrame(0x0, 0, 1, 'aabbcc');
    const [frame] = drain(new FrameReader(), [chunk]) as DataFrame[];
    expect(frame?.data.buffer).to.equal(chunk.buffer);
  });

  it('does not emit a frame until its last octet has arrived', function () {
    const reader = new FrameReader();
    const frame = rawFrame(0x6, 0, 0, Buffer.alloc(8));
    reader.feed(frame.subarray(0, 16));
    expect(reader.next()).to.equal(null);
    expect(reader.bufferedLength).to.equal(7);
    reader.feed(frame.subarray(16));
    expect(reader.next()).to.be.instanceOf(PingFrame);
  });

  it('accepts frames up to a raised maxFrameSize', function () {
    const reader = new FrameReader();
    reader.maxFrameSize = 20000;
    expect(drain(reader, [rawFrame(0x0, 0, 1, Buffer.alloc(20000))])).to.have.length(1);
  });

  it('joins PUSH_PROMISE with CONTINUATION and keeps the promised stream id', function () {
    const frames = drain(new FrameReader(), [rawFrame(0x5, 0, 1, '00000002 82'), rawFrame(0x9, 0x4, 1, '87')]);
    expect(frames).to.have.length(1);
    const pp = frames[0] as PushPromiseFrame;
    expect(pp).to.be.instanceOf(PushPromiseFrame);
    expect(pp.promisedStreamId).to.equal(2);
    expect(Buffer.from(pp.headerBlock).toString('hex')).to.equal('8287');
  });

  it('with reuseJoinedBlocks, joins every block into one buffer it reuses (valid until the next frame is asked for)', function () {
    const reader = new FrameReader({ reuseJoinedBlocks: true });
    const blocks: string[] = [];
    const places: Array<[ArrayBufferLike, number]> = [];
    for (let id = 1; id <= 5; id += 2) {
      reader.feed(Buffer.concat([rawFrame(0x1, 0x1, id, `82${id.toString(16).padStart(2, '0')}`), rawFrame(0x9, 0, id, '8486'), rawFrame(0x9, 0x4, id, '41')]));
      const f = reader.next() as HeadersFrame;
      expect(f).to.be.instanceOf(HeadersFrame);
      expect(f.endStream).to.equal(true);
      blocks.push(Buffer.from(f.headerBlock).toString('hex')); // read before the next call, as the caller must
      places.push([f.headerBlock.buffer, f.headerBlock.byteOffset]);
    }
    expect(blocks).to.deep.equal(['8201848641', '8203848641', '8205848641']);
    const [firstBuffer, firstOffset] = places[0] ?? [null, -1];
    for (const [buffer, offset] of places) {
      expect(buffer).to.equal(firstBuffer);
      expect(offset).to.equal(firstOffset);
    }
    // A block that arrived in one HEADERS frame is a view of the input, as without the option.
    const input = rawFrame(0x1, 0x5, 7, '8287');
    reader.feed(input);
    const single = (reader.next() as HeadersFrame).headerBlock;
    expect(single.buffer).to.equal(input.buffer);
    expect(single.byteOffset).to.equal(input.byteOffset + 9);
    // release() drops the buffer; the next joined block gets a new one.
    reader.release();
    reader.feed(Buffer.concat([rawFrame(0x1, 0x1, 9, '82'), rawFrame(0x9, 0x4, 9, '87')]));
    const after = (reader.next() as HeadersFrame).headerBlock;
    expect(Buffer.from(after).toString('hex')).to.equal('8287');
    expect(after.buffer === firstBuffer && after.byteOffset === firstOffset).to.equal(false);
  });

  describe('client preface (server side)', function () {
    it('checks the 24-octet preface before the first frame, even one octet at a time', function () {
      const input = Buffer.concat([CLIENT_PREFACE, rawFrame(0x4, 0, 0)]);
      expect(drain(new FrameReader({ expectPreface: true }), split(input, 1))).to.have.length(1);
    });

    it('rejects a wrong preface as soon as the first wrong octet arrives', function () {
      const reader = new FrameReader({ expectPreface: true });
      reader.feed(Buffer.from('PRI * HTTP/1.1'));
      expect(() => reader.next()).to.throw(ProtocolError, 'Invalid HTTP/2 preamble.');
    });

    it('rejects an HTTP/1.1 request line', function () {
      const reader = new FrameReader({ expectPreface: true });
      reader.feed(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
      expect(() => reader.next()).to.throw(ProtocolError);
    });
  });
});
