/**
 * The H2Error tree, ported from h2 4.x `h2/exceptions.py`, plus the adapter's errors and misuse.
 *
 * A leaf module: it imports only the error-code registry. Every class carries the RFC 9113
 * error code the protocol answers it with, so callers never match on messages.
 *
 * Beyond h2, a {@link ProtocolError} records its *scope* (RFC 9113 §5.4): a `'stream'` error
 * is answered with RST_STREAM on {@link ProtocolError.streamId}, a `'connection'` error with
 * GOAWAY. h2 only has stream scope for `StreamClosedError`; the frame layer and HPACK layer
 * raise stream-scoped errors where the RFC says "stream error".
 *
 * Every error we throw or emit carries a stable string `code` (node's `ERR_HTTP2_*` and
 * undici's `UND_ERR_*` convention): decide on `code` or the class, never on `message`, which
 * may be reworded. Each class has one default code; a few carry a more precise one (a misuse
 * of the API, {@link UsageError}, always says which). docs/errors.md lists them all.
 */
import { ErrorCodes, errorCodeName } from './error-codes.js';

/** Options every H2Error constructor accepts. */
export interface H2ErrorOptions {
  /** The error this one wraps. */
  cause?: unknown;
  /** A more precise stable code than the class's default (see docs/errors.md). */
  code?: string;
}

/** The base of every error h2duplex throws. h2: `H2Error`. */
export class H2Error extends Error {
  /** The code of this class when no more precise one is given. */
  static readonly code: string = 'ERR_H2_ERROR';
  /** The RFC 9113 code the protocol answers this error with. */
  readonly errorCode: ErrorCodes | number;
  /** Stable machine-readable code, e.g. `'ERR_H2_STREAM_RESET'` (docs/errors.md). */
  readonly code: string;

  constructor(message: string, errorCode: ErrorCodes | number = ErrorCodes.INTERNAL_ERROR, options?: H2ErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.errorCode = errorCode;
    this.code = options?.code ?? new.target.code;
  }
}

/** Where a protocol error applies: one stream (RST_STREAM) or the whole connection (GOAWAY). */
export type ErrorScope = 'stream' | 'connection';

/** Options of {@link ProtocolError}. */
export interface ProtocolErrorOptions extends H2ErrorOptions {
  /** The stream the error concerns, when there is one. */
  streamId?: number | null;
  /** `'stream'` only where RFC 9113 calls the condition a stream error. Default `'connection'`. */
  scope?: ErrorScope;
}

/** The peer (or the caller) broke a protocol rule. h2: `ProtocolError` (PROTOCOL_ERROR). */
export class ProtocolError extends H2Error {
  static override readonly code: string = 'ERR_H2_PROTOCOL';

  /** The stream concerned, or `null`. */
  readonly streamId: number | null;
  /** Stream error (answer with RST_STREAM on `streamId`) or connection error (GOAWAY). */
  readonly scope: ErrorScope;

  constructor(message: string, options?: ProtocolErrorOptions, errorCode: ErrorCodes | number = ErrorCodes.PROTOCOL_ERROR) {
    super(message, errorCode, options);
    this.streamId = options?.streamId ?? null;
    this.scope = options?.scope ?? 'connection';
  }
}

/** A frame is larger than SETTINGS_MAX_FRAME_SIZE allows. h2: `FrameTooLargeError` (FRAME_SIZE_ERROR). */
export class FrameTooLargeError extends ProtocolError {
  static override readonly code: string = 'ERR_H2_FRAME_TOO_LARGE';

  constructor(message: string, options?: ProtocolErrorOptions) {
    super(message, options, ErrorCodes.FRAME_SIZE_ERROR);
  }
}

/** A frame's payload is too short or the wrong length for its type. h2: `FrameDataMissingError` (FRAME_SIZE_ERROR). */
export class FrameDataMissingError extends ProtocolError {
  static override readonly code: string = 'ERR_H2_FRAME_DATA_MISSING';

  constructor(message: string, options?: ProtocolErrorOptions) {
    super(message, options, ErrorCodes.FRAME_SIZE_ERROR);
  }
}

/** Opening a stream would exceed SETTINGS_MAX_CONCURRENT_STREAMS. h2: `TooManyStreamsError`. */
export class TooManyStreamsError extends ProtocolError {
  static override readonly code: string = 'ERR_H2_TOO_MANY_STREAMS';
}

/** A flow-control window was exceeded or overflowed. h2: `FlowControlError` (FLOW_CONTROL_ERROR). */
export class FlowControlError extends ProtocolError {
  static override readonly code: string = 'ERR_H2_FLOW_CONTROL';

