/**
 * What the two halves of node:http2's compatibility API share: the request made on each
 * stream, the socket stand-in (`req.socket`, `res.socket`), and node's checks of the headers
 * a response sets. Internal to src/node/ (not exported from the package).
 */
import type net from 'node:net';
import type tls from 'node:tls';
import { describeValue, InvalidArgumentError, OutOfRangeError, UsageError } from '../errors.js';
import type { H2Stream, OutgoingHeaders } from '../duplex/index.js';
import type { Http2ServerRequest } from './compat-request.js';

/** A header value as `setHeader()` takes it: a string, a number, or an array (repeated fields). */
export type OutgoingValue = string | number | readonly (string | number)[];

/** The request made on each stream, for the response's `req` and the socket stand-in's `readable`. */
const requests = new WeakMap<H2Stream, Http2ServerRequest>();
/** One socket stand-in per stream, shared by its request and response (node's `kProxySocket`). */
const socketProxies = new WeakMap<H2Stream, net.Socket | tls.TLSSocket>();

/** Links `request` to its stream (the response finds it there). */
export function registerRequest(stream: H2Stream, request: Http2ServerRequest): void {
  requests.set(stream, request);
}

/** The stream closed: its request and socket stand-in are let go (node resets its `kProxySocket`). */
export function forgetStream(stream: H2Stream): void {
  requests.delete(stream);
  socketProxies.delete(stream);
}

/** The request made on `stream`, if any (a pushed stream has none). */
export function requestOf(stream: H2Stream): Http2ServerRequest | undefined {
  return requests.get(stream);
}

/**
 * A connection-level stand-in for `req.socket` / `res.socket`, as node:http2's compat proxy:
 * `on`, `once`, `end`, `emit`, `destroy`, `writable` and `destroyed` are the stream's;
 * `readable` is the request's; `setTimeout` is the session's; `write`, `read`, `pause` and
 * `resume` throw `ERR_H2_NO_SOCKET_MANIPULATION` (the socket carries other streams too);
 * everything else (`remoteAddress`, `encrypted`, `getPeerCertificate()`, `instanceof`) is the
 * session's transport, or the stream when the session has none (an in-memory pair).
 */
export function socketOf(stream: H2Stream): net.Socket | tls.TLSSocket {
  let proxy = socketProxies.get(stream);
  if (proxy === undefined) {
    proxy = new Proxy(stream, socketHandler) as unknown as net.Socket;
    socketProxies.set(stream, proxy);
  }
  return proxy;
}

/** The members the socket stand-in takes from the stream itself. */
const STREAM_METHODS: ReadonlySet<PropertyKey> = new Set(['on', 'once', 'end', 'emit', 'destroy']);
/** What an HTTP/2 stream cannot do to a socket that carries other streams too. */
const FORBIDDEN: ReadonlySet<PropertyKey> = new Set(['write', 'read', 'pause', 'resume']);

/** The transport under the stream's session, or the stream when there is none. */
function transportOf(stream: H2Stream): object {
  const socket = stream.session.socket;
  return typeof socket === 'object' && socket !== null ? socket : stream;
}

function refuseManipulation(prop: PropertyKey): never {
  throw new UsageError(`socket.${String(prop)}(): the socket of an HTTP/2 request carries every stream of its connection; read the request and write the response instead`, 'ERR_H2_NO_SOCKET_MANIPULATION');
}

/** node:http2's `proxySocketHandler`, over our stream and its session's transport. */
const socketHandler: ProxyHandler<H2Stream> = {
  has(stream, prop) {
    return prop in stream || prop in transportOf(stream);
  },
  get(stream, prop) {
    const members = stream as unknown as Record<PropertyKey, unknown>;
    if (STREAM_METHODS.has(prop)) return (members[prop] as (...args: unknown[]) => unknown).bind(stream);
    if (prop === 'writable' || prop === 'destroyed') return members[prop];
    if (prop === 'readable') return stream.destroyed ? false : (requests.get(stream)?.readable ?? stream.readable);
    if (prop === 'setTimeout') return stream.session.setTimeout.bind(stream.session);
    if (FORBIDDEN.has(prop)) refuseManipulation(prop);
    const ref = transportOf(stream) as Record<PropertyKey, unknown>;
    const value = ref[prop];
    return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(ref) : value;
  },
  getPrototypeOf(stream) {
    return Reflect.getPrototypeOf(transportOf(stream));
  },
  set(stream, prop, value) {
    if (FORBIDDEN.has(prop)) refuseManipulation(prop);
    const target = STREAM_METHODS.has(prop) || prop === 'writable' || prop === 'readable' || prop === 'destroyed' ? stream : prop === 'setTimeout' ? stream.session : transportOf(stream);
    (target as Record<PropertyKey, unknown>)[prop] = value;
    return true;
  },
};

// ---------------------------------------------------------------- header checks (node's compat rules)

