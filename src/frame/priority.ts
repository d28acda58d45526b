/**
 * PRIORITY (type 0x2, RFC 9113 §6.3) and the five-octet priority fields it shares with HEADERS.
 *
 * RFC 9113 deprecates the priority scheme, but the frames must still be parsed and a
 * self-dependency is still an error (§5.3.1).
 */
import { FrameDataMissingError, ProtocolError } from '../errors.js';
import type { FrameHeader } from './header.js';
import { STREAM_ID_MASK } from './header.js';
import type { FrameWriter } from './writer.js';

/** Octets of the priority fields: E + 31-bit dependency, 8-bit weight. */
export const PRIORITY_FIELDS_LENGTH = 5;

/** Priority fields as on the wire. */
export interface PriorityFields {
  /** The stream this one depends on (0: the root). */
  readonly dependsOn: number;
  /** Wire weight 0..255; the RFC weight is this plus one. */
  readonly weight: number;
  /** The E flag. */
  readonly exclusive: boolean;
}

/** Reads priority fields at `offset`; the caller has checked that five octets are there. */
export function readPriorityFields(buf: Uint8Array, offset: number): PriorityFields {
  const word = (((buf[offset] ?? 0) << 24) | ((buf[offset + 1] ?? 0) << 16) | ((buf[offset + 2] ?? 0) << 8) | (buf[offset + 3] ?? 0)) >>> 0;
  return { exclusive: word >>> 31 === 1, dependsOn: word & STREAM_ID_MASK, weight: buf[offset + 4] ?? 0 };
}

export function writePriorityFields(w: FrameWriter, p: PriorityFields): void {
  w.writeUInt32(((p.exclusive ? 0x80000000 : 0) | (p.dependsOn & STREAM_ID_MASK)) >>> 0);
  w.writeUInt8(p.weight);
}

/** PRIORITY (RFC 9113 §6.3, deprecated scheme): validated and reported, never acted on. hyperframe: `PriorityFrame`. */
export class PriorityFrame implements PriorityFields {
  /** The frame type code. */
  static readonly TYPE = 0x2;

  /** The frame type code (for narrowing). */
  readonly type = PriorityFrame.TYPE;
  readonly flags = 0;

  constructor(
    readonly streamId: number,
    readonly dependsOn = 0,
    /** Wire weight 0..255 (default 15: RFC weight 16). */
    readonly weight = 15,
    readonly exclusive = false,
  ) {}

  /** Parses the payload that follows `header` (the header was checked for length and stream id). */
  static parse(header: FrameHeader, payload: Buffer): PriorityFrame {
    if (header.streamId === 0) throw new ProtocolError('PRIORITY frame on stream 0'); // RFC 9113 §6.3
    if (payload.length !== PRIORITY_FIELDS_LENGTH) {
      // RFC 9113 §6.3: "a stream error of type FRAME_SIZE_ERROR"
      throw new FrameDataMissingError(`PRIORITY frame length ${payload.length} is not 5`, { streamId: header.streamId, scope: 'stream' });
    }
    const p = readPriorityFields(payload, 0);
    return new PriorityFrame(header.streamId, p.dependsOn, p.weight, p.exclusive);
  }

  /** Writes the whole frame, header included, into `w`. */
  serializeInto(w: FrameWriter): void {
    w.writeFrameHeader(PRIORITY_FIELDS_LENGTH, PriorityFrame.TYPE, 0, this.streamId);
    writePriorityFields(w, this);
  }
}
