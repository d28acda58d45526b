/**
 * The node:http2-shaped layer over H2Duplex: `connect()`, `createServer()`,
 * `createSecureServer()` and the compatibility API. Public surface; defines nothing.
 */
export { connect, type ConnectOptions, type ConnectListener } from './connect.js';
export { createServer, createSecureServer, Http2Server, Http2SecureServer, type ServerOptions, type SecureServerOptions, type RequestListener, type ForeignRequestListener, type Http2ServerEvents } from './server.js';
export { type Http2SessionOptions } from './session-options.js';
export { Http2ServerRequest, type IncomingTrailers } from './compat-request.js';
export { Http2ServerResponse, type OutgoingValue, type WriteHeadHeaders, type PushResponseCallback, type WriteCallback } from './compat-response.js';