  constructor(message: string, options?: ProtocolErrorOptions) {
    super(message, options, ErrorCodes.FLOW_CONTROL_ERROR);
  }
}

/** A stream id is not above the highest one already used. h2: `StreamIDTooLowError`. */
export class StreamIDTooLowError extends ProtocolError {
  static override readonly code: string = 'ERR_H2_STREAM_ID_TOO_LOW';

  declare readonly streamId: number;
  /** The highest stream id already used: the new one must exceed it. */
  readonly maxStreamId: number;

  constructor(streamId: number, maxStreamId: number) {
    super(`${streamId} is lower than ${maxStreamId}`, { streamId });
    this.maxStreamId = maxStreamId;
  }
}

/** Stream ids are exhausted (2^31-1 reached). h2: `NoAvailableStreamIDError`. */
export class NoAvailableStreamIDError extends ProtocolError {
  static override readonly code: string = 'ERR_H2_NO_AVAILABLE_STREAM_ID';
}

/** An action named a stream that does not exist. h2: `NoSuchStreamError`. */
export class NoSuchStreamError extends ProtocolError {
  static override readonly code: string = 'ERR_H2_NO_SUCH_STREAM';

  declare readonly streamId: number;

  constructor(
    streamId: number,
    message = `no such stream: ${streamId}`,
    options?: ProtocolErrorOptions,
    errorCode: ErrorCodes | number = ErrorCodes.PROTOCOL_ERROR,
  ) {
    super(message, { ...options, streamId }, errorCode);
  }
}

/**
 * An action named a stream that is closed. h2: `StreamClosedError` (STREAM_CLOSED). Raised on
 * receipt, it is a stream error: the connection answers with RST_STREAM(STREAM_CLOSED).
 */
export class StreamClosedError extends NoSuchStreamError {
  static override readonly code: string = 'ERR_H2_STREAM_CLOSED';

  constructor(streamId: number, message = `stream ${streamId} is closed`) {
    super(streamId, message, { scope: 'stream' }, ErrorCodes.STREAM_CLOSED);
  }
}

/** A SETTINGS value is out of its RFC range. h2: `InvalidSettingsValueError` (its own code). */
export class InvalidSettingsValueError extends ProtocolError {
  static override readonly code: string = 'ERR_H2_INVALID_SETTING_VALUE';

  constructor(message: string, errorCode: ErrorCodes | number) {
    super(message, undefined, errorCode);
  }
}

/** The body length disagrees with `content-length`. h2: `InvalidBodyLengthError`. */
export class InvalidBodyLengthError extends ProtocolError {
  static override readonly code: string = 'ERR_H2_INVALID_BODY_LENGTH';

  /** The `content-length` the headers announced. */
  readonly expected: number;
  /** The number of body bytes actually seen. */
  readonly actual: number;

  constructor(expected: number, actual: number, options?: ProtocolErrorOptions) {
    super(`Expected ${expected} bytes, received ${actual}`, options);
    this.expected = expected;
    this.actual = actual;
  }
}

/** A frame type that may not be used here. h2: `UnsupportedFrameError`. */
export class UnsupportedFrameError extends ProtocolError {
  static override readonly code: string = 'ERR_H2_UNSUPPORTED_FRAME';
}

/** Options of {@link DenialOfServiceError}. */
export interface DenialOfServiceErrorOptions extends ProtocolErrorOptions {
  /** The GOAWAY debug data: the name of the budget that ran out (docs/security.md). */
  debugData?: string;
}

/** The peer is abusing the connection. h2: `DenialOfServiceError` (ENHANCE_YOUR_CALM). */
export class DenialOfServiceError extends ProtocolError {
  static override readonly code: string = 'ERR_H2_ENHANCE_YOUR_CALM';

  /**
   * The short ASCII string sent as GOAWAY debug data, naming the budget that ran out
   * (`'too_many_resets'`, `'flood'`, …; docs/security.md), or null for none.
   */
  readonly debugData: string | null;

  constructor(message: string, options?: DenialOfServiceErrorOptions) {
    super(message, options, ErrorCodes.ENHANCE_YOUR_CALM);
    this.debugData = options?.debugData ?? null;
  }
}

/**
 * Header compression failed: the HPACK decoder state is lost (RFC 9113 §4.3: a connection
 * error of type COMPRESSION_ERROR). h2 raises a plain `ProtocolError` here; we use the RFC code.
 */
export class CompressionError extends ProtocolError {
  static override readonly code: string = 'ERR_H2_COMPRESSION';

  constructor(message: string, options?: ProtocolErrorOptions) {
    super(message, options, ErrorCodes.COMPRESSION_ERROR);
  }
}

