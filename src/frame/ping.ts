/**
 * PING (type 0x6, RFC 9113 §6.7): eight opaque octets, echoed back with ACK.
 */
import { FrameDataMissingError, ProtocolError } from '../errors.js';
import type { FrameHeader } from './header.js';
import type { FrameWriter } from './writer.js';

/** PING payloads are exactly this long. */
export const PING_LENGTH = 8;

/** PING (RFC 9113 §6.7): 8 octets echoed back with ACK. hyperframe: `PingFrame`. */
export class PingFrame {
  /** The frame type code. */
  static readonly TYPE = 0x6;
  static readonly ACK = 0x1;

  /** The frame type code (for narrowing). */
  readonly type = PingFrame.TYPE;
  readonly streamId = 0;

  constructor(
    readonly opaqueData: Uint8Array,
    readonly ack = false,
  ) {}

  /** The flag octet for this frame's fields. */
  get flags(): number {
    return this.ack ? PingFrame.ACK : 0;
  }

  /** Parses the payload that follows `header` (the header was checked for length and stream id). */
  static parse(header: FrameHeader, payload: Buffer): PingFrame {
    if (header.streamId !== 0) throw new ProtocolError(`PING frame on stream ${header.streamId}`); // RFC 9113 §6.7
    if (payload.length !== PING_LENGTH) throw new FrameDataMissingError(`PING frame length ${payload.length} is not 8`);
    return new PingFrame(payload, (header.flags & PingFrame.ACK) !== 0);
  }

  /** Writes the whole frame, header included, into `w`. */
  serializeInto(w: FrameWriter): void {
    if (this.opaqueData.length !== PING_LENGTH) throw new RangeError(`PING data must be 8 octets, not ${this.opaqueData.length}`);
    w.writeFrameHeader(PING_LENGTH, PingFrame.TYPE, this.flags, 0);
    w.writeBytes(this.opaqueData);
  }
}
