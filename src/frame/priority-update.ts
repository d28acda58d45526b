/**
 * PRIORITY_UPDATE (type 0x10, RFC 9218 §7.1): a new value of the `priority` field for a stream,
 * sent by a client on stream 0 (the stream it prioritizes is named in the payload).
 */
import { FrameDataMissingError, ProtocolError } from '../errors.js';
import type { FrameHeader } from './header.js';
import type { FrameWriter } from './writer.js';

/** RFC 9218 §7.1: the Prioritized Stream ID that precedes the field value. */
const PRIORITIZED_STREAM_ID_LENGTH = 4;

/** PRIORITY_UPDATE (RFC 9218 §7.1): a Priority Field Value for the prioritized stream. */
export class PriorityUpdateFrame {
  /** The frame type code. */
  static readonly TYPE = 0x10;

  /** The frame type code (for narrowing). */
  readonly type = PriorityUpdateFrame.TYPE;
  /** RFC 9218 §7.1: always stream 0 (the control stream). */
  readonly streamId = 0;
  /** RFC 9218 §7.1 defines no flags. */
  readonly flags = 0;

  constructor(
    /** The stream whose priority changes. */
    readonly prioritizedStreamId: number,
    /** The new `priority` field value (RFC 9218 §4), ASCII. */
    readonly fieldValue: Uint8Array,
  ) {}

  /**
   * Parses the payload that follows `header`.
   * @throws ProtocolError on a stream other than 0; FrameDataMissingError (FRAME_SIZE_ERROR)
   *   when the payload is shorter than the Prioritized Stream ID (RFC 9218 §7.1).
   */
  static parse(header: FrameHeader, payload: Buffer): PriorityUpdateFrame {
    if (header.streamId !== 0) throw new ProtocolError(`PRIORITY_UPDATE frame on stream ${header.streamId}: it is sent on stream 0 (RFC 9218 §7.1)`);
    if (payload.length < PRIORITIZED_STREAM_ID_LENGTH) throw new FrameDataMissingError(`PRIORITY_UPDATE frame length ${payload.length} is less than 4`);
    return new PriorityUpdateFrame(payload.readUInt32BE(0) & 0x7fffffff, payload.subarray(PRIORITIZED_STREAM_ID_LENGTH));
  }

  /** Writes the whole frame, header included, into `w`. */
  serializeInto(w: FrameWriter): void {
    w.writeFrameHeader(PRIORITIZED_STREAM_ID_LENGTH + this.fieldValue.length, PriorityUpdateFrame.TYPE, 0, 0);
    w.writeUInt32(this.prioritizedStreamId & 0x7fffffff);
    w.writeBytes(this.fieldValue);
  }
}