/** A SHOULD NOT of RFC 1122's robustness principle was violated. h2: `RFC1122Error` (not a ProtocolError). */
export class RFC1122Error extends H2Error {
  static override readonly code: string = 'ERR_H2_RFC1122';
}

// ---------------------------------------------------------------- adapter (duplex/) errors

/**
 * An H2Stream ended by RST_STREAM: `remote` says who sent it. `retryable` is true when the
 * peer never processed the request (REFUSED_STREAM, or a stream above a GOAWAY's
 * last-stream-id: RFC 9113 §8.7), so the request may be sent again.
 */
export class StreamResetError extends H2Error {
  static override readonly code: string = 'ERR_H2_STREAM_RESET';

  readonly streamId: number;
  readonly remote: boolean;
  readonly retryable: boolean;

  constructor(streamId: number, errorCode: ErrorCodes | number, remote: boolean, options?: H2ErrorOptions) {
    super(`Stream ${streamId} was reset by the ${remote ? 'peer' : 'local endpoint'} with ${errorCodeName(errorCode)}`, errorCode, options);
    this.streamId = streamId;
    this.remote = remote;
    this.retryable = errorCode === (ErrorCodes.REFUSED_STREAM as number);
  }
}

/**
 * The connection under an H2Stream (or a pending ping/settings) ended first: GOAWAY with an
 * error, a connection error, the transport closing or failing. `errorCode` is the GOAWAY's
 * code when there was one, else INTERNAL_ERROR; the transport error, if any, is the `cause`.
 */
export class ConnectionClosedError extends H2Error {
  static override readonly code: string = 'ERR_H2_CONNECTION_CLOSED';

  constructor(message: string, errorCode: ErrorCodes | number = ErrorCodes.INTERNAL_ERROR, options?: H2ErrorOptions) {
    super(message, errorCode, options);
  }
}

/** A ping() or settings() was not acknowledged in time. */
export class AckTimeoutError extends H2Error {
  static override readonly code: string = 'ERR_H2_ACK_TIMEOUT';

  constructor(message: string) {
    super(message, ErrorCodes.SETTINGS_TIMEOUT);
  }
}

// ---------------------------------------------------------------- misuse of the API

/**
 * The API was used in a way the connection's or stream's state does not allow: the wrong side
 * (`request()` on a server, `respond()` on a client stream), the wrong order (`respond()`
 * twice, or after `end()` sent the headers), or new work after a GOAWAY. `code` says which
 * (docs/errors.md); the message names what was done and what to do instead. Never caused by
 * the peer: it is thrown to the caller, at once.
 */
export class UsageError extends H2Error {
  static override readonly code: string = 'ERR_H2_INVALID_STATE';

  constructor(message: string, code: string, options?: Omit<H2ErrorOptions, 'code'>) {
    super(message, ErrorCodes.INTERNAL_ERROR, { ...options, code });
  }
}

/** Stable codes of {@link UsageError}, one meaning each (docs/errors.md). */
export const UsageCodes = {
  /** Response headers were already sent: `respond()` twice, or after a write or `end()` sent `:status: 200`. */
  HEADERS_SENT: 'ERR_H2_HEADERS_SENT',
  /** A method of the other side: `request()` on a server, `respond()`/`pushStream()` on a client. */
  WRONG_SIDE: 'ERR_H2_WRONG_SIDE',
  /** New streams after a GOAWAY either way (`close()`, `idleTimeout`, the peer's GOAWAY). */
  GOAWAY: 'ERR_H2_GOAWAY',
  /** A ping whose payload is already in flight. */
  PING_IN_FLIGHT: 'ERR_H2_PING_IN_FLIGHT',
  /** Trailers were already given, or the stream already ended. */
  TRAILERS_SENT: 'ERR_H2_TRAILERS_SENT',
  /** An action on a stream that is closed or reset. */
  STREAM_CLOSED: 'ERR_H2_STREAM_CLOSED',
  /** A body with `:status` 204, 205 or 304, or on a HEAD request (respondWithFile/FD). */
  PAYLOAD_FORBIDDEN: 'ERR_H2_PAYLOAD_FORBIDDEN',
  /** respondWithFile() on a directory. */
  SEND_FILE: 'ERR_H2_SEND_FILE',
  /** `offset` or `length` for a file that cannot seek (a pipe, a device). */
  SEND_FILE_NOSEEK: 'ERR_H2_SEND_FILE_NOSEEK',
  /** `connect()` to a scheme other than http: and https: without `createConnection`. */
  UNSUPPORTED_PROTOCOL: 'ERR_H2_UNSUPPORTED_PROTOCOL',
  /** Reading or writing the socket of an HTTP/2 compatibility request directly. */
  NO_SOCKET_MANIPULATION: 'ERR_H2_NO_SOCKET_MANIPULATION',
} as const;

