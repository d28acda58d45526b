/**
 * `connect()`: node:http2's `http2.connect()` on H2Duplex. Opens the transport (`http:` is h2c
 * with prior knowledge over `net.connect`, RFC 9113 §3.3; `https:` is TLS with ALPN "h2",
 * §3.2, or the socket `options.createConnection` makes), and returns the client session at
 * once: requests made before the transport is up wait in the session's output, which is piped
 * to the socket once it connects.
 *
 * Not here: the session itself (src/duplex/), the socket/session lifetimes (./transport.ts).
 */
import net from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import { ErrorCodes } from '../error-codes.js';
import { describeValue, H2Error, InvalidArgumentError, UsageCodes, UsageError } from '../errors.js';
import { H2Duplex } from '../duplex/index.js';
import { type Http2SessionOptions, splitSessionOptions } from './session-options.js';
import { bindSocket, pipeSession } from './transport.js';

/** Options of {@link connect}: node:http2's, H2Duplex's (under their own names), and `tls.connect()`'s for `https:`. */
export interface ConnectOptions extends Http2SessionOptions, Omit<tls.ConnectionOptions, 'host' | 'port' | 'ALPNProtocols' | 'socket'> {
  /**
   * Makes the transport instead of `net.connect`/`tls.connect`, as node:http2's option: called
   * with the parsed authority and these options. A TLS socket it returns that negotiated a
   * protocol other than "h2" is refused; one that negotiated none is used as it is.
   */
  createConnection?: (authority: URL, options: ConnectOptions) => Duplex;
  /** The scheme when `authority` has none (node:http2's option). Default `'https:'`. */
  protocol?: 'http:' | 'https:';
}

/** Listener of `'connect'`: the session, and the transport it now runs over. */
export type ConnectListener = (session: H2Duplex, socket: Duplex) => void;

/** `host:port` and friends, parsed once. */
interface Target {
  url: URL;
  protocol: string;
  /** The host to connect to (an IPv6 address without its brackets). */
  host: string;
  port: number;
}

function parseAuthority(authority: string | URL, protocolOption: string | undefined): Target {
  let url: URL;
  if (typeof authority === 'string') url = new URL(authority);
  else if (authority instanceof URL) url = authority;
  else throw new InvalidArgumentError(`connect(): authority must be a string or a URL, not ${describeValue(authority)}`);
  const protocol = url.protocol !== '' ? url.protocol : (protocolOption ?? 'https:');
  const port = url.port !== '' ? Number(url.port) : protocol === 'http:' ? 80 : 443;
  const host = url.hostname === '' ? 'localhost' : url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { url, protocol, host, port };
}

/**
 * Opens an HTTP/2 client session to `authority` (`http://host:port` for h2c with prior
 * knowledge, `https://host:port` for TLS with ALPN "h2"), as node:http2's `connect()`.
 *
 * The session is returned at once; `'connect'` `(session, socket)` follows once the transport
 * is up (after the TLS handshake and the ALPN check), and `listener`, if given, is added for
 * it. Requests made before then are sent once it is up. A transport that fails (ECONNREFUSED,
 * a TLS error) destroys the session with that error: its `'error'` event, then `'close'`.
 * A TLS server that did not select "h2" fails it with an H2Error `ERR_H2_ALPN_MISMATCH`.
 * Closing the session (`close()`, `destroy()`) ends the socket.
 * @throws UsageError `ERR_H2_UNSUPPORTED_PROTOCOL` for a scheme other than `http:`/`https:`
 *   (without `createConnection`); InvalidArgumentError for a bad authority or option.
 */
