/**
 * Headers as node:http2 has them, for the adapter (which speaks node's shapes; the core keeps
 * h2's `[name, value]` pairs).
 *
 * Outgoing: every adapter call that takes headers accepts node's object form
 * (`{ ':status': 200, 'set-cookie': ['a=1', 'b=2'], [sensitiveHeaders]: ['authorization'] }`)
 * or the pairs the core takes. The object form gets node's treatment: names lowercased,
 * numbers stringified, arrays sent as repeated fields, `undefined` skipped, pseudo-headers
 * first, and node's refusals (an unknown pseudo-header, a connection-specific field, two
 * values for a single-value field) as errors with a `code`. Pairs get h2's (the core's
 * normalization, which drops connection-specific fields).
 *
 * Incoming: events carry node's object form ({@link toHeaderObject}: repeated fields joined as
 * node joins them) and node's flat `rawHeaders` ({@link toRawHeaders}).
 */
import { sensitiveHeaders as nodeSensitiveHeaders } from 'node:http2';
import { describeValue, InvalidArgumentError } from '../errors.js';
import { checkHeaderIterable, type EventHeaders, type HeaderInput, isNeverIndexed, neverIndexed } from '../core/index.js';

/**
 * node:http2's own `http2.sensitiveHeaders` symbol (so objects built for node work here): the
 * names listed under it on a header object are sent never-indexed (RFC 7541 §7.1.3), and
 * incoming header objects list the fields the peer sent never-indexed under it.
 */
export const sensitiveHeaders: typeof nodeSensitiveHeaders = nodeSensitiveHeaders;

/** One value of an outgoing header object: arrays are sent as repeated fields, `undefined` is skipped. */
export type OutgoingHeaderValue = string | number | readonly (string | number)[] | undefined;

/** Outgoing headers in node:http2's object form. */
export interface OutgoingHeaders {
  [name: string]: OutgoingHeaderValue;
  /** Names to send never-indexed (node's `http2.sensitiveHeaders`). */
  [sensitiveHeaders]?: readonly string[];
}

/** What every adapter call that sends headers takes: node's object form, or `[name, value]` pairs. */
export type HeadersInput = OutgoingHeaders | Iterable<HeaderInput>;

/** Received headers in node:http2's object form (a null-prototype object). */
export interface IncomingHeaders {
  ':method'?: string;
  ':path'?: string;
  ':authority'?: string;
  ':scheme'?: string;
  ':protocol'?: string;
  /** A number, as node gives it. */
  ':status'?: number;
  /** Every `set-cookie` field, one entry each. */
  'set-cookie'?: string[];
  /** Any other field; repeats joined with `, ` (`cookie`: `; `), except node's single-value fields, which keep the first. */
  [name: string]: string | string[] | number | undefined;
  /** The names the peer sent never-indexed. */
  [sensitiveHeaders]?: string[];
}

/**
 * node:http2's single-value fields (`kSingleValueHeaders`): a received repeat is dropped (the
 * first value is kept), and an outgoing object may not give two values.
 */
const SINGLE_VALUE: ReadonlySet<string> = new Set([
  ':status', ':method', ':authority', ':scheme', ':path', ':protocol',
  'access-control-allow-credentials', 'access-control-max-age', 'access-control-request-method',
  'age', 'authorization', 'content-encoding', 'content-language', 'content-length', 'content-location',
  'content-md5', 'content-range', 'content-type', 'date', 'dnt', 'etag', 'expires', 'from', 'host',
  'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'last-modified',
  'location', 'max-forwards', 'proxy-authorization', 'range', 'referer', 'retry-after', 'tk',
  'upgrade-insecure-requests', 'user-agent', 'x-content-type-options',
]);

/** RFC 9113 §8.3: the pseudo-headers HTTP/2 defines (and RFC 8441's `:protocol`). */
const PSEUDO_HEADERS: ReadonlySet<string> = new Set([':status', ':method', ':authority', ':scheme', ':path', ':protocol']);

