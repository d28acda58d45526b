/**
 * WINDOW_UPDATE (type 0x8, RFC 9113 §6.9): grows a stream's or the connection's window.
 */
import { FrameDataMissingError, ProtocolError } from '../errors.js';
import type { FrameHeader } from './header.js';
import { STREAM_ID_MASK } from './header.js';
import type { FrameWriter } from './writer.js';

/** WINDOW_UPDATE (RFC 9113 §6.9): flow-control credit for a stream or the connection. hyperframe: `WindowUpdateFrame`. */
export class WindowUpdateFrame {
  /** The frame type code. */
  static readonly TYPE = 0x8;

  /** The frame type code (for narrowing). */
  readonly type = WindowUpdateFrame.TYPE;
  readonly flags = 0;

  constructor(
    readonly streamId: number,
    readonly windowIncrement: number,
  ) {}

  /** Parses the payload that follows `header` (the header was checked for length and stream id). */
  static parse(header: FrameHeader, payload: Buffer): WindowUpdateFrame {
    // RFC 9113 §6.9: any other length is a connection error of type FRAME_SIZE_ERROR
    if (payload.length !== 4) throw new FrameDataMissingError(`WINDOW_UPDATE frame length ${payload.length} is not 4`);
    const windowIncrement = payload.readUInt32BE(0) & STREAM_ID_MASK; // reserved bit ignored
    if (windowIncrement === 0) {
      // RFC 9113 §6.9: an increment of 0 is a stream error, or a connection error on stream 0
      throw new ProtocolError(`WINDOW_UPDATE with an increment of 0 on stream ${header.streamId}`, {
        streamId: header.streamId,
        scope: header.streamId === 0 ? 'connection' : 'stream',
      });
    }
    return new WindowUpdateFrame(header.streamId, windowIncrement);
  }

  /** Writes the whole frame, header included, into `w`. */
  serializeInto(w: FrameWriter): void {
    w.writeFrameHeader(4, WindowUpdateFrame.TYPE, 0, this.streamId);
    w.writeUInt32(this.windowIncrement & STREAM_ID_MASK);
  }
}
