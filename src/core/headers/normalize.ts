/**
 * Header normalization and encoding (h2 `utilities.py`): user input to octet strings, the
 * outbound normalization (lowercase, strip, drop connection-specific fields, never-index
 * secrets, optional cookie splitting), the inbound cookie join (RFC 9113 §8.2.3), and the
 * conversion of octet strings to what events carry (`headerEncoding`).
 *
 * Internally every name and value is an *octet string*: one character per octet (latin1),
 * which is what the HPACK layer takes and returns.
 */
import { describeValue, InvalidArgumentError } from '../../errors.js';
import type { EventHeaders } from '../events.js';
import type { HeaderEncoding } from '../config.js';
import type { FieldReader } from './field-reader.js';

/** A header as users give it: strings are encoded as UTF-8 (as h2 does), byte arrays taken as is. */
export type HeaderInput = readonly [string | Uint8Array, string | Uint8Array];

/** The property that marks a pair as never indexed (h2's `NeverIndexedHeaderTuple`). */
const NEVER_INDEXED = 'neverIndex';

/**
 * A header pair marked never indexed (h2's `NeverIndexedHeaderTuple`, RFC 7541 §6.2.3): sent as
 * a literal never indexed, so no intermediary compresses it into a table. Received pairs the
 * peer sent that way carry the same mark ({@link isNeverIndexed}).
 */
export function neverIndexed<T extends readonly [string | Uint8Array, string | Uint8Array]>(pair: T): T {
  const copy = [pair[0], pair[1]] as unknown as T;
  Object.defineProperty(copy, NEVER_INDEXED, { value: true });
  return copy;
}

/** Whether `pair` is marked never indexed ({@link neverIndexed}). */
export function isNeverIndexed(pair: object): boolean {
  return (pair as { [NEVER_INDEXED]?: unknown })[NEVER_INDEXED] === true;
}

/** A header ready for HPACK. */
export interface OutboundField {
  name: string;
  value: string;
  neverIndex: boolean;
}

/** RFC 9113 §8.2.2: fields that are only meaningful to HTTP/1.1 connections. */
export const CONNECTION_HEADERS: ReadonlySet<string> = new Set(['connection', 'proxy-connection', 'keep-alive', 'transfer-encoding', 'upgrade']);

/** Fields h2 always sends never-indexed (RFC 7541 §7.1.3). Short cookies are added below. */
const SECURE_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization']);
/** h2: cookies shorter than this are guessable from their compressed size, so never indexed. */
const SHORT_COOKIE = 20;

const ASCII = /^[\x00-\x7f]*$/;

/** A user string or byte array as an octet string (strings as UTF-8). */
export function toOctetString(v: string | Uint8Array): string {
  if (typeof v === 'string') return ASCII.test(v) ? v : Buffer.from(v, 'utf8').toString('latin1');
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('latin1');
  throw new InvalidArgumentError(`header names and values must be strings or Uint8Arrays, not ${describeValue(v)}`);
}

/**
 * Checks that `headers` is an iterable (of `[name, value]` pairs, checked as they are read):
 * a string, or node:http2's object form, is refused here rather than with a bare TypeError.
 * `where` prefixes the message (`'respond(): '`).
 * @throws InvalidArgumentError (`ERR_H2_INVALID_ARG`)
 */
