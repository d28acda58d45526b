/**
 * TraceDecoder: the bytes of one direction of a connection -> plain descriptions of its frames,
 * header blocks decoded (RFC 9113 §4, §6; RFC 7541). The frame trace of the adapter
 * (duplex/trace.ts) reads the wire through this module only, so the adapter never imports the
 * frame or HPACK layers.
 *
 * Owns: a FrameReader and an HpackDecoder of its own, with every limit off (it reads what a
 * connection already accepted or produced; the connection enforces the limits), and the frame
 * flag names. Does not own: a connection's state (it never touches one) or how a trace prints.
 */
import {
  DataFrame,
  type Frame,
  FrameReader,
  FrameType,
  frameTypeName,
  FrameWriter,
  GoAwayFrame,
  HeadersFrame,
  OriginFrame,
  PingFrame,
  PriorityFrame,
  PriorityUpdateFrame,
  PushPromiseFrame,
  RstStreamFrame,
  serializeFrame,
  SettingsFrame,
  WindowUpdateFrame,
} from '../frame/index.js';
import { HpackDecoder } from '../hpack/index.js';
import { toOctetString } from './headers/normalize.js';

/** Priority fields of a HEADERS or PRIORITY frame (RFC 9113 §5.3.2, §6.3). */
export interface TracedPriority {
  /** The stream depended on (0: the root). */
  readonly dependsOn: number;
  /** The RFC weight, 1..256 (the wire value plus one). */
  readonly weight: number;
  /** The E flag. */
  readonly exclusive: boolean;
}

/**
 * The fields of a frame besides its header, by frame type. CONTINUATION (joined into the
 * HEADERS or PUSH_PROMISE before it), ALTSVC and unknown extension frames are `OTHER`.
 */
export type TracedFields =
  | { readonly kind: 'DATA'; readonly padLength: number | null }
  | { readonly kind: 'HEADERS'; readonly padLength: number | null; readonly priority: TracedPriority | null }
  | { readonly kind: 'PRIORITY'; readonly priority: TracedPriority }
  | { readonly kind: 'RST_STREAM'; readonly errorCode: number }
  | { readonly kind: 'SETTINGS'; readonly settings: ReadonlyArray<readonly [id: number, value: number]> }
  | { readonly kind: 'PUSH_PROMISE'; readonly padLength: number | null; readonly promisedStreamId: number }
  | { readonly kind: 'PING'; readonly opaqueData: Buffer }
  | { readonly kind: 'GOAWAY'; readonly lastStreamId: number; readonly errorCode: number; readonly additionalData: Buffer }
  | { readonly kind: 'WINDOW_UPDATE'; readonly windowIncrement: number }
  | { readonly kind: 'PRIORITY_UPDATE'; readonly prioritizedStreamId: number; readonly fieldValue: string }
  | { readonly kind: 'ORIGIN'; readonly origins: readonly string[] }
  | { readonly kind: 'OTHER' };

/** One frame as a trace shows it. */
export interface TracedFrame {
  /** The frame type code. */
  readonly type: number;
  /** The type's name (`'HEADERS'`), or `'UNKNOWN(0xa1)'` for an extension type. */
  readonly typeName: string;
  /** Payload length; a HEADERS or PUSH_PROMISE counts its CONTINUATIONs' header block too. */
  readonly length: number;
  /** The flag octet. */
  readonly flags: number;
  /** Names of the flags set, in the order `nghttp -v` prints them (`['END_STREAM', 'END_HEADERS']`). */
  readonly flagNames: readonly string[];
  /** 0 for the connection. */
  readonly streamId: number;
  /** The frame's own fields. */
  readonly fields: TracedFields;
  /** HEADERS and PUSH_PROMISE: the decoded header fields in wire order; else `null`. */
  readonly headers: ReadonlyArray<readonly [name: string, value: string]> | null;
}

/** Options of {@link TraceDecoder}. */
export interface TraceDecoderOptions {
  /** The bytes start with the client connection preface (a client's output, a server's input). */
  expectPreface: boolean;
}

