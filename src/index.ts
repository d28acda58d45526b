/**
 * h2duplex: public exports only; defines nothing (API.md).
 */
export { ErrorCodes, errorCodeName } from './error-codes.js';
export {
  H2Error,
  ProtocolError,
  FrameTooLargeError,
  FrameDataMissingError,
  TooManyStreamsError,
  FlowControlError,
  StreamIDTooLowError,
  NoAvailableStreamIDError,
  NoSuchStreamError,
  StreamClosedError,
  InvalidSettingsValueError,
  InvalidBodyLengthError,
  UnsupportedFrameError,
  DenialOfServiceError,
  CompressionError,
  RFC1122Error,
  StreamResetError,
  ConnectionClosedError,
  AckTimeoutError,
  UsageError,
  UsageCodes,
  InvalidArgumentError,
  OutOfRangeError,
} from './errors.js';
export type { ErrorScope, H2ErrorOptions, ProtocolErrorOptions } from './errors.js';
export * from './frame/index.js';
export * from './hpack/index.js';
export * from './core/index.js';
export * from './duplex/index.js';
