/**
 * SETTINGS (type 0x4, RFC 9113 §6.5) as a frame: a list of (identifier, value) pairs, or an
 * empty ACK. Value ranges are the core's business (core/settings.ts); unknown identifiers
 * are kept here and ignored there (§6.5.2).
 */
import { FrameDataMissingError, ProtocolError } from '../errors.js';
import type { FrameHeader } from './header.js';
import type { FrameWriter } from './writer.js';

/** Octets per setting: 16-bit identifier, 32-bit value. */
const SETTING_LENGTH = 6;
/** The settings of every ACK and empty SETTINGS frame (read-only, so one list serves them all). */
const NO_SETTINGS: ReadonlyArray<readonly [number, number]> = Object.freeze([]);

/** SETTINGS (RFC 9113 §6.5): parameters, or an ACK of the peer's. hyperframe: `SettingsFrame`. */
export class SettingsFrame {
  /** The frame type code. */
  static readonly TYPE = 0x4;
  static readonly ACK = 0x1;

  /** The frame type code (for narrowing). */
  readonly type = SettingsFrame.TYPE;
  readonly streamId = 0;

  constructor(
    /** `[identifier, value]` pairs in wire order (duplicates kept: the last one wins). */
    readonly settings: ReadonlyArray<readonly [number, number]> = NO_SETTINGS,
    readonly ack = false,
  ) {}

  /** The flag octet for this frame's fields. */
  get flags(): number {
    return this.ack ? SettingsFrame.ACK : 0;
  }

  /** Parses the payload that follows `header` (the header was checked for length and stream id). */
  static parse(header: FrameHeader, payload: Buffer): SettingsFrame {
    if (header.streamId !== 0) throw new ProtocolError(`SETTINGS frame on stream ${header.streamId}`); // RFC 9113 §6.5
    const ack = (header.flags & SettingsFrame.ACK) !== 0;
    if (ack) {
      // RFC 9113 §6.5: an ACK with a payload is a connection error of type FRAME_SIZE_ERROR
      if (payload.length !== 0) throw new FrameDataMissingError(`SETTINGS ACK with a ${payload.length}-octet payload`);
      return new SettingsFrame(NO_SETTINGS, true);
    }
    if (payload.length % SETTING_LENGTH !== 0) {
      throw new FrameDataMissingError(`SETTINGS frame length ${payload.length} is not a multiple of 6`);
    }
    if (payload.length === 0) return new SettingsFrame(NO_SETTINGS, false);
    const settings: Array<readonly [number, number]> = [];
    for (let o = 0; o < payload.length; o += SETTING_LENGTH) {
      settings.push([payload.readUInt16BE(o), payload.readUInt32BE(o + 2)]);
    }
    return new SettingsFrame(settings, false);
  }

  /** The payload alone, as used by the h2c `HTTP2-Settings` header (RFC 7540 §3.2.1). */
  static encodePayload(settings: ReadonlyArray<readonly [number, number]>): Buffer {
    const out = Buffer.allocUnsafe(settings.length * SETTING_LENGTH);
    settings.forEach(([id, value], i) => {
      out.writeUInt16BE(id, i * SETTING_LENGTH);
      out.writeUInt32BE(value >>> 0, i * SETTING_LENGTH + 2);
    });
    return out;
  }

  /** Writes the whole frame, header included, into `w`. */
  serializeInto(w: FrameWriter): void {
    w.writeFrameHeader(this.settings.length * SETTING_LENGTH, SettingsFrame.TYPE, this.flags, 0);
    for (const [id, value] of this.settings) {
      w.writeUInt16(id);
      w.writeUInt32(value);
    }
  }
}