export function connect(authority: string | URL, options?: ConnectOptions | ConnectListener, listener?: ConnectListener): H2Duplex {
  if (typeof options === 'function') {
    listener = options;
    options = undefined;
  }
  const opts: ConnectOptions = options ?? {};
  if (typeof opts !== 'object' || (opts as unknown) === null) throw new InvalidArgumentError(`connect(): options must be an object, not ${describeValue(opts)}`, 'ERR_H2_INVALID_OPTION');
  const target = parseAuthority(authority, opts.protocol);
  const create = opts.createConnection;
  if (create === undefined && target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new UsageError(`connect(): protocol ${JSON.stringify(target.protocol)} is not supported: use http: (h2c) or https: (TLS), or give createConnection`, UsageCodes.UNSUPPORTED_PROTOCOL);
  }
  const { duplex, rest } = splitSessionOptions(opts as ConnectOptions & Record<string, unknown>, true);
  const session = new H2Duplex({ ...duplex, authority: requestAuthority(target, opts.servername) });
  let socket: Duplex;
  try {
    if (create !== undefined) socket = create(target.url, opts);
    else if (target.protocol === 'http:') socket = net.connect({ host: target.host, port: target.port });
    else socket = tls.connect(tlsOptions(target, rest));
  } catch (err) {
    // Bad TLS options, or createConnection threw: the session (and its timers) goes too.
    session.destroy();
    throw err;
  }
  // Errors and the close before the transport is up end the session too (ECONNREFUSED).
  bindSocket(socket, session);
  whenConnected(socket, () => {
    onTransportUp(session, socket, create === undefined);
  });
  if (listener !== undefined) session.once('connect', listener);
  return session;
}

/**
 * The origin `request()` fills `:scheme` and `:authority` from: node:http2's
 * `${servername || host}:${port}` (a default port is left out, as URL serializes it).
 */
function requestAuthority(target: Target, servername: string | undefined): URL {
  const host = servername ?? (net.isIPv6(target.host) ? `[${target.host}]` : target.host);
  return new URL(`${target.protocol}//${host}:${target.port}`);
}

/**
 * `tls.connect()`'s options: the user's, ALPN "h2" only, and the server name from the host
 * unless it is an IP address (RFC 6066 §3 forbids one in SNI) or one was given.
 */
function tlsOptions(target: Target, rest: Record<string, unknown>): tls.ConnectionOptions {
  const options: tls.ConnectionOptions = { ...rest, host: target.host, port: target.port, ALPNProtocols: ['h2'] };
  if (options.servername === undefined && net.isIP(target.host) === 0) options.servername = target.host;
  delete (options as Record<string, unknown>)['createConnection'];
  delete (options as Record<string, unknown>)['protocol'];
  return options;
}

/**
 * Runs `ready` once `socket` can carry HTTP/2: after 'secureConnect' for a TLS socket still
 * handshaking, after 'connect' for one still connecting, else on the next tick (a Duplex
 * that is no socket is ready as it is).
 */
function whenConnected(socket: Duplex, ready: () => void): void {
  // `secureConnecting` is TLSSocket's own flag (not in its types): node:http2 reads it too.
  if (socket instanceof tls.TLSSocket && (socket as tls.TLSSocket & { secureConnecting?: boolean }).secureConnecting === true) socket.once('secureConnect', ready);
  else if (socket instanceof net.Socket && socket.connecting) socket.once('connect', ready);
  else process.nextTick(ready);
}

/** The transport is up: check ALPN, pipe, and say `'connect'`. */
function onTransportUp(session: H2Duplex, socket: Duplex, ours: boolean): void {
  if (session.destroyed) return;
  if (socket instanceof tls.TLSSocket) {
    const alpn = socket.alpnProtocol;
    // Our own TLS socket offered only "h2": anything else means the server does not speak it
    // over TLS. A socket from createConnection may have negotiated nothing (node:http2 goes
    // ahead then); a protocol other than "h2" it negotiated is refused.
    if (alpn !== 'h2' && (ours || typeof alpn === 'string')) {
      const error = new H2Error(
        `connect(): the server selected ${alpn === false || alpn === null ? 'no protocol' : `ALPN protocol ${JSON.stringify(alpn)}`}, not "h2": it does not speak HTTP/2 over TLS here (use HTTP/1.1, or http: for h2c)`,
        ErrorCodes.INTERNAL_ERROR,
        { code: 'ERR_H2_ALPN_MISMATCH' },
      );
      session.destroy(error);
      socket.destroy();
      return;
    }
  }
  pipeSession(socket, session);
  process.nextTick(emitConnect, session, socket);
}

function emitConnect(session: H2Duplex, socket: Duplex): void {
  if (!session.destroyed) session.emit('connect', session, socket);
}
