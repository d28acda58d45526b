/**
 * PING (type 0x6, RFC 9113 §6.7): eight opaque octets, echoed back with ACK.
 */
import { FrameDataMissingError, ProtocolError } from '../errors.js';
import type { FrameHeader } from './header.js';
import type { FrameWriter } from './writer.js';

/** PING payloads are exactly this long. */
export const PING_LENGTH = 8;

export class PingFrame {
  static readonly TYPE = 0x6;
  static readonly ACK = 0x1;

  readonly type = PingFrame.TYPE;
  readonly streamId = 0;

  constructor(
    readonly opaqueData: Uint8Array,
    readonly ack = false,
  ) {}

  get flags(): number {
    return this.ack ? PingFrame.ACK : 0;
  }

  static parse(header: FrameHeader, payload: Buffer): PingFrame {
    if (header.streamId !== 0) throw new ProtocolError(`PING frame on stream ${header.streamId}`); // RFC 9113 §6.7
    if (payload.length !== PING_LENGTH) throw new FrameDataMissingError(`PING frame length ${payload.length} is not 8`);
    return new PingFrame(payload, (header.flags & PingFrame.ACK) !== 0);
  }

  serializeInto(w: FrameWriter): void {
    if (this.opaqueData.length !== PING_LENGTH) throw new RangeError(`PING data must be 8 octets, not ${this.opaqueData.length}`);
    w.writeFrameHeader(PING_LENGTH, PingFrame.TYPE, this.flags, 0);
    w.writeBytes(this.opaqueData);
  }
}