/** Flag bits by frame type, in the order nghttp prints them. */
const FLAG_NAMES: Partial<Record<number, ReadonlyArray<readonly [bit: number, name: string]>>> = {
  [FrameType.DATA]: [[0x1, 'END_STREAM'], [0x8, 'PADDED']],
  [FrameType.HEADERS]: [[0x1, 'END_STREAM'], [0x4, 'END_HEADERS'], [0x8, 'PADDED'], [0x20, 'PRIORITY']],
  [FrameType.SETTINGS]: [[0x1, 'ACK']],
  [FrameType.PING]: [[0x1, 'ACK']],
  [FrameType.PUSH_PROMISE]: [[0x4, 'END_HEADERS'], [0x8, 'PADDED']],
};

/** Incremental: feed chunks of any size, take whole frames. One per direction of a connection. */
export class TraceDecoder {
  readonly #reader: FrameReader;
  // A connection decodes every block it receives in order, and so must we: HPACK is stateful.
  readonly #decoder = new HpackDecoder({ maxHeaderListSize: Infinity });
  readonly #writer = new FrameWriter();

  constructor(options: TraceDecoderOptions) {
    // Limits off: RFC 9113 §4.2 allows frames up to 2^24 - 1 octets once SETTINGS raise the limit.
    this.#reader = new FrameReader({ expectPreface: options.expectPreface, maxFrameSize: 2 ** 24 - 1, maxHeaderBlockSize: Infinity, maxContinuationFrames: Infinity });
  }

  /** Takes a chunk of bytes. Copies it: the caller may reuse its buffer once this returns. */
  feed(chunk: Uint8Array): void {
    this.#reader.feed(Buffer.from(chunk));
  }

  /**
   * The next whole frame, or `null` until more bytes arrive.
   * @throws ProtocolError (or a subclass, such as CompressionError for a header block that does
   *   not decode) when the bytes are not HTTP/2; the decoder is of no further use then.
   */
  next(): TracedFrame | null {
    const frame = this.#reader.next();
    if (frame === null) return null;
    const headers = frame instanceof HeadersFrame || frame instanceof PushPromiseFrame ? this.#decoder.decode(frame.headerBlock).fields.map((f) => [f.name, f.value] as const) : null;
    return {
      type: frame.type,
      typeName: frameTypeName(frame.type),
      // Serialized again, a joined header block is one frame whose length counts all of it.
      length: serializeFrame(frame, this.#writer).readUIntBE(0, 3),
      flags: frame.flags,
      flagNames: (FLAG_NAMES[frame.type] ?? []).filter(([bit]) => (frame.flags & bit) !== 0).map(([, name]) => name),
      streamId: frame.streamId,
      fields: fieldsOf(frame),
      headers,
    };
  }
}

const priority = (p: { readonly dependsOn: number; readonly weight: number; readonly exclusive: boolean }): TracedPriority => ({ dependsOn: p.dependsOn, weight: p.weight + 1, exclusive: p.exclusive });

function fieldsOf(frame: Frame): TracedFields {
  if (frame instanceof DataFrame) return { kind: 'DATA', padLength: frame.padLength };
  if (frame instanceof HeadersFrame) return { kind: 'HEADERS', padLength: frame.padLength, priority: frame.priority === null ? null : priority(frame.priority) };
  if (frame instanceof PriorityFrame) return { kind: 'PRIORITY', priority: priority(frame) };
  if (frame instanceof RstStreamFrame) return { kind: 'RST_STREAM', errorCode: frame.errorCode };
  if (frame instanceof SettingsFrame) return { kind: 'SETTINGS', settings: frame.settings };
  if (frame instanceof PushPromiseFrame) return { kind: 'PUSH_PROMISE', padLength: frame.padLength, promisedStreamId: frame.promisedStreamId };
  if (frame instanceof PingFrame) return { kind: 'PING', opaqueData: Buffer.from(frame.opaqueData) };
  if (frame instanceof GoAwayFrame) return { kind: 'GOAWAY', lastStreamId: frame.lastStreamId, errorCode: frame.errorCode, additionalData: Buffer.from(frame.additionalData) };
  if (frame instanceof WindowUpdateFrame) return { kind: 'WINDOW_UPDATE', windowIncrement: frame.windowIncrement };
  if (frame instanceof PriorityUpdateFrame) return { kind: 'PRIORITY_UPDATE', prioritizedStreamId: frame.prioritizedStreamId, fieldValue: toOctetString(frame.fieldValue) };
  if (frame instanceof OriginFrame) return { kind: 'ORIGIN', origins: frame.origins };
  return { kind: 'OTHER' };
}
