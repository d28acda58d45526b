/**
 * Builds valid frames of every type as bytes, for specs and property tests (py-h2
 * `tests/helpers.py` FrameFactory). Malformed frames come from `rawFrame` in bytes.ts.
 */
import fc from 'fast-check';
import {
  AltSvcFrame,
  ContinuationFrame,
  DataFrame,
  type Frame,
  FrameReader,
  FrameWriter,
  GoAwayFrame,
  HeadersFrame,
  OriginFrame,
  PingFrame,
  PriorityFrame,
  PriorityUpdateFrame,
  PushPromiseFrame,
  RstStreamFrame,
  SettingsFrame,
  UnknownFrame,
  WindowUpdateFrame,
} from '../../src/frame/index.js';

export type Serializable = { serializeInto(w: FrameWriter): void };

/** Parses a peer's output (no preface, any frame size) back into frames, in order. */
export function framesIn(bytes: Uint8Array): Frame[] {
  const reader = new FrameReader({ expectPreface: false, maxFrameSize: 1 << 24 });
  reader.feed(bytes);
  const frames: Frame[] = [];
  for (let f = reader.next(); f !== null; f = reader.next()) frames.push(f);
  return frames;
}

/** Serializes frames back to back. */
export function frameBytes(...frames: Serializable[]): Buffer {
  const w = new FrameWriter();
  for (const f of frames) f.serializeInto(w);
  return Buffer.from(w.take());
}

const streamId = fc.integer({ min: 1, max: 9 });
const bytes = (max: number) => fc.uint8Array({ maxLength: max }).map((a) => Buffer.from(a));
const pad = fc.option(fc.integer({ min: 0, max: 20 }), { nil: null });
const u31 = fc.integer({ min: 0, max: 0x7fffffff });

/** An arbitrary valid frame of any type (CONTINUATION only as part of a header block). */
export const arbitraryFrame: fc.Arbitrary<Serializable[]> = fc.oneof(
  fc.tuple(streamId, bytes(64), fc.boolean(), pad).map(([s, d, e, p]) => [new DataFrame(s, d, e, p)]),
  fc
    .tuple(streamId, bytes(32), fc.boolean(), pad, fc.option(fc.record({ dependsOn: u31, weight: fc.integer({ min: 0, max: 255 }), exclusive: fc.boolean() }), { nil: null }), fc.array(bytes(16), { maxLength: 3 }))
    .map(([s, b, e, p, pri, conts]) => [
      new HeadersFrame(s, b, e, conts.length === 0, p, pri),
      ...conts.map((c, i) => new ContinuationFrame(s, c, i === conts.length - 1)),
    ]),
  fc.tuple(streamId, u31, fc.integer({ min: 0, max: 255 }), fc.boolean()).map(([s, d, w, e]) => [new PriorityFrame(s, d, w, e)]),
  fc.tuple(streamId, fc.integer({ min: 0, max: 0xffffffff })).map(([s, c]) => [new RstStreamFrame(s, c)]),
  fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 0xffffffff })), { maxLength: 6 }).map((s) => [new SettingsFrame(s)]),
  fc.constant<Serializable[]>([new SettingsFrame([], true)]),
  fc.tuple(streamId, u31, bytes(32), pad).map(([s, p, b, pl]) => [new PushPromiseFrame(s, p, b, true, pl)]),
  fc.tuple(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.boolean()).map(([d, a]) => [new PingFrame(Buffer.from(d), a)]),
  fc.tuple(u31, fc.integer({ min: 0, max: 0xffffffff }), bytes(16)).map(([l, c, d]) => [new GoAwayFrame(l, c, d)]),
  fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 0x7fffffff })).map(([s, i]) => [new WindowUpdateFrame(s, i)]),
  fc.tuple(fc.integer({ min: 0, max: 9 }), bytes(8), bytes(16)).map(([s, o, v]) => [new AltSvcFrame(s, o, v)]),
  fc.tuple(u31, fc.string({ unit: fc.constantFrom('u', '=', '1', ',', ' ', 'i'), maxLength: 12 })).map(([s, v]) => [new PriorityUpdateFrame(s, Buffer.from(v, 'latin1'))]),
  fc.array(fc.webUrl().map((url) => new URL(url).origin), { maxLength: 3 }).map((origins) => [new OriginFrame(origins)]),
  // Unknown types: past ALTSVC (0xa), except ORIGIN (0xc) and PRIORITY_UPDATE (0x10), which are known.
  fc.tuple(fc.integer({ min: 0xb, max: 0xff }).filter((t) => t !== 0xc && t !== 0x10), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 9 }), bytes(16)).map(([t, f, s, p]) => [new UnknownFrame(t, f, s, p)]),
);
