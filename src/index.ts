/**
 * h2duplex: HTTP/2 for Node.js. The package root exports what an application uses: the sans-IO
 * core (`H2Connection`, its configuration, settings and events), the Node stream adapter
 * (`H2Duplex`, `H2Stream`, `createPair`, the h2c helpers) and the errors of both.
 *
 * The layers underneath are subpaths of the package: `h2duplex/frame` (bytes <-> frame objects,
 * RFC 9113 §4, §6) and `h2duplex/hpack` (header compression, RFC 7541).
 *
 * Public exports only; defines nothing.
 * @module h2duplex
 */

// Errors (RFC 9113 §7 codes, and the classes thrown by the core and the adapter).
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
  type InvalidArgumentCode,
  OutOfRangeError,
  type ErrorScope,
  type H2ErrorOptions,
  type ProtocolErrorOptions,
  type DenialOfServiceErrorOptions,
} from './errors.js';

// The sans-IO core.
export {
  H2Connection,
  type SendHeadersOptions,
  type SendDataOptions,
  type CloseConnectionOptions,
  type AltSvcOptions,
  type PrioritizeOptions,
  type HeaderInput,
  neverIndexed,
  isNeverIndexed,
  H2Configuration,
  type H2ConfigurationOptions,
  type HeaderEncoding,
  type H2Logger,
  type RateLimitOptions,
  type RetentionOptions,
  ConnectionState,
  SettingCodes,
  Settings,
  ChangedSetting,
  type SettingsInput,
  Event,
  type EventHeaders,
  type CoreEventMap,
  type CoreEventName,
  RequestReceived,
  ResponseReceived,
  TrailersReceived,
  InformationalResponseReceived,
  DataReceived,
  WindowUpdated,
  RemoteSettingsChanged,
  SettingsAcknowledged,
  PingReceived,
  PingAckReceived,
  StreamEnded,
  StreamReset,
  PushedStreamReceived,
  PriorityUpdated,
  ConnectionTerminated,
  AlternativeServiceAvailable,
  UnknownFrameReceived,
} from './core/index.js';

// The Node stream adapter.
export {
  H2Duplex,
  type H2DuplexOptions,
  type H2DuplexEvents,
  type H2CoreEvents,
  type H2DuplexStats,
  type TraceSink,
  H2Stream,
  type H2StreamEvents,
  type SendHeadersAdapterOptions,
  type StreamRole,
  type PushStreamCallback,
  type HeadersEventArgs,
  type RequestOptions,
  type PingCallback,
  type SettingsCallback,
  sensitiveHeaders,
  toHeaderObject,
  toRawHeaders,
  toHeaderList,
  type OutgoingHeaders,
  type OutgoingHeaderValue,
  type IncomingHeaders,
  type HeadersInput,
  type NodeSettings,
  type SettingsArgument,
  type SettingsInForce,
  type FdResponseOptions,
  type FileResponseOptions,
  type StatOptions,
  createPair,
  type PairOptions,
  acceptH2cUpgrade,
  isH2cUpgrade,
  requestH2cUpgrade,
  type H2cUpgradeResult,
} from './duplex/index.js';

// node:http2's entry points and compatibility API, over the adapter.
export * from './node/index.js';
