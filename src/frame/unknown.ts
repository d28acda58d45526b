/**
 * Frames of a type this library does not implement (RFC 9113 §5.5: "Implementations MUST
 * ignore unknown or unsupported values"). Kept opaque so the connection can report them as
 * `UnknownFrameReceived`.
 */
import type { FrameHeader } from './header.js';
import type { FrameWriter } from './writer.js';

export class UnknownFrame {
  constructor(
    readonly type: number,
    readonly flags: number,
    readonly streamId: number,
    readonly payload: Uint8Array,
  ) {}

  static parse(header: FrameHeader, payload: Buffer): UnknownFrame {
    return new UnknownFrame(header.type, header.flags, header.streamId, payload);
  }

  serializeInto(w: FrameWriter): void {
    w.writeFrameHeader(this.payload.length, this.type, this.flags, this.streamId);
    w.writeBytes(this.payload);
  }
}
