/**
 * Frame dispatch: the `Frame` union, type and flag constants, and {@link parseFrame}, the one
 * place that maps a frame header's type to a frame class (RFC 9113 §6, RFC 7838 §4, RFC 8336
 * §2, RFC 9218 §7.1).
 */
import { AltSvcFrame } from './altsvc.js';
import { ContinuationFrame } from './continuation.js';
import { DataFrame } from './data.js';
import { GoAwayFrame } from './goaway.js';
import type { FrameHeader } from './header.js';
import { HeadersFrame } from './headers.js';
import { OriginFrame } from './origin.js';
import { PingFrame } from './ping.js';
import { PriorityFrame } from './priority.js';
import { PriorityUpdateFrame } from './priority-update.js';
import { PushPromiseFrame } from './push-promise.js';
import { RstStreamFrame } from './rst-stream.js';
import { SettingsFrame } from './settings.js';
import { UnknownFrame } from './unknown.js';
import { WindowUpdateFrame } from './window-update.js';
import type { FrameWriter } from './writer.js';

/** Frame type codes (RFC 9113 §6, RFC 7838 §4, RFC 8336 §2, RFC 9218 §7.1). */
export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
  ALTSVC: 0xa,
  ORIGIN: 0xc,
  PRIORITY_UPDATE: 0x10,
} as const;

/** Flag bits; a bit's meaning depends on the frame type (RFC 9113 §6). */
export const Flag = {
  END_STREAM: 0x1,
  ACK: 0x1,
  END_HEADERS: 0x4,
  PADDED: 0x8,
  PRIORITY: 0x20,
} as const;

/** Every frame the layer produces. Discriminate on `type` (unknown types are `UnknownFrame`). */
export type Frame =
  | DataFrame
  | HeadersFrame
  | PriorityFrame
  | RstStreamFrame
  | SettingsFrame
  | PushPromiseFrame
  | PingFrame
  | GoAwayFrame
  | WindowUpdateFrame
  | ContinuationFrame
  | AltSvcFrame
  | OriginFrame
  | PriorityUpdateFrame
  | UnknownFrame;

type FrameParser = (header: FrameHeader, payload: Buffer) => Frame;

/** Parsers indexed by frame type; a hole means "unknown type". */
const PARSERS: ReadonlyArray<FrameParser> = [
  (h, p) => DataFrame.parse(h, p),
  (h, p) => HeadersFrame.parse(h, p),
  (h, p) => PriorityFrame.parse(h, p),
  (h, p) => RstStreamFrame.parse(h, p),
  (h, p) => SettingsFrame.parse(h, p),
  (h, p) => PushPromiseFrame.parse(h, p),
  (h, p) => PingFrame.parse(h, p),
  (h, p) => GoAwayFrame.parse(h, p),
  (h, p) => WindowUpdateFrame.parse(h, p),
  (h, p) => ContinuationFrame.parse(h, p),
  (h, p) => AltSvcFrame.parse(h, p),
];

/** Extension frames whose type codes are past the table above. */
function parseExtension(header: FrameHeader, payload: Buffer): Frame {
  switch (header.type) {
    case OriginFrame.TYPE:
      return OriginFrame.parse(header, payload);
    case PriorityUpdateFrame.TYPE:
      return PriorityUpdateFrame.parse(header, payload);
    default:
      return UnknownFrame.parse(header, payload);
  }
}

/**
 * Builds the frame object for one complete frame. Unknown types become {@link UnknownFrame}.
 * @throws ProtocolError (or a subclass) carrying the RFC code and scope of the problem.
 */
export function parseFrame(header: FrameHeader, payload: Buffer): Frame {
  const parse = PARSERS[header.type];
  return parse === undefined ? parseExtension(header, payload) : parse(header, payload);
}

/** Serializes one frame into a fresh Buffer (tests and one-off use; the connection uses a shared writer). */
export function serializeFrame(frame: { serializeInto(w: FrameWriter): void }, writer: FrameWriter): Buffer {
  frame.serializeInto(writer);
  return writer.take();
}

/** The RFC name of a frame type, for messages and traces. */
export function frameTypeName(type: number): string {
  for (const [name, code] of Object.entries(FrameType)) if (code === type) return name;
  return `UNKNOWN(0x${type.toString(16)})`;
}
