/**
 * Header block rules (h2 4.4.1 `utilities.py` `validate_headers` / `validate_outbound_headers`;
 * RFC 9113 §8.2, §8.3). Inbound violations make the message malformed: the caller answers
 * with a stream error (RFC 9113 §8.1.1). Names and values are octet strings.
 */
import { type ErrorScope, ProtocolError } from '../../errors.js';
import { CONNECTION_HEADERS } from './normalize.js';

/** Which kind of block is being checked (h2 `HeaderValidationFlags`). */
export interface HeaderValidationFlags {
  readonly isClient: boolean;
  readonly isTrailer: boolean;
  readonly isResponseHeader: boolean;
  readonly isPushPromise: boolean;
}

const PSEUDO_HEADERS: ReadonlySet<string> = new Set([':method', ':scheme', ':authority', ':path', ':status', ':protocol']);
const REQUEST_ONLY: ReadonlyArray<string> = [':method', ':scheme', ':authority', ':path', ':protocol'];

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

/** RFC 9113 §8.2.1 character rules (h2 4.3+ `_reject_illegal_characters`). */
function checkCharacters(name: string, value: string, streamId: number): void {
  if (name.length === 0) fail('Received header name with zero length.', streamId);
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) fail(`Received uppercase header name ${show(name)}.`, streamId);
    if (c <= 0x20 || c >= 0x7f || (c === 0x3a && i > 0)) fail(`Illegal character in header name ${show(name)}.`, streamId);
  }
  if (/[\0\r\n]/.test(value)) fail(`Illegal character in header value of ${show(name)}.`, streamId);
  if (value.length > 0 && /^[ \t]|[ \t]$/.test(value)) fail(`Received header value surrounded by whitespace ${show(value)}`, streamId);
}

/** The rules shared by both directions: te, connection-specific fields, pseudo-headers, host/authority, :path. */
function checkBlock(headers: ReadonlyArray<readonly [string, string]>, flags: HeaderValidationFlags, streamId: number, scope: ErrorScope): void {
  const pseudo = new Map<string, string>();
  let sawRegular = false;
  let hosts = 0;
  let host: string | null = null;
  for (const [name, value] of headers) {
    if (name.startsWith(':')) {
      if (sawRegular) fail(`Received pseudo-header field out of sequence: ${show(name)}`, streamId, scope);
      if (pseudo.has(name)) fail(`Received duplicate pseudo-header field ${show(name)}`, streamId, scope);
      if (!PSEUDO_HEADERS.has(name)) fail(`Received custom pseudo-header field ${show(name)}`, streamId, scope);
      pseudo.set(name, value);
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
    if (pseudo.size > 0) fail('Received pseudo-header in trailer', streamId, scope);
    return;
  }
  if (flags.isResponseHeader) {
    if (!pseudo.has(':status')) fail('Response header block missing mandatory :status header', streamId, scope);
    for (const p of REQUEST_ONLY) if (pseudo.has(p)) fail(`Received request-only pseudo-header ${show(p)} in response`, streamId, scope);
    return;
  }
  // A request (or the request of a PUSH_PROMISE).
  const method = pseudo.get(':method');
  if (method === undefined) fail('Header block missing mandatory ":method" header', streamId, scope);
  if (pseudo.has(':status')) fail('Received response-only pseudo-header ":status" in request', streamId, scope);
  const protocol = pseudo.has(':protocol');
  if (method === 'CONNECT' && !protocol) {
    // RFC 9113 §8.5: plain CONNECT has neither :scheme nor :path.
    if (pseudo.has(':scheme') || pseudo.has(':path')) fail('CONNECT request must not have :scheme or :path', streamId, scope);
  } else {
    if (protocol && method !== 'CONNECT') fail(':protocol is only allowed with CONNECT (RFC 8441)', streamId, scope);
    if (!pseudo.has(':scheme')) fail('Header block missing mandatory ":scheme" header', streamId, scope);
    if (!pseudo.has(':path')) fail('Header block missing mandatory ":path" header', streamId, scope);
  }
  if (pseudo.get(':path') === '') fail('An empty :path header is forbidden', streamId, scope);
  const authority = pseudo.get(':authority');
  if (hosts > 1) fail('Request header block has more than one Host header', streamId, scope);
  if (authority === undefined && host === null) fail('Request header block does not have an :authority or Host header.', streamId, scope);
  if (authority !== undefined && host !== null && authority !== host) {
    fail(`Request header block has mismatched :authority and Host headers: ${show(authority)} / ${show(host)}`, streamId, scope);
  }
}

/** Inbound rules; throws a stream-scoped ProtocolError (the message is malformed). */
export function validateInboundHeaders(headers: ReadonlyArray<readonly [string, string]>, flags: HeaderValidationFlags, streamId: number): void {
  for (const [name, value] of headers) checkCharacters(name, value, streamId);
  checkBlock(headers, flags, streamId, 'stream');
}

/** Outbound rules (no character checks, as in h2); throws a connection-scoped ProtocolError. */
export function validateOutboundHeaders(headers: ReadonlyArray<readonly [string, string]>, flags: HeaderValidationFlags, streamId: number): void {
  checkBlock(headers, flags, streamId, 'connection');
}
