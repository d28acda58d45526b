/**
 * Header block rules (h2 4.4.1 `utilities.py` `validate_headers` / `validate_outbound_headers`;
 * RFC 9113 §8.2, §8.3). Inbound violations make the message malformed: the caller answers
 * with a stream error (RFC 9113 §8.1.1). Names and values are octet strings.
 */
import { type ErrorScope, ProtocolError } from '../../errors.js';
import { FIELDS, type FieldReader, PAIRS } from './field-reader.js';
import { CONNECTION_HEADERS } from './normalize.js';

/** Which kind of block is being checked (h2 `HeaderValidationFlags`). */
export interface HeaderValidationFlags {
  readonly isClient: boolean;
  readonly isTrailer: boolean;
  readonly isResponseHeader: boolean;
  readonly isPushPromise: boolean;
}


/**
 * Inbound violations are stream errors (the peer's message is malformed); outbound ones are
 * the caller's mistake, a plain connection-scoped ProtocolError as in h2.
 */
function fail(message: string, streamId: number, scope: ErrorScope = 'stream'): never {
  if (scope === 'connection') throw new ProtocolError(message, { streamId, scope });
  // The peer's malformed message: the error becomes a RST_STREAM, and its stack (frames of our
  // own parser) is never looked at. Capturing it was half the CPU of answering each malformed
  // request in a flood of them (4 of 8 us).
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    throw new ProtocolError(message, { streamId, scope });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function show(s: string): string {
  return JSON.stringify(s);
}

// Module constants: a regular expression literal inside a function is a new RegExp object
// each time it runs (two per field of every block received, 0.5 KiB per request).
/** RFC 9113 §8.2.1: NUL, CR and LF are never allowed in a value. */
const ILLEGAL_IN_VALUE = /[\0\r\n]/;
/** RFC 9113 §8.2.1: a value neither starts nor ends with whitespace. */
const SURROUNDING_WHITESPACE = /^[ \t]|[ \t]$/;

/** RFC 9113 §8.2.1 character rules (h2 4.3+ `_reject_illegal_characters`). */
function checkCharacters(name: string, value: string, streamId: number): void {
  if (name.length === 0) fail('Received header name with zero length.', streamId);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) fail(`Received uppercase header name ${show(name)}.`, streamId);
    if (c <= 0x20 || c >= 0x7f || (c === 0x3a && i > 0)) fail(`Illegal character in header name ${show(name)}.`, streamId);
  }
  if (ILLEGAL_IN_VALUE.test(value)) fail(`Illegal character in header value of ${show(name)}.`, streamId);
  if (value.length > 0 && SURROUNDING_WHITESPACE.test(value)) fail(`Received header value surrounded by whitespace ${show(value)}`, streamId);
}

/** The pseudo-header fields of one block (RFC 9113 §8.3), each at most once. */
interface Pseudo {
  method: string | undefined;
  scheme: string | undefined;
  authority: string | undefined;
  path: string | undefined;
  status: string | undefined;
  protocol: string | undefined;
}

/**
 * Records pseudo-header `name` in `p`; fails on a custom one or a duplicate. Fields of a
 * plain object, not a Map: this runs for every block, and a Map per request was the largest
 * allocation of validating it. The six cases are spelled out on purpose: with named fields V8
 * keeps `p` off the heap (0.5 octets allocated per block); a table of field names and a keyed
 * store (`p[field] = value`) cost 72.
 */
function notePseudo(p: Pseudo, name: string, value: string, streamId: number, scope: ErrorScope): void {
  let seen: string | undefined;
  switch (name) {
    case ':method':
      seen = p.method;
      p.method = value;
      break;
    case ':scheme':
      seen = p.scheme;
      p.scheme = value;
      break;
    case ':authority':
      seen = p.authority;
      p.authority = value;
      break;
    case ':path':
      seen = p.path;
      p.path = value;
      break;
    case ':status':
      seen = p.status;
      p.status = value;
      break;
    case ':protocol':
      seen = p.protocol;
      p.protocol = value;
      break;
    default:
      fail(`Received custom pseudo-header field ${show(name)}`, streamId, scope);
  }
  if (seen !== undefined) fail(`Received duplicate pseudo-header field ${show(name)}`, streamId, scope);
}

