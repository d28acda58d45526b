/**
 * RST_STREAM (type 0x3, RFC 9113 §6.4): ends one stream with an error code.
 */
import { FrameDataMissingError, ProtocolError } from '../errors.js';
import type { FrameHeader } from './header.js';
import type { FrameWriter } from './writer.js';

/** RST_STREAM (RFC 9113 §6.4): ends one stream with an error code. hyperframe: `RstStreamFrame`. */
export class RstStreamFrame {
  /** The frame type code. */
  static readonly TYPE = 0x3;

  /** The frame type code (for narrowing). */
  readonly type = RstStreamFrame.TYPE;
  readonly flags = 0;

  constructor(
    readonly streamId: number,
    readonly errorCode: number,
  ) {}

  /** Parses the payload that follows `header` (the header was checked for length and stream id). */
  static parse(header: FrameHeader, payload: Buffer): RstStreamFrame {
    if (header.streamId === 0) throw new ProtocolError('RST_STREAM frame on stream 0'); // RFC 9113 §6.4
    // RFC 9113 §6.4: "a connection error of type FRAME_SIZE_ERROR"
    if (payload.length !== 4) throw new FrameDataMissingError(`RST_STREAM frame length ${payload.length} is not 4`);
    return new RstStreamFrame(header.streamId, payload.readUInt32BE(0));
  }

  /** Writes the whole frame, header included, into `w`. */
  serializeInto(w: FrameWriter): void {
    w.writeFrameHeader(4, RstStreamFrame.TYPE, 0, this.streamId);
    w.writeUInt32(this.errorCode);
  }
}