/**
 * The codes of {@link InvalidArgumentError}: `ERR_H2_INVALID_OPTION` for options,
 * `ERR_H2_INVALID_ARG` for other arguments, and node:http2's refusals of a header object
 * (`ERR_H2_INVALID_HEADER`: a value of the wrong type; `ERR_H2_INVALID_PSEUDOHEADER`,
 * `ERR_H2_INVALID_CONNECTION_HEADER`, `ERR_H2_HEADER_SINGLE_VALUE`), and of an ORIGIN frame's
 * origins (`ERR_H2_INVALID_ORIGIN`, `ERR_H2_ORIGIN_LENGTH`, as node:http2's `origin()`) and of
 * an ALTSVC frame's (`ERR_H2_ALTSVC_INVALID_ORIGIN`, `ERR_H2_ALTSVC_LENGTH`, `ERR_H2_INVALID_CHAR`,
 * as node:http2's `altsvc()`).
 */
export type InvalidArgumentCode =
  | 'ERR_H2_INVALID_OPTION'
  | 'ERR_H2_INVALID_ARG'
  | 'ERR_H2_INVALID_HEADER'
  | 'ERR_H2_INVALID_PSEUDOHEADER'
  | 'ERR_H2_INVALID_CONNECTION_HEADER'
  | 'ERR_H2_HEADER_SINGLE_VALUE'
  | 'ERR_H2_INVALID_ORIGIN'
  | 'ERR_H2_ORIGIN_LENGTH'
  | 'ERR_H2_ALTSVC_INVALID_ORIGIN'
  | 'ERR_H2_ALTSVC_LENGTH'
  | 'ERR_H2_INVALID_CHAR';

/**
 * An argument or option of the wrong type or an unknown option key (a `TypeError`, as Node's
 * `ERR_INVALID_ARG_TYPE` is). `code`: one of {@link InvalidArgumentCode}.
 */
export class InvalidArgumentError extends TypeError {
  /** Stable machine-readable code (docs/errors.md). */
  readonly code: InvalidArgumentCode;

  constructor(message: string, code: InvalidArgumentCode = 'ERR_H2_INVALID_ARG') {
    super(message);
    this.name = 'InvalidArgumentError';
    this.code = code;
  }
}

/** A number outside its allowed range (a `RangeError`, as Node's `ERR_OUT_OF_RANGE` is). `code`: `ERR_H2_OUT_OF_RANGE`. */
export class OutOfRangeError extends RangeError {
  /** Stable machine-readable code (docs/errors.md). */
  readonly code: string = 'ERR_H2_OUT_OF_RANGE';

  constructor(message: string) {
    super(message);
    this.name = 'OutOfRangeError';
  }
}

/** Anything thrown, as an H2Error: an H2Error as it is, anything else wrapped (INTERNAL_ERROR, the original as `cause`). */
export function toH2Error(err: unknown): H2Error {
  return err instanceof H2Error ? err : new H2Error(String(err), ErrorCodes.INTERNAL_ERROR, { cause: err });
}

/** A value as error messages name it: `null`, `an array`, `the string "1"`, `the number -1`. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `the ${typeof v} ${String(v)}`;
  return typeof v === 'object' ? 'an object' : typeof v === 'function' ? 'a function' : typeof v;
}

/**
 * Checks that `options` is an options object whose keys are all in `known`, naming an unknown
 * key and its camelCase spelling when a snake_case one (h2's keyword arguments) was given. The
 * common case is one for...in over a one- or two-key literal, a few nanoseconds, so hot paths
 * such as `sendData` can afford it.
 * @throws InvalidArgumentError (`ERR_H2_INVALID_OPTION`), also when `options` is not an object
 *   (e.g. h2's positional `end_stream` passed as `true`).
 */
export function checkOptionKeys(where: string, options: unknown, known: ReadonlySet<string>): void {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`${where}: options must be an object, not ${describeValue(options)}`, 'ERR_H2_INVALID_OPTION');
  }
  for (const key in options) {
    if (known.has(key) || !Object.hasOwn(options, key)) continue;
    const camel = key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    const hint = camel !== key && known.has(camel) ? `; did you mean '${camel}'? (h2's snake_case keywords are camelCase here)` : `; known options: ${[...known].join(', ')}`;
    throw new InvalidArgumentError(`${where}: unknown option '${key}'${hint}`, 'ERR_H2_INVALID_OPTION');
  }
}
