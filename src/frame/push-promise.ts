/**
 * PUSH_PROMISE (type 0x5, RFC 9113 §6.6): a server reserves a stream and sends the request
 * it promises to answer. Padded like HEADERS; continued by CONTINUATION frames.
 */
import { ProtocolError } from '../errors.js';
import type { FrameHeader } from './header.js';
import { STREAM_ID_MASK } from './header.js';
import { checkPadLength, locateBody, PADDED_FLAG } from './padding.js';
import type { FrameWriter } from './writer.js';

/** PUSH_PROMISE (RFC 9113 §6.6): the server reserves a stream for a push. hyperframe: `PushPromiseFrame`. */
export class PushPromiseFrame {
  /** The frame type code. */
  static readonly TYPE = 0x5;
  static readonly END_HEADERS = 0x4;

  /** The frame type code (for narrowing). */
  readonly type = PushPromiseFrame.TYPE;

  constructor(
    readonly streamId: number,
    readonly promisedStreamId: number,
    readonly headerBlock: Uint8Array,
    readonly endHeaders = true,
    readonly padLength: number | null = null,
  ) {}

  /** The flag octet for this frame's fields. */
  get flags(): number {
    return (this.endHeaders ? PushPromiseFrame.END_HEADERS : 0) | (this.padLength === null ? 0 : PADDED_FLAG);
  }

  /** Parses the payload that follows `header` (the header was checked for length and stream id). */
  static parse(header: FrameHeader, payload: Buffer): PushPromiseFrame {
    if (header.streamId === 0) throw new ProtocolError('PUSH_PROMISE frame on stream 0'); // RFC 9113 §6.6
    const body = locateBody(header, payload, 4, 'PUSH_PROMISE');
    // RFC 9113 §6.6: the promised stream id has a reserved bit, ignored on receipt
    const promisedStreamId = payload.readUInt32BE(body.start) & STREAM_ID_MASK;
    return new PushPromiseFrame(
      header.streamId,
      promisedStreamId,
      payload.subarray(body.start + 4, body.end),
      (header.flags & PushPromiseFrame.END_HEADERS) !== 0,
      body.padLength,
    );
  }

  /** Writes the whole frame, header included, into `w`. */
  serializeInto(w: FrameWriter): void {
    checkPadLength(this.padLength);
    const length = 4 + this.headerBlock.length + (this.padLength === null ? 0 : this.padLength + 1);
    w.writeFrameHeader(length, PushPromiseFrame.TYPE, this.flags, this.streamId);
    if (this.padLength !== null) w.writeUInt8(this.padLength);
    w.writeUInt32(this.promisedStreamId & STREAM_ID_MASK);
    w.writeBytes(this.headerBlock);
    if (this.padLength) w.writeZeros(this.padLength);
  }
}