/** RFC 9113 §8.2.2: connection-specific fields, which node refuses in an outgoing object (`te` is allowed as `trailers`). */
const CONNECTION_SPECIFIC: ReadonlySet<string> = new Set(['connection', 'upgrade', 'http2-settings', 'te', 'transfer-encoding', 'keep-alive', 'proxy-connection']);

/**
 * The class of received header objects: node's are null-prototype objects (no inherited
 * `constructor`, `toString` or `__proto__` setter, so a peer's field of that name is an own
 * property like any other); these have a prototype that is itself an empty null-prototype
 * object, which gives the same, while V8 keeps their properties in fast mode
 * (`Object.create(null)` objects are dictionaries: building and reading one per request cost
 * S1 about a fifth of its request rate).
 */
const HeaderObject = function HeaderObject() {
  // Properties are added by toHeaderObject.
} as unknown as new () => IncomingHeaders;
HeaderObject.prototype = Object.create(null) as object;
// console.log() shows one as node shows its own, `[Object: null prototype] { … }`.
Object.defineProperty(HeaderObject.prototype, Symbol.for('nodejs.util.inspect.custom'), {
  value(this: object): object {
    return Object.assign(Object.create(null) as object, this);
  },
});

/** `[sensitiveHeaders]` of a received block with no never-indexed field. */
const NO_SENSITIVE = Object.freeze([]) as unknown as string[];

