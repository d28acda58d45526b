/** A frame as its bytes, and bytes back to a frame: the round trip the frame specs check. */
import { type Frame, FrameWriter, parseFrame, readFrameHeader } from '../../src/frame/index.js';

/** The bytes a frame serializes to. */
export function serialize(frame: { serializeInto(w: FrameWriter): void }): Buffer {
  const w = new FrameWriter();
  frame.serializeInto(w);
  return Buffer.from(w.take());
}

/** One frame's bytes (header and payload) parsed back into a frame. */
export function reparse(bytes: Buffer): Frame {
  return parseFrame(readFrameHeader(bytes, 0), bytes.subarray(9));
}
