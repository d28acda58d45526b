/**
 * TraceDecoder: one direction's bytes -> frame descriptions with decoded header fields, the seam
 * through which the adapter's frame trace reads the wire.
 */
import { expect } from 'chai';
import { ErrorCodes, ProtocolError } from '../../src/index.js';
import { TraceDecoder, type TracedFrame } from '../../src/core/trace-decoder.js';
import { ContinuationFrame, CLIENT_PREFACE, DataFrame, GoAwayFrame, HeadersFrame, PingFrame, PriorityFrame, PushPromiseFrame, RstStreamFrame, SettingsFrame, UnknownFrame, WindowUpdateFrame } from '../../src/frame/index.js';
import { HpackEncoder } from '../../src/hpack/index.js';
import { frameBytes } from '../helpers/frame-factory.js';
import { split } from '../helpers/bytes.js';

function decodeAll(decoder: TraceDecoder, chunks: Uint8Array[]): TracedFrame[] {
  const out: TracedFrame[] = [];
  for (const chunk of chunks) {
    decoder.feed(chunk);
    for (let f = decoder.next(); f !== null; f = decoder.next()) out.push(f);
  }
  return out;
}

describe('TraceDecoder', function () {
  const encoder = new HpackEncoder();
  const block = encoder.encode([
    { name: ':method', value: 'GET' },
    { name: ':path', value: '/' },
  ]);
  const again = encoder.encode([{ name: ':method', value: 'GET' }]); // indexed: needs the first block's table
  const bytes = Buffer.concat([
    CLIENT_PREFACE,
    frameBytes(
      new SettingsFrame([[4, 65535]]),
      new HeadersFrame(1, block.subarray(0, 3), false, false, 2, { dependsOn: 0, weight: 15, exclusive: true }),
      new ContinuationFrame(1, block.subarray(3), true),
      new DataFrame(1, Buffer.from('hi'), true, 1),
      new PriorityFrame(3, 1, 255, false),
      new PushPromiseFrame(1, 2, again, true, null),
      new RstStreamFrame(1, ErrorCodes.CANCEL),
      new PingFrame(Buffer.from('01234567'), true),
      new GoAwayFrame(1, ErrorCodes.NO_ERROR, Buffer.from('bye')),
      new WindowUpdateFrame(0, 1000),
      new UnknownFrame(0xa1, 0, 0, Buffer.from('x')),
    ),
  ]);

  for (const [title, chunks] of [
    ['in one chunk', [bytes]],
    ['one byte at a time', split(bytes, 1)],
  ] as const) {
    it(`describes every frame, header blocks joined and decoded in order (${title})`, function () {
      const frames = decodeAll(new TraceDecoder({ expectPreface: true }), [...chunks]);
      expect(frames.map((f) => f.typeName)).to.deep.equal(['SETTINGS', 'HEADERS', 'DATA', 'PRIORITY', 'PUSH_PROMISE', 'RST_STREAM', 'PING', 'GOAWAY', 'WINDOW_UPDATE', 'UNKNOWN(0xa1)']);
      const [settings, headers, data, priority, push, rst, ping, goaway, windowUpdate, unknown] = frames;
      expect(settings?.fields).to.deep.equal({ kind: 'SETTINGS', settings: [[4, 65535]] });
      expect(headers?.streamId).to.equal(1);
      expect(headers?.flagNames).to.deep.equal(['END_HEADERS', 'PADDED', 'PRIORITY']);
      expect(headers?.length, 'the joined block, padding and priority fields').to.equal(1 + block.length + 2 + 5);
      expect(headers?.fields).to.deep.equal({ kind: 'HEADERS', padLength: 2, priority: { dependsOn: 0, weight: 16, exclusive: true } });
      expect(headers?.headers).to.deep.equal([
        [':method', 'GET'],
        [':path', '/'],
      ]);
      expect(data?.flagNames).to.deep.equal(['END_STREAM', 'PADDED']);
      expect(data?.fields).to.deep.equal({ kind: 'DATA', padLength: 1 });
      expect(data?.headers).to.equal(null);
      expect(priority?.fields).to.deep.equal({ kind: 'PRIORITY', priority: { dependsOn: 1, weight: 256, exclusive: false } });
      expect(push?.fields).to.deep.equal({ kind: 'PUSH_PROMISE', padLength: null, promisedStreamId: 2 });
      expect(push?.headers).to.deep.equal([[':method', 'GET']]);
      expect(rst?.fields).to.deep.equal({ kind: 'RST_STREAM', errorCode: ErrorCodes.CANCEL });
      expect(ping?.flagNames).to.deep.equal(['ACK']);
      expect(ping?.fields).to.deep.equal({ kind: 'PING', opaqueData: Buffer.from('01234567') });
      expect(goaway?.fields).to.deep.equal({ kind: 'GOAWAY', lastStreamId: 1, errorCode: ErrorCodes.NO_ERROR, additionalData: Buffer.from('bye') });
      expect(windowUpdate?.fields).to.deep.equal({ kind: 'WINDOW_UPDATE', windowIncrement: 1000 });
      expect(unknown?.fields).to.deep.equal({ kind: 'OTHER' });
      expect(unknown?.length).to.equal(1);
    });
  }

  it('copies what it is fed: the caller may reuse its buffer', function () {
    const decoder = new TraceDecoder({ expectPreface: false });
    const chunk = frameBytes(new PingFrame(Buffer.from('abcdefgh')));
    decoder.feed(chunk.subarray(0, 10));
    chunk.fill(0, 0, 10);
    decoder.feed(chunk.subarray(10));
    expect(decoder.next()?.fields).to.deep.equal({ kind: 'PING', opaqueData: Buffer.from('abcdefgh') });
  });

  it('throws a ProtocolError on bytes that are not HTTP/2', function () {
    const decoder = new TraceDecoder({ expectPreface: true });
    decoder.feed(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    expect(() => decoder.next()).to.throw(ProtocolError);
  });
});