/** The rules shared by both directions: te, connection-specific fields, pseudo-headers, host/authority, :path. */
function checkBlock<F>(headers: ReadonlyArray<F>, read: FieldReader<F>, flags: HeaderValidationFlags, streamId: number, scope: ErrorScope): void {
  const p: Pseudo = { method: undefined, scheme: undefined, authority: undefined, path: undefined, status: undefined, protocol: undefined };
  let pseudoCount = 0;
  let sawRegular = false;
  let hosts = 0;
  let host: string | null = null;
  for (let i = 0; i < headers.length; i++) {
    const field = headers[i] as F;
    const name = read.name(field);
    const value = read.value(field);
    if (name.charCodeAt(0) === 0x3a /* ':' */) {
      if (sawRegular) fail(`Received pseudo-header field out of sequence: ${show(name)}`, streamId, scope);
      notePseudo(p, name, value, streamId, scope);
      pseudoCount += 1;
      continue;
    }
    sawRegular = true;
    if (name === 'te' && value.toLowerCase() !== 'trailers') fail(`Invalid value for TE header: ${show(value)}`, streamId, scope);
    if (CONNECTION_HEADERS.has(name)) fail(`Connection-specific header field present: ${show(name)}.`, streamId, scope);
    if (name === 'host') {
      hosts += 1;
      host = value;
    }
  }

  if (flags.isTrailer) {
    if (pseudoCount > 0) fail('Received pseudo-header in trailer', streamId, scope);
    return;
  }
  if (flags.isResponseHeader) {
    if (p.status === undefined) fail('Response header block missing mandatory :status header', streamId, scope);
    const requestOnly = p.method !== undefined ? ':method' : p.scheme !== undefined ? ':scheme' : p.authority !== undefined ? ':authority' : p.path !== undefined ? ':path' : p.protocol !== undefined ? ':protocol' : null;
    if (requestOnly !== null) fail(`Received request-only pseudo-header ${show(requestOnly)} in response`, streamId, scope);
    return;
  }
  // A request (or the request of a PUSH_PROMISE).
  const method = p.method;
  if (method === undefined) fail('Header block missing mandatory ":method" header', streamId, scope);
  if (p.status !== undefined) fail('Received response-only pseudo-header ":status" in request', streamId, scope);
  const protocol = p.protocol !== undefined;
  if (method === 'CONNECT' && !protocol) {
    // RFC 9113 §8.5: plain CONNECT has neither :scheme nor :path.
    if (p.scheme !== undefined || p.path !== undefined) fail('CONNECT request must not have :scheme or :path', streamId, scope);
  } else {
    if (protocol && method !== 'CONNECT') fail(':protocol is only allowed with CONNECT (RFC 8441)', streamId, scope);
    if (p.scheme === undefined) fail('Header block missing mandatory ":scheme" header', streamId, scope);
    if (p.path === undefined) fail('Header block missing mandatory ":path" header', streamId, scope);
  }
  if (p.path === '') fail('An empty :path header is forbidden', streamId, scope);
  const authority = p.authority;
  if (hosts > 1) fail('Request header block has more than one Host header', streamId, scope);
  if (authority === undefined && host === null) fail('Request header block does not have an :authority or Host header.', streamId, scope);
  if (authority !== undefined && host !== null && authority !== host) {
    fail(`Request header block has mismatched :authority and Host headers: ${show(authority)} / ${show(host)}`, streamId, scope);
  }
}

/** Inbound rules; throws a stream-scoped ProtocolError (the message is malformed). */
export function validateInboundHeaders(headers: ReadonlyArray<readonly [string, string]>, flags: HeaderValidationFlags, streamId: number): void {
  for (let i = 0; i < headers.length; i++) {
    const field = headers[i] as readonly [string, string];
    checkCharacters(field[0], field[1], streamId);
  }
  checkBlock(headers, PAIRS, flags, streamId, 'stream');
}

/** Outbound rules (no character checks, as in h2); throws a connection-scoped ProtocolError. */
export function validateOutboundHeaders(fields: ReadonlyArray<{ readonly name: string; readonly value: string }>, flags: HeaderValidationFlags, streamId: number): void {
  checkBlock(fields, FIELDS, flags, streamId, 'connection');
}
