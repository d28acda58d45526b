/**
 * A frame trace in the format of `nghttp -v`: one entry per frame each way, with the time since
 * the connection started, type, length, flags, stream, the frame's fields and decoded headers.
 * H2Duplex feeds it the bytes it reads and writes (only when tracing is on: option `trace`, or
 * `NODE_DEBUG=h2duplex`). It parses them with a TraceDecoder of the core per direction (its own
 * frame reader and HPACK decoder), so it never touches the connection's state; anything it
 * cannot parse ends the trace of that direction with a note, never the connection.
 *
 * Differences from nghttp: a HEADERS or PUSH_PROMISE followed by CONTINUATIONs shows as one
 * frame with the joined length (the reader joins them), and nghttp's annotations such as
 * "; Open new stream" are left out.
 */
import { errorCodeName } from '../error-codes.js';
import { SettingCodes } from '../core/index.js';
import { TraceDecoder, type TracedFields, type TracedFrame } from '../core/trace-decoder.js';

/** Where trace lines go. */
export type TraceSink = (line: string) => void;

const INDENT = '          ';

class Direction {
  readonly #decoder: TraceDecoder;
  #broken = false;

  constructor(
    readonly label: 'recv' | 'send',
    carriesPreface: boolean,
  ) {
    this.#decoder = new TraceDecoder({ expectPreface: carriesPreface });
  }

  feed(chunk: Uint8Array, at: string, out: TraceSink): void {
    if (this.#broken) return;
    try {
      this.#decoder.feed(chunk); // copies: the connection may reuse its buffers
      for (let frame = this.#decoder.next(); frame !== null; frame = this.#decoder.next()) this.#print(frame, at, out);
    } catch (err) {
      this.#broken = true;
      out(`[${at}] ${this.label} (trace stopped: ${err instanceof Error ? err.message : String(err)})`);
    }
  }

  #print(frame: TracedFrame, at: string, out: TraceSink): void {
    const headers = frame.headers?.map(([name, value]) => `${name}: ${value}`) ?? null;
    // nghttp prints received header fields before the frame, sent ones after it.
    if (this.label === 'recv' && headers !== null) for (const line of headers) out(`[${at}] recv (stream_id=${frame.streamId}) ${line}`);
    out(`[${at}] ${this.label} ${frame.typeName} frame <length=${frame.length}, flags=0x${frame.flags.toString(16).padStart(2, '0')}, stream_id=${frame.streamId}>`);
    if (frame.flagNames.length > 0) out(`${INDENT}; ${frame.flagNames.join(' | ')}`);
    for (const line of fields(frame.fields)) out(`${INDENT}${line}`);
    if (this.label === 'send' && headers !== null) for (const line of headers) out(`${INDENT}${line}`);
  }
}

const code = (c: number): string => `${errorCodeName(c)}(0x${c.toString(16).padStart(2, '0')})`;

/** The parenthesised fields nghttp prints under each frame type. */
function fields(f: TracedFields): string[] {
  switch (f.kind) {
    case 'DATA':
      return f.padLength === null ? [] : [`(padlen=${f.padLength})`];
    case 'HEADERS': {
      const p = f.priority;
      const pad = `padlen=${f.padLength ?? 0}`;
      return [p === null ? `(${pad})` : `(${pad}, dep_stream_id=${p.dependsOn}, weight=${p.weight}, exclusive=${p.exclusive ? 1 : 0})`];
    }
    case 'PRIORITY':
      return [`(dep_stream_id=${f.priority.dependsOn}, weight=${f.priority.weight}, exclusive=${f.priority.exclusive ? 1 : 0})`];
    case 'RST_STREAM':
      return [`(error_code=${code(f.errorCode)})`];
    case 'SETTINGS':
      return [`(niv=${f.settings.length})`, ...f.settings.map(([id, value]) => `[SETTINGS_${(SettingCodes as Record<number, string | undefined>)[id] ?? 'UNKNOWN'}(0x${id.toString(16).padStart(2, '0')}):${value}]`)];
    case 'PUSH_PROMISE':
      return [`(padlen=${f.padLength ?? 0}, promised_stream_id=${f.promisedStreamId})`];
    case 'PING':
      return [`(opaque_data=${f.opaqueData.toString('hex')})`];
    case 'GOAWAY':
      return [`(last_stream_id=${f.lastStreamId}, error_code=${code(f.errorCode)}, opaque_data(${f.additionalData.length})=[${f.additionalData.toString('latin1')}])`];
    case 'WINDOW_UPDATE':
      return [`(window_size_increment=${f.windowIncrement})`];
    case 'PRIORITY_UPDATE':
      return [`(prioritized_stream_id=${f.prioritizedStreamId}, priority_field_value=[${f.fieldValue}])`];
    case 'ORIGIN':
      return f.origins.map((origin) => `[${origin}]`);
    case 'OTHER':
      return [];
  }
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
