/**
 * The frame layer: bytes <-> frame objects (RFC 9113 §4, §6; RFC 7838 §4 for ALTSVC; RFC 8336
 * §2 for ORIGIN; RFC 9218 §7.1 for PRIORITY_UPDATE). Published
 * as the subpath `h2duplex/frame`; the errors it throws (`ProtocolError` and its subclasses, each
 * with the RFC 9113 §7 `errorCode`) are exported from the package root.
 *
 * Knows no connection state: limits such as SETTINGS_MAX_FRAME_SIZE come in as arguments.
 * Public surface of the layer; defines nothing.
 * @module h2duplex/frame
 */
export { AltSvcFrame } from './altsvc.js';
export { ContinuationFrame } from './continuation.js';
export { DataFrame } from './data.js';
export { GoAwayFrame } from './goaway.js';
export { FRAME_HEADER_LENGTH, readFrameHeader, type FrameHeader } from './header.js';
export { HeadersFrame } from './headers.js';
export { OriginFrame } from './origin.js';
export { PingFrame } from './ping.js';
export { PriorityFrame, type PriorityFields } from './priority.js';
export { PriorityUpdateFrame } from './priority-update.js';
export { PushPromiseFrame } from './push-promise.js';
export { RstStreamFrame } from './rst-stream.js';
export { SettingsFrame } from './settings.js';
export { UnknownFrame } from './unknown.js';
export { WindowUpdateFrame } from './window-update.js';
export { FrameWriter } from './writer.js';
export { FrameReader, CLIENT_PREFACE, type FrameReaderOptions } from './reader.js';
export { FrameType, Flag, parseFrame, serializeFrame, frameTypeName, type Frame } from './parse.js';
