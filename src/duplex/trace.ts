/**
 * A frame trace in the format of `nghttp -v`: one entry per frame each way, with the time since
 * the connection started, type, length, flags, stream, the frame's fields and decoded headers.
 * H2Duplex feeds it the bytes it reads and writes (only when tracing is on: option `trace`, or
 * `NODE_DEBUG=h2duplex`). It parses them with its own FrameReader and HPACK decoders, one per
 * direction, so it never touches the connection's state; anything it cannot parse ends the
 * trace of that direction with a note, never the connection.
 *
 * Differences from nghttp: a HEADERS or PUSH_PROMISE followed by CONTINUATIONs shows as one
 * frame with the joined length (the reader joins them), and nghttp's annotations such as
 * "; Open new stream" are left out.
 */
import { errorCodeName } from '../error-codes.js';
import { SettingCodes } from '../core/index.js';
import {
  DataFrame,
  type Frame,
  FrameReader,
  FrameType,
  frameTypeName,
  FrameWriter,
  GoAwayFrame,
  HeadersFrame,
  PingFrame,
  PriorityFrame,
  PushPromiseFrame,
  RstStreamFrame,
  serializeFrame,
  SettingsFrame,
  WindowUpdateFrame,
} from '../frame/index.js';
import { HpackDecoder } from '../hpack/index.js';

/** Where trace lines go. */
export type TraceSink = (line: string) => void;

const INDENT = '          ';
/** Flag bits by frame type, in nghttp's order of printing. */
const FLAG_NAMES: Partial<Record<number, Array<[number, string]>>> = {
  [FrameType.DATA]: [[0x1, 'END_STREAM'], [0x8, 'PADDED']],
  [FrameType.HEADERS]: [[0x1, 'END_STREAM'], [0x4, 'END_HEADERS'], [0x8, 'PADDED'], [0x20, 'PRIORITY']],
  [FrameType.SETTINGS]: [[0x1, 'ACK']],
  [FrameType.PING]: [[0x1, 'ACK']],
  [FrameType.PUSH_PROMISE]: [[0x4, 'END_HEADERS'], [0x8, 'PADDED']],
};

class Direction {
  readonly #reader: FrameReader;
  readonly #decoder = new HpackDecoder({ maxHeaderListSize: Infinity });
  readonly #writer = new FrameWriter();
  #broken = false;

  constructor(
    readonly label: 'recv' | 'send',
    carriesPreface: boolean,
  ) {
    this.#reader = new FrameReader({ expectPreface: carriesPreface, maxFrameSize: 2 ** 24 - 1, maxHeaderBlockSize: Infinity, maxContinuationFrames: Infinity });
  }

  feed(chunk: Uint8Array, at: string, out: TraceSink): void {
    if (this.#broken) return;
    try {
      this.#reader.feed(Buffer.from(chunk)); // a copy: the connection may reuse its buffers
      for (let frame = this.#reader.next(); frame !== null; frame = this.#reader.next()) this.#print(frame, at, out);
    } catch (err) {
      this.#broken = true;
      out(`[${at}] ${this.label} (trace stopped: ${err instanceof Error ? err.message : String(err)})`);
    }
  }

  #print(frame: Frame, at: string, out: TraceSink): void {
    const length = serializeFrame(frame, this.#writer).readUIntBE(0, 3);
    const headers = frame instanceof HeadersFrame || frame instanceof PushPromiseFrame ? this.#decode(frame.headerBlock) : null;
    // nghttp prints received header fields before the frame, sent ones after it.
    if (this.label === 'recv' && headers !== null) for (const line of headers) out(`[${at}] recv (stream_id=${frame.streamId}) ${line}`);
    out(`[${at}] ${this.label} ${frameTypeName(frame.type)} frame <length=${length}, flags=0x${frame.flags.toString(16).padStart(2, '0')}, stream_id=${frame.streamId}>`);
    const flags = (FLAG_NAMES[frame.type] ?? []).filter(([bit]) => (frame.flags & bit) !== 0).map(([, name]) => name);
    if (flags.length > 0) out(`${INDENT}; ${flags.join(' | ')}`);
    for (const line of fields(frame)) out(`${INDENT}${line}`);
    if (this.label === 'send' && headers !== null) for (const line of headers) out(`${INDENT}${line}`);
  }

  #decode(block: Uint8Array): string[] {
    const { fields } = this.#decoder.decode(block);
    return fields.map((f) => `${f.name}: ${f.value}`);
  }
}

const code = (c: number): string => `${errorCodeName(c)}(0x${c.toString(16).padStart(2, '0')})`;

/** The parenthesised fields nghttp prints under each frame type. */
function fields(frame: Frame): string[] {
  if (frame instanceof DataFrame) return frame.padLength === null ? [] : [`(padlen=${frame.padLength})`];
  if (frame instanceof HeadersFrame) {
    const p = frame.priority;
    const pad = `padlen=${frame.padLength ?? 0}`;
    return [p === null ? `(${pad})` : `(${pad}, dep_stream_id=${p.dependsOn}, weight=${p.weight + 1}, exclusive=${p.exclusive ? 1 : 0})`];
  }
  if (frame instanceof PriorityFrame) return [`(dep_stream_id=${frame.dependsOn}, weight=${frame.weight + 1}, exclusive=${frame.exclusive ? 1 : 0})`];
  if (frame instanceof RstStreamFrame) return [`(error_code=${code(frame.errorCode)})`];
  if (frame instanceof SettingsFrame) {
    return [`(niv=${frame.settings.length})`, ...frame.settings.map(([id, value]) => `[SETTINGS_${(SettingCodes as Record<number, string | undefined>)[id] ?? 'UNKNOWN'}(0x${id.toString(16).padStart(2, '0')}):${value}]`)];
  }
  if (frame instanceof PushPromiseFrame) return [`(padlen=${frame.padLength ?? 0}, promised_stream_id=${frame.promisedStreamId})`];
  if (frame instanceof PingFrame) return [`(opaque_data=${Buffer.from(frame.opaqueData).toString('hex')})`];
  if (frame instanceof GoAwayFrame) {
    const data = Buffer.from(frame.additionalData);
    return [`(last_stream_id=${frame.lastStreamId}, error_code=${code(frame.errorCode)}, opaque_data(${data.length})=[${data.toString('latin1')}])`];
  }
  if (frame instanceof WindowUpdateFrame) return [`(window_size_increment=${frame.windowIncrement})`];
  return [];
}

/** Both directions of one connection. */
export class FrameTrace {
  readonly #start = performance.now();
  readonly #recv: Direction;
  readonly #send: Direction;

  constructor(
    readonly sink: TraceSink,
    clientSide: boolean,
  ) {
    this.#recv = new Direction('recv', !clientSide);
    this.#send = new Direction('send', clientSide);
  }

  /** Bytes read from the peer. */
  received(chunk: Uint8Array): void {
    this.#recv.feed(chunk, this.#now(), this.sink);
  }

  /** Bytes handed to the transport. */
  sent(chunk: Uint8Array): void {
    this.#send.feed(chunk, this.#now(), this.sink);
  }

  /** Seconds since the connection started, as nghttp prints them: `  0.002`. */
  #now(): string {
    return ((performance.now() - this.#start) / 1000).toFixed(3).padStart(7, ' ');
  }
}
