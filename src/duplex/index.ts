/**
 * The Node stream adapter: public surface; defines nothing.
 */
export { H2Duplex, type H2DuplexOptions, type H2DuplexEvents, type H2CoreEvents, type H2DuplexStats, type RequestOptions, type PingCallback, type SettingsCallback } from './h2-duplex.js';
export { FrameTrace, type TraceSink } from './trace.js';
export { acceptH2cUpgrade, isH2cUpgrade, requestH2cUpgrade, type H2cUpgradeResult } from './h2c.js';
export { H2Stream, type H2StreamEvents, type SendHeadersAdapterOptions, type StreamRole, type PushStreamCallback, type HeadersEventArgs } from './h2-stream.js';
export { sensitiveHeaders, toHeaderObject, toRawHeaders, toHeaderList, type OutgoingHeaders, type OutgoingHeaderValue, type IncomingHeaders, type HeadersInput } from './node-headers.js';
export { type NodeSettings, type OriginInput, type SettingsArgument, type SettingsInForce } from './node-session.js';
export { createPair, type PairOptions } from './pair.js';
export { type FdResponseOptions, type FileResponseOptions, type StatOptions } from './file-response.js';
