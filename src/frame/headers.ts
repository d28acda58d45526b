/**
 * HEADERS (type 0x1, RFC 9113 §6.2): opens a stream or carries trailers; padding and
 * priority fields optional. A HEADERS frame without END_HEADERS is continued by
 * CONTINUATION frames; the reader joins them, so a parsed HeadersFrame from the reader holds
 * the complete field block.
 */
import { ProtocolError } from '../errors.js';
import type { FrameHeader } from './header.js';
import { checkPadLength, locateBody, PADDED_FLAG } from './padding.js';
import type { PriorityFields } from './priority.js';
import { PRIORITY_FIELDS_LENGTH, readPriorityFields, writePriorityFields } from './priority.js';
import type { FrameWriter } from './writer.js';

/** HEADERS (RFC 9113 §6.2): a field block that opens or continues a stream. hyperframe: `HeadersFrame`. */
export class HeadersFrame {
  /** The frame type code. */
  static readonly TYPE = 0x1;
  static readonly END_STREAM = 0x1;
  static readonly END_HEADERS = 0x4;
  static readonly PRIORITY = 0x20;

  /** The frame type code (for narrowing). */
  readonly type = HeadersFrame.TYPE;

  constructor(
    readonly streamId: number,
    /** The field block fragment (the whole block once the reader has joined CONTINUATIONs). */
    readonly headerBlock: Uint8Array,
    readonly endStream = false,
    readonly endHeaders = true,
    readonly padLength: number | null = null,
    /** Priority fields when the PRIORITY flag is set, else `null`. */
    readonly priority: PriorityFields | null = null,
  ) {}

  /** The flag octet for this frame's fields. */
  get flags(): number {
    return (
      (this.endStream ? HeadersFrame.END_STREAM : 0) |
      (this.endHeaders ? HeadersFrame.END_HEADERS : 0) |
      (this.padLength === null ? 0 : PADDED_FLAG) |
      (this.priority === null ? 0 : HeadersFrame.PRIORITY)
    );
  }

  /** Parses the payload that follows `header` (the header was checked for length and stream id). */
  static parse(header: FrameHeader, payload: Buffer): HeadersFrame {
    if (header.streamId === 0) throw new ProtocolError('HEADERS frame on stream 0'); // RFC 9113 §6.2
    const hasPriority = (header.flags & HeadersFrame.PRIORITY) !== 0;
    const body = locateBody(header, payload, hasPriority ? PRIORITY_FIELDS_LENGTH : 0, 'HEADERS');
    const priority = hasPriority ? readPriorityFields(payload, body.start) : null;
    const blockStart = hasPriority ? body.start + PRIORITY_FIELDS_LENGTH : body.start;
    return new HeadersFrame(
      header.streamId,
      payload.subarray(blockStart, body.end),
      (header.flags & HeadersFrame.END_STREAM) !== 0,
      (header.flags & HeadersFrame.END_HEADERS) !== 0,
      body.padLength,
      priority,
    );
  }

  /** Writes the whole frame, header included, into `w`. */
  serializeInto(w: FrameWriter): void {
    checkPadLength(this.padLength);
    const length =
      this.headerBlock.length + (this.padLength === null ? 0 : this.padLength + 1) + (this.priority === null ? 0 : PRIORITY_FIELDS_LENGTH);
    w.writeFrameHeader(length, HeadersFrame.TYPE, this.flags, this.streamId);
    if (this.padLength !== null) w.writeUInt8(this.padLength);
    if (this.priority !== null) writePriorityFields(w, this.priority);
    w.writeBytes(this.headerBlock);
    if (this.padLength) w.writeZeros(this.padLength);
  }
}
