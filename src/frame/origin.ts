/**
 * ORIGIN (type 0xc, RFC 8336 §2): the origins a server is authoritative for, sent on stream 0.
 * A non-critical extension: a frame that breaks the rules is ignored by its receiver rather
 * than answered with an error (§2.1), so parsing never throws; {@link OriginFrame.wellFormed}
 * says whether the entries filled the payload exactly.
 */
import type { FrameHeader } from './header.js';
import type { FrameWriter } from './writer.js';

/** RFC 8336 §2: each Origin-Entry is a 16-bit length and that many octets of ASCII origin. */
const ORIGIN_LENGTH_OCTETS = 2;

/** ORIGIN (RFC 8336 §2): a list of ASCII-serialized origins. */
export class OriginFrame {
  /** The frame type code. */
  static readonly TYPE = 0xc;

  /** The frame type code (for narrowing). */
  readonly type = OriginFrame.TYPE;

  constructor(
    /** The origins (ASCII serializations, RFC 6454 §6.2), in the order sent. */
    readonly origins: readonly string[],
    /** Stream 0 when sent; received frames keep theirs (a non-zero one is ignored, §2.1). */
    readonly streamId = 0,
    /** No flags are defined (§2); received flags are kept and ignored. */
    readonly flags = 0,
    /** False when an entry's length ran past the payload (the frame is then ignored). */
    readonly wellFormed = true,
  ) {}

  /** Parses the payload that follows `header`; never throws (see {@link OriginFrame.wellFormed}). */
  static parse(header: FrameHeader, payload: Buffer): OriginFrame {
    const origins: string[] = [];
    let offset = 0;
    while (offset < payload.length) {
      if (payload.length - offset < ORIGIN_LENGTH_OCTETS) return new OriginFrame(origins, header.streamId, header.flags, false);
      const length = payload.readUInt16BE(offset);
      offset += ORIGIN_LENGTH_OCTETS;
      if (length > payload.length - offset) return new OriginFrame(origins, header.streamId, header.flags, false);
      origins.push(payload.toString('latin1', offset, offset + length));
      offset += length;
    }
    return new OriginFrame(origins, header.streamId, header.flags, true);
  }

  /** Octets of the payload. */
  get payloadLength(): number {
    let length = 0;
    for (const origin of this.origins) length += ORIGIN_LENGTH_OCTETS + Buffer.byteLength(origin, 'latin1');
    return length;
  }

  /** Writes the whole frame, header included, into `w`. */
  serializeInto(w: FrameWriter): void {
    w.writeFrameHeader(this.payloadLength, OriginFrame.TYPE, this.flags, this.streamId);
    for (const origin of this.origins) {
      const octets = Buffer.from(origin, 'latin1');
      w.writeUInt16(octets.length);
      w.writeBytes(octets);
    }
  }
}
