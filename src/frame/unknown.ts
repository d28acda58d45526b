/**
 * Frames of a type this library does not implement (RFC 9113 §5.5: "Implementations MUST
 * ignore unknown or unsupported values"). Kept opaque so the connection can report them as
 * `UnknownFrameReceived`.
 */
import type { FrameHeader } from './header.js';
import type { FrameWriter } from './writer.js';

/** A frame of a type this library does not implement (RFC 9113 §4.1: ignored). hyperframe: `ExtensionFrame`. */
export class UnknownFrame {
  constructor(
    readonly type: number,
    readonly flags: number,
    readonly streamId: number,
    readonly payload: Uint8Array,
  ) {}

  /** Parses the payload that follows `header` (the header was checked for length and stream id). */
  static parse(header: FrameHeader, payload: Buffer): UnknownFrame {
    return new UnknownFrame(header.type, header.flags, header.streamId, payload);
  }

  /** Writes the whole frame, header included, into `w`. */
  serializeInto(w: FrameWriter): void {
    w.writeFrameHeader(this.payload.length, this.type, this.flags, this.streamId);
    w.writeBytes(this.payload);
  }
}