function isIterable(value: object): value is Iterable<unknown> {
  return typeof (value as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function';
}

/**
 * Headers given to an adapter call as the list the core takes. `undefined` is no headers.
 * @throws InvalidArgumentError: `ERR_H2_INVALID_ARG` (neither an object nor an iterable of
 *   pairs, or a value of another type), `ERR_H2_INVALID_PSEUDOHEADER`,
 *   `ERR_H2_INVALID_CONNECTION_HEADER`, `ERR_H2_HEADER_SINGLE_VALUE`.
 */
export function toHeaderList(headers: HeadersInput | undefined, where: string): HeaderInput[] {
  if (headers === undefined) return [];
  if (typeof headers === 'object' && (headers as unknown) !== null && !isIterable(headers)) return objectToList(headers, where);
  checkHeaderIterable(headers, `${where}: `);
  // An array of pairs is used as it is (only read; a copy per response showed in S1's GC).
  if (Array.isArray(headers)) return headers as HeaderInput[];
  const list: HeaderInput[] = [];
  for (const pair of headers) list.push(pair);
  return list;
}

function objectToList(headers: OutgoingHeaders, where: string): HeaderInput[] {
  const sensitive = sensitiveNames(headers[sensitiveHeaders], where);
  const pseudo: HeaderInput[] = [];
  const regular: HeaderInput[] = [];
  const seen = new Set<string>();
  for (const key of Object.keys(headers)) {
    const value = headers[key];
    if (value === undefined) continue;
    const name = key.toLowerCase();
    const values = Array.isArray(value) ? (value as readonly unknown[]) : [value];
    if (SINGLE_VALUE.has(name) && (values.length > 1 || seen.has(name))) {
      throw new InvalidArgumentError(`${where}: '${name}' takes one value (node:http2's single-value fields), and was given ${values.length > 1 ? `${values.length}` : 'two, under names differing in case'}`, 'ERR_H2_HEADER_SINGLE_VALUE');
    }
    seen.add(name);
    if (name.startsWith(':')) {
      if (!PSEUDO_HEADERS.has(name)) throw new InvalidArgumentError(`${where}: '${name}' is not an HTTP/2 pseudo-header (RFC 9113 §8.3: :method, :scheme, :authority, :path, :status, :protocol)`, 'ERR_H2_INVALID_PSEUDOHEADER');
    } else if (CONNECTION_SPECIFIC.has(name) && !(name === 'te' && values.length === 1 && String(values[0]).toLowerCase() === 'trailers')) {
      throw new InvalidArgumentError(`${where}: '${name}' is a connection-specific field, which HTTP/2 forbids (RFC 9113 §8.2.2); leave it out`, 'ERR_H2_INVALID_CONNECTION_HEADER');
    }
    const into = name.startsWith(':') ? pseudo : regular;
    for (const v of values) {
      if (typeof v !== 'string' && typeof v !== 'number') {
        throw new InvalidArgumentError(`${where}: the value of '${name}' must be a string or a number (or an array of them), not ${describeValue(v)}`, 'ERR_H2_INVALID_HEADER');
      }
      const pair: HeaderInput = [name, typeof v === 'string' ? v : String(v)];
      into.push(sensitive?.has(name) === true ? neverIndexed(pair) : pair);
    }
  }
  return pseudo.length === 0 ? regular : pseudo.concat(regular);
}

function sensitiveNames(list: unknown, where: string): Set<string> | null {
  if (list === undefined) return null;
  if (!Array.isArray(list)) throw new InvalidArgumentError(`${where}: headers[sensitiveHeaders] must be an array of names, not ${describeValue(list)}`);
  return new Set((list as unknown[]).map((n) => String(n).toLowerCase()));
}

/** A header name or value as text: a string as it is, octets as latin1 (one character per octet, lossless). */
export function headerText(v: string | Uint8Array): string {
  return typeof v === 'string' ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1');
}

/**
 * Received pairs in node:http2's object form (its `toHeaderObject`): `:status` a number,
 * `set-cookie` always an array, repeated `cookie` joined with `; ` (RFC 9113 §8.2.3), other
 * repeats joined with `, ` (RFC 9110 §5.3) except node's single-value fields, which keep the
 * first; the never-indexed names under `sensitiveHeaders`.
 */
export function toHeaderObject(pairs: EventHeaders): IncomingHeaders {
  const obj = new HeaderObject();
  let sensitive: string[] | null = null;
  for (const pair of pairs as ReadonlyArray<readonly [string | Buffer, string | Buffer]>) {
    const name = headerText(pair[0]);
    const value = headerText(pair[1]);
    if (isNeverIndexed(pair)) (sensitive ??= []).push(name);
    const existing = obj[name];
    if (existing === undefined) {
      obj[name] = name === ':status' ? Number(value) : name === 'set-cookie' ? [value] : value;
    } else if (name === 'set-cookie') {
      (existing as string[]).push(value);
    } else if (!SINGLE_VALUE.has(name)) {
      obj[name] = `${String(existing)}${name === 'cookie' ? '; ' : ', '}${value}`;
    }
  }
  // Nearly every block has no never-indexed field: they share one frozen empty list.
  obj[sensitiveHeaders] = sensitive ?? NO_SENSITIVE;
  return obj;
}

/** Received pairs as node's flat `rawHeaders`: `[name, value, name, value, …]`, every field as it came. */
export function toRawHeaders(pairs: EventHeaders): string[] {
  const raw: string[] = [];
  for (const pair of pairs as ReadonlyArray<readonly [string | Buffer, string | Buffer]>) raw.push(headerText(pair[0]), headerText(pair[1]));
  return raw;
}

/**
 * The headers an adapter call sent, kept as cheaply as possible until someone asks for them
 * (node's `sentHeaders`): the object given, or the list of pairs given ({@link sentHeaderObject}
 * makes an object of it when read).
 */
export type SentHeaders = OutgoingHeaders | readonly HeaderInput[];

/** What to keep of the headers an adapter call sent: the object given, else the list. */
export function sentHeaders(headers: HeadersInput | undefined, list: readonly HeaderInput[]): SentHeaders {
  return headers !== undefined && typeof headers === 'object' && !isIterable(headers) ? headers : list;
}

/** Sent headers as node's `sentHeaders` gives them back: the object given, or the pairs given as an object. */
export function sentHeaderObject(sent: SentHeaders): OutgoingHeaders {
  if (!Array.isArray(sent)) return sent as OutgoingHeaders;
  const list = sent as readonly HeaderInput[];
  const obj = new HeaderObject() as Record<string, string | string[]>;
  for (const [n, v] of list) {
    const name = headerText(n);
    const value = headerText(v);
    const existing = obj[name];
    obj[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return obj;
}
