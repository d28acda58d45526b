/**
 * The H2Error tree of API.md §Errors, ported from h2 4.x `h2/exceptions.py`.
 *
 * A leaf module: it imports only the error-code registry. Every class carries the RFC 9113
 * error code the protocol answers it with, so callers never match on messages.
 *
 * Beyond h2, a {@link ProtocolError} records its *scope* (RFC 9113 §5.4): a `'stream'` error
 * is answered with RST_STREAM on {@link ProtocolError.streamId}, a `'connection'` error with
 * GOAWAY. h2 only has stream scope for `StreamClosedError`; the frame layer and HPACK layer
 * raise stream-scoped errors where the RFC says "stream error".
 */
import { ErrorCodes, errorCodeName } from './error-codes.js';

/** Options every H2Error constructor accepts. */
export interface H2ErrorOptions {
  /** The error this one wraps. */
  cause?: unknown;
}

/** The base of every error h2duplex throws. h2: `H2Error`. */
export class H2Error extends Error {
  /** The RFC 9113 code the protocol answers this error with. */
  readonly errorCode: ErrorCodes | number;

  constructor(message: string, errorCode: ErrorCodes | number = ErrorCodes.INTERNAL_ERROR, options?: H2ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.errorCode = errorCode;
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
  constructor(message: string, options?: ProtocolErrorOptions) {
    super(message, options, ErrorCodes.FRAME_SIZE_ERROR);
  }
}

/** A frame's payload is too short or the wrong length for its type. h2: `FrameDataMissingError` (FRAME_SIZE_ERROR). */
export class FrameDataMissingError extends ProtocolError {
  constructor(message: string, options?: ProtocolErrorOptions) {
    super(message, options, ErrorCodes.FRAME_SIZE_ERROR);
  }
}

/** Opening a stream would exceed SETTINGS_MAX_CONCURRENT_STREAMS. h2: `TooManyStreamsError`. */
export class TooManyStreamsError extends ProtocolError {}

/** A flow-control window was exceeded or overflowed. h2: `FlowControlError` (FLOW_CONTROL_ERROR). */
export class FlowControlError extends ProtocolError {
  constructor(message: string, options?: ProtocolErrorOptions) {
    super(message, options, ErrorCodes.FLOW_CONTROL_ERROR);
  }
}

/** A stream id is not above the highest one already used. h2: `StreamIDTooLowError`. */
export class StreamIDTooLowError extends ProtocolError {
  declare readonly streamId: number;
  /** The highest stream id already used: the new one must exceed it. */
  readonly maxStreamId: number;

  constructor(streamId: number, maxStreamId: number) {
    super(`${streamId} is lower than ${maxStreamId}`, { streamId });
    this.maxStreamId = maxStreamId;
  }
}

/** Stream ids are exhausted (2^31-1 reached). h2: `NoAvailableStreamIDError`. */
export class NoAvailableStreamIDError extends ProtocolError {}

/** An action named a stream that does not exist. h2: `NoSuchStreamError`. */
export class NoSuchStreamError extends ProtocolError {
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
  constructor(streamId: number, message = `stream ${streamId} is closed`) {
    super(streamId, message, { scope: 'stream' }, ErrorCodes.STREAM_CLOSED);
  }
}

/** A SETTINGS value is out of its RFC range. h2: `InvalidSettingsValueError` (its own code). */
export class InvalidSettingsValueError extends ProtocolError {
  constructor(message: string, errorCode: ErrorCodes | number) {
    super(message, undefined, errorCode);
  }
}

/** The body length disagrees with `content-length`. h2: `InvalidBodyLengthError`. */
export class InvalidBodyLengthError extends ProtocolError {
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
export class UnsupportedFrameError extends ProtocolError {}

/** The peer is abusing the connection. h2: `DenialOfServiceError` (ENHANCE_YOUR_CALM). */
export class DenialOfServiceError extends ProtocolError {
  constructor(message: string, options?: ProtocolErrorOptions) {
    super(message, options, ErrorCodes.ENHANCE_YOUR_CALM);
  }
}

/**
 * Header compression failed: the HPACK decoder state is lost (RFC 9113 §4.3: a connection
 * error of type COMPRESSION_ERROR). h2 raises a plain `ProtocolError` here; we use the RFC code.
 */
export class CompressionError extends ProtocolError {
  constructor(message: string, options?: ProtocolErrorOptions) {
    super(message, options, ErrorCodes.COMPRESSION_ERROR);
  }
}

/** A SHOULD NOT of RFC 1122's robustness principle was violated. h2: `RFC1122Error` (not a ProtocolError). */
export class RFC1122Error extends H2Error {}

// ---------------------------------------------------------------- adapter (duplex/) errors

/**
 * An H2Stream ended by RST_STREAM: `remote` says who sent it. `retryable` is true when the
 * peer never processed the request (REFUSED_STREAM, or a stream above a GOAWAY's
 * last-stream-id: RFC 9113 §8.7), so the request may be sent again.
 */
export class StreamResetError extends H2Error {
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
  constructor(message: string, errorCode: ErrorCodes | number = ErrorCodes.INTERNAL_ERROR, options?: H2ErrorOptions) {
    super(message, errorCode, options);
  }
}

/** A ping() or settings() was not acknowledged in time. */
export class AckTimeoutError extends H2Error {
  constructor(message: string) {
    super(message, ErrorCodes.SETTINGS_TIMEOUT);
  }
}
