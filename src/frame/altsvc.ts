/**
 * ALTSVC (type 0xa, RFC 7838 §4): an alternative service advertisement. On stream 0 it names
 * an origin; on a stream the origin is the stream's.
 */
import { FrameDataMissingError } from '../errors.js';
import type { FrameHeader } from './header.js';
import type { FrameWriter } from './writer.js';

/** ALTSVC (RFC 7838 §4): an alternative service. hyperframe: `AltSvcFrame`. */
export class AltSvcFrame {
  /** The frame type code. */
  static readonly TYPE = 0xa;

  /** The frame type code (for narrowing). */
  readonly type = AltSvcFrame.TYPE;
  readonly flags = 0;

  constructor(
    readonly streamId: number,
    readonly origin: Uint8Array,
    readonly fieldValue: Uint8Array,
  ) {}

  /** Parses the payload that follows `header` (the header was checked for length and stream id). */
  static parse(header: FrameHeader, payload: Buffer): AltSvcFrame {
    if (payload.length < 2) throw new FrameDataMissingError(`ALTSVC frame length ${payload.length} is less than 2`);
    const originLength = payload.readUInt16BE(0);
    if (originLength > payload.length - 2) {
      throw new FrameDataMissingError(`ALTSVC Origin-Len ${originLength} exceeds the ${payload.length - 2} octets that follow`);
    }
    return new AltSvcFrame(header.streamId, payload.subarray(2, 2 + originLength), payload.subarray(2 + originLength));
  }

  /** Writes the whole frame, header included, into `w`. */
  serializeInto(w: FrameWriter): void {
    w.writeFrameHeader(2 + this.origin.length + this.fieldValue.length, AltSvcFrame.TYPE, 0, this.streamId);
    w.writeUInt16(this.origin.length);
    w.writeBytes(this.origin);
    w.writeBytes(this.fieldValue);
  }
}