export function checkHeaderIterable(headers: unknown, where = ''): asserts headers is Iterable<unknown> {
  if (typeof headers !== 'object' || headers === null || typeof (headers as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function') {
    throw new InvalidArgumentError(`${where}headers must be an iterable of [name, value] pairs, not ${describeValue(headers)}`);
  }
}

/** User headers as octet-string fields. @throws InvalidArgumentError for anything but an iterable of pairs of strings/bytes. */
export function toOutboundFields(headers: Iterable<HeaderInput>): OutboundField[] {
  checkHeaderIterable(headers);
  const out: OutboundField[] = [];
  for (const pair of headers as Iterable<unknown>) {
    if (!Array.isArray(pair) || pair.length !== 2) throw new InvalidArgumentError(`headers must be [name, value] pairs, not ${Array.isArray(pair) ? `an array of ${pair.length}` : describeValue(pair)}`);
    out.push({ name: toOctetString(pair[0] as string | Uint8Array), value: toOctetString(pair[1] as string | Uint8Array), neverIndex: isNeverIndexed(pair) });
  }
  return out;
}

/** Python's bytes.strip(): ASCII whitespace at both ends. */
function strip(s: string): string {
  // Fast path: nearly every field has no whitespace at either end (0x20 and below covers all six).
  if (s.length === 0 || (s.charCodeAt(0) > 0x20 && s.charCodeAt(s.length - 1) > 0x20)) return s;
  return s.replace(/^[ \t\n\r\x0b\x0c]+|[ \t\n\r\x0b\x0c]+$/g, '');
}

/**
 * h2 `normalize_outbound_headers`: lowercase names, optionally split cookies on "; ", strip
 * whitespace, silently drop connection-specific fields, mark secrets never-indexed.
 */
export function normalizeOutboundHeaders(fields: OutboundField[], splitCookies: boolean): OutboundField[] {
  // `fields` itself when no field changes (most blocks): the copy starts at the first change.
  let out: OutboundField[] | null = null;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] as OutboundField;
    const name = strip(f.name.toLowerCase());
    if (CONNECTION_HEADERS.has(name)) {
      out ??= fields.slice(0, i);
      continue;
    }
    if (splitCookies && name === 'cookie') {
      out ??= fields.slice(0, i);
      for (const raw of f.value.split('; ')) out.push(normalizedField(f, name, strip(raw)));
      continue;
    }
    const normalized = normalizedField(f, name, strip(f.value));
    if (out !== null) out.push(normalized);
    else if (normalized !== f) (out = fields.slice(0, i)).push(normalized);
  }
  return out ?? fields;
}

/** `f` with its normalized name and value; `f` itself when nothing changed (most fields: no copy per field of every block sent). */
function normalizedField(f: OutboundField, name: string, value: string): OutboundField {
  const neverIndex = f.neverIndex || SECURE_HEADERS.has(name) || (name === 'cookie' && value.length < SHORT_COOKIE);
  return name === f.name && value === f.value && neverIndex === f.neverIndex ? f : { name, value, neverIndex };
}

/** h2 `normalize_inbound_headers`: all `cookie` fields joined with "; " into one, moved to the end (RFC 9113 §8.2.3). */
export function normalizeInboundHeaders(headers: Array<[string, string]>): Array<[string, string]> {
  // Most blocks have no cookie: nothing to move, and no copy (every request allocated two arrays here).
  let i = 0;
  while (i < headers.length && (headers[i] as [string, string])[0] !== 'cookie') i++;
  if (i === headers.length) return headers;
  const cookies: string[] = [];
  const out: Array<[string, string]> = headers.slice(0, i);
  for (; i < headers.length; i++) {
    const h = headers[i] as [string, string];
    if (h[0] === 'cookie') cookies.push(h[1]);
    else out.push(h);
  }
  if (cookies.length > 0) out.push(['cookie', cookies.join('; ')]);
  return out;
}

/** Octet-string headers as events carry them. */
export function encodeEventHeaders(headers: Array<[string, string]>, encoding: HeaderEncoding): EventHeaders {
  if (encoding === 'latin1') return headers;
  if (encoding === null) return headers.map((h) => keepMark(h, [Buffer.from(h[0], 'latin1'), Buffer.from(h[1], 'latin1')]));
  return headers.map((h) => keepMark(h, [utf8(h[0]), utf8(h[1])]));
}

/** `to`, marked never indexed when `from` is. */
function keepMark<T extends [string, string] | [Buffer, Buffer]>(from: [string, string], to: T): T {
  return isNeverIndexed(from) ? neverIndexed(to) : to;
}

function utf8(s: string): string {
  return ASCII.test(s) ? s : Buffer.from(s, 'latin1').toString('utf8');
}

/** The `:authority` (or `host`) of a request, for ALTSVC on the stream. */
export function authorityFromHeaders(fields: ReadonlyArray<{ name: string; value: string }>): string | null {
  for (const f of fields) if (f.name === ':authority') return f.value;
  for (const f of fields) if (f.name === 'host') return f.value;
  return null;
}

/** The `:method` of a request block, or null. */
export function methodFromHeaders(fields: ReadonlyArray<{ name: string; value: string }>): string | null {
  for (const f of fields) if (f.name === ':method') return f.value;
  return null;
}

/** h2 `is_informational_response`: the first `:status` among the leading pseudo-headers starts with "1". */
export function isInformationalResponse<F>(fields: ReadonlyArray<F>, read: FieldReader<F>): boolean {
  for (let i = 0; i < fields.length; i++) {
    const name = read.name(fields[i] as F);
    if (!name.startsWith(':')) return false;
    if (name !== ':status') continue;
    return read.value(fields[i] as F).startsWith('1');
  }
  return false;
}