/** RFC 9110 §5.6.2 token characters: a header name is one or more of them. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A Link value of early hints, as node checks it: `<uri>` then `; param[=value]`s. */
const LINK_VALUE = /^<[^>]*>(?:\s*;\s*[^;"\s]+(?:=(")?[^;"\s]*\1)?)*$/;
const warned = new Set<string>();

/** The header name to store: trimmed and lowercased. @throws InvalidArgumentError (`ERR_H2_INVALID_ARG`) for a non-string. */
export function headerKey(name: unknown, where: string): string {
  if (typeof name !== 'string') throw new InvalidArgumentError(`${where}: the header name must be a string, not ${describeValue(name)}`);
  return name.trim().toLowerCase();
}

/**
 * node's checks of a header set on a response: false when it is dropped (`connection`, with a
 * warning, as node does).
 * @throws InvalidArgumentError `ERR_H2_INVALID_HEADER` (a name that is not a token, an
 *   undefined or null value), `ERR_H2_INVALID_PSEUDOHEADER` (a pseudo-header).
 */
export function checkHeader(key: string, value: unknown, where: string): boolean {
  if (key.startsWith(':')) throw new InvalidArgumentError(`${where}: '${key}' is a pseudo-header, which the response sets itself (statusCode for :status)`, 'ERR_H2_INVALID_PSEUDOHEADER');
  if (!TOKEN.test(key)) throw new InvalidArgumentError(`${where}: ${JSON.stringify(key)} is not a valid header name (RFC 9110 §5.6.2 token)`, 'ERR_H2_INVALID_HEADER');
  if (value === undefined || value === null) throw new InvalidArgumentError(`${where}: the value of '${key}' must be given, not ${describeValue(value)}`, 'ERR_H2_INVALID_HEADER');
  if (key === 'connection' && value !== 'trailers') {
    emitWarningOnce('connection', 'The provided connection header is not valid, the value will be dropped from the header and will never be in use.');
    return false;
  }
  return true;
}

/** `process.emitWarning` once per process and kind, as node's compat layer warns. */
export function emitWarningOnce(kind: string, message: string): void {
  if (warned.has(kind)) return;
  warned.add(kind);
  process.emitWarning(message, 'UnsupportedWarning');
}

/** writeHead()'s array headers as pairs: `[[name, value], …]` as given, a flat `[name, value, …]` paired up. */
export function flatHeaderPairs(headers: readonly unknown[]): [string, OutgoingValue][] {
  const pairs: [string, OutgoingValue][] = [];
  if (headers.length > 0 && Array.isArray(headers[0])) {
    for (const pair of headers as readonly (readonly [string, OutgoingValue])[]) pairs.push([pair[0], pair[1]]);
    return pairs;
  }
  if (headers.length % 2 !== 0) throw new InvalidArgumentError(`writeHead(): a flat header list has an even length ([name, value, name, value, …]), not ${headers.length}`);
  for (let i = 0; i < headers.length; i += 2) pairs.push([headers[i] as string, headers[i + 1] as OutgoingValue]);
  return pairs;
}

/** The Link value of writeEarlyHints(): one link, or several joined with `, `. @throws InvalidArgumentError (`ERR_H2_INVALID_ARG`). */
export function linkHeaderValue(link: unknown): string {
  const links = typeof link === 'string' ? [link] : Array.isArray(link) ? (link as unknown[]) : null;
  if (links === null) throw new InvalidArgumentError(`writeEarlyHints(): hints.link must be a string or an array of strings such as '</styles.css>; rel=preload; as=style', not ${describeValue(link)}`);
  for (const one of links) {
    if (typeof one !== 'string' || !LINK_VALUE.test(one)) throw new InvalidArgumentError(`writeEarlyHints(): ${describeValue(one)} is not a link such as '</styles.css>; rel=preload; as=style'`);
  }
  return links.join(', ');
}

/** Stored headers as respond() takes them: every value a string (node stringifies any value), arrays as repeated fields. */
export function toSendable(headers: Record<string, OutgoingValue | undefined>): OutgoingHeaders {
  const out = Object.create(null) as OutgoingHeaders;
  for (const key of Object.keys(headers)) {
    const value = headers[key];
    if (value === undefined) continue;
    out[key] = Array.isArray(value) ? (value as readonly unknown[]).map(String) : String(value);
  }
  return out;
}

/** The stream's 'error' listener: node:http2 does not forward stream errors to the compatibility objects ('aborted' and 'close' say what happened), and without a listener a reset would throw. */
export function onStreamError(): void {
  // Deliberately empty.
}

/** A final status as node checks it (`code | 0`): 200-599; a 1xx is named as informational. @throws OutOfRangeError (`ERR_H2_OUT_OF_RANGE`). */
export function checkStatus(code: number, where: string): number {
  const status = code | 0;
  if (status >= 100 && status < 200) {
    throw new OutOfRangeError(`${where}: ${status} is informational: send 100 with writeContinue(), 103 with writeEarlyHints(); the final status is 200-599`);
  }
  if (status < 100 || status > 599) throw new OutOfRangeError(`${where}: the status must be 200-599, not ${String(code)}`);
  return status;
}

/** Warns once that HTTP/2 has no status message. */
export function warnStatusMessage(): void {
  emitWarningOnce('statusMessage', 'Status message is not supported by HTTP/2 (RFC 9113 §8.3.2)');
}
