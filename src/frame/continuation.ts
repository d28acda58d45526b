/**
 * CONTINUATION (type 0x9, RFC 9113 §6.10): the rest of a field block started by HEADERS or
 * PUSH_PROMISE. The reader joins these into the opening frame; they reach the connection
 * only through the reader's checks.
 */
import { ProtocolError } from '../errors.js';
import type { FrameHeader } from './header.js';
import type { FrameWriter } from './writer.js';

/** CONTINUATION (RFC 9113 §6.10): more of a field block. h2/hyperframe: `ContinuationFrame`. */
export class ContinuationFrame {
  /** The frame type code. */
  static readonly TYPE = 0x9;
  static readonly END_HEADERS = 0x4;

  /** The frame type code (for narrowing). */
  readonly type = ContinuationFrame.TYPE;

  constructor(
    readonly streamId: number,
    readonly headerBlock: Uint8Array,
    readonly endHeaders = true,
  ) {}

  /** The flag octet for this frame's fields. */
  get flags(): number {
    return this.endHeaders ? ContinuationFrame.END_HEADERS : 0;
  }

  /** Parses the payload that follows `header` (the header was checked for length and stream id). */
  static parse(header: FrameHeader, payload: Buffer): ContinuationFrame {
    if (header.streamId === 0) throw new ProtocolError('CONTINUATION frame on stream 0'); // RFC 9113 §6.10
    return new ContinuationFrame(header.streamId, payload, (header.flags & ContinuationFrame.END_HEADERS) !== 0);
  }

  /** Writes the whole frame, header included, into `w`. */
  serializeInto(w: FrameWriter): void {
    w.writeFrameHeader(this.headerBlock.length, ContinuationFrame.TYPE, this.flags, this.streamId);
    w.writeBytes(this.headerBlock);
  }
}
