/**
 * GOAWAY (type 0x7, RFC 9113 §6.8): the last stream id processed, an error code and opaque
 * debug data.
 */
import { FrameDataMissingError, ProtocolError } from '../errors.js';
import type { FrameHeader } from './header.js';
import { STREAM_ID_MASK } from './header.js';
import type { FrameWriter } from './writer.js';

const EMPTY = Buffer.alloc(0);

/** GOAWAY (RFC 9113 §6.8): the connection is ending. hyperframe: `GoAwayFrame`. */
export class GoAwayFrame {
  /** The frame type code. */
  static readonly TYPE = 0x7;

  /** The frame type code (for narrowing). */
  readonly type = GoAwayFrame.TYPE;
  readonly streamId = 0;
  readonly flags = 0;

  constructor(
    readonly lastStreamId: number,
    readonly errorCode: number,
    readonly additionalData: Uint8Array = EMPTY,
  ) {}

  /** Parses the payload that follows `header` (the header was checked for length and stream id). */
  static parse(header: FrameHeader, payload: Buffer): GoAwayFrame {
    if (header.streamId !== 0) throw new ProtocolError(`GOAWAY frame on stream ${header.streamId}`); // RFC 9113 §6.8
    if (payload.length < 8) throw new FrameDataMissingError(`GOAWAY frame length ${payload.length} is less than 8`);
    // RFC 9113 §6.8: Last-Stream-ID has a reserved bit, ignored on receipt
    return new GoAwayFrame(payload.readUInt32BE(0) & STREAM_ID_MASK, payload.readUInt32BE(4), payload.subarray(8));
  }

  /** Writes the whole frame, header included, into `w`. */
  serializeInto(w: FrameWriter): void {
    w.writeFrameHeader(8 + this.additionalData.length, GoAwayFrame.TYPE, 0, 0);
    w.writeUInt32(this.lastStreamId & STREAM_ID_MASK);
    w.writeUInt32(this.errorCode);
    w.writeBytes(this.additionalData);
  }
}
