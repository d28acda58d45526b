/**
 * DATA (type 0x0, RFC 9113 §6.1): stream payload, optionally padded.
 */
import { ProtocolError } from '../errors.js';
import type { FrameHeader } from './header.js';
import { checkPadLength, locateBody, PADDED_FLAG } from './padding.js';
import type { FrameWriter } from './writer.js';

/** DATA (RFC 9113 §6.1): stream payload, optionally padded. hyperframe: `DataFrame`. */
export class DataFrame {
  /** The frame type code. */
  static readonly TYPE = 0x0;
  static readonly END_STREAM = 0x1;

  /** The frame type code (for narrowing). */
  readonly type = DataFrame.TYPE;

  /**
   * @param streamId never 0
   * @param data the body octets, padding excluded (a view into the received bytes on parse)
   * @param endStream END_STREAM flag
   * @param padLength Pad Length, or `null` for an unpadded frame
   */
  constructor(
    readonly streamId: number,
    readonly data: Uint8Array,
    readonly endStream = false,
    readonly padLength: number | null = null,
  ) {}

  /** Octets this frame counts against flow-control windows: the whole payload (RFC 9113 §6.9.1). */
  get flowControlledLength(): number {
    return this.padLength === null ? this.data.length : this.data.length + this.padLength + 1;
  }

  /** The flag octet for this frame's fields. */
  get flags(): number {
    return (this.endStream ? DataFrame.END_STREAM : 0) | (this.padLength === null ? 0 : PADDED_FLAG);
  }

  /** Parses the payload that follows `header` (the header was checked for length and stream id). */
  static parse(header: FrameHeader, payload: Buffer): DataFrame {
    if (header.streamId === 0) throw new ProtocolError('DATA frame on stream 0'); // RFC 9113 §6.1
    const body = locateBody(header, payload, 0, 'DATA');
    return new DataFrame(header.streamId, payload.subarray(body.start, body.end), (header.flags & DataFrame.END_STREAM) !== 0, body.padLength);
  }

  /** Writes the whole frame, header included, into `w`. */
  serializeInto(w: FrameWriter): void {
    checkPadLength(this.padLength);
    w.writeFrameHeader(this.flowControlledLength, DataFrame.TYPE, this.flags, this.streamId);
    if (this.padLength !== null) w.writeUInt8(this.padLength);
    w.writePayload(this.data);
    if (this.padLength) w.writeZeros(this.padLength);
  }
}
