/** RFC 9113 §8.2-8.3: field names and values, pseudo-headers, connection-specific fields. */
import { ErrorCodes } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import type { Attacker } from '../helpers/attacker.js';
import { conformance } from './harness.js';

const E = ErrorCodes;
/** A request HEADERS (END_STREAM) with exactly these fields. */
const fields = (p: Attacker, list: Array<[string, string]>) => rawFrame(1, 0x5, 1, p.encoder.encode(list.map(([name, value]) => ({ name, value }))));
const BASE: Array<[string, string]> = [[':method', 'GET'], [':scheme', 'http'], [':authority', 'x'], [':path', '/']];
const malformed = (title: string, list: Array<[string, string]>) => ({ title, send: (p: Attacker) => fields(p, list), answer: { rst: E.PROTOCOL_ERROR, stream: 1 } });
conformance('§8.2-8.3 fields and pseudo-headers', [
  malformed('an uppercase field name', [...BASE, ['X-Upper', '1']]),
  malformed('a field name with a space', [...BASE, ['x y', '1']]),
  malformed('an empty field name', [...BASE, ['', '1']]),
  malformed('a field value with NUL', [...BASE, ['x', 'a\0b']]),
  malformed('a field value with CR', [...BASE, ['x', 'a\rb']]),
  malformed('a field value with LF', [...BASE, ['x', 'a\nb']]),
  malformed('a field value with leading whitespace', [...BASE, ['x', ' a']]),
  malformed('connection: keep-alive', [...BASE, ['connection', 'keep-alive']]),
  malformed('keep-alive', [...BASE, ['keep-alive', '5']]),
  malformed('transfer-encoding: chunked', [...BASE, ['transfer-encoding', 'chunked']]),
  malformed('upgrade', [...BASE, ['upgrade', 'h2c']]),
  malformed('proxy-connection', [...BASE, ['proxy-connection', 'x']]),
  malformed('te: gzip', [...BASE, ['te', 'gzip']]),
  malformed('no :method', [[':scheme', 'http'], [':authority', 'x'], [':path', '/']]),
  malformed('no :scheme', [[':method', 'GET'], [':authority', 'x'], [':path', '/']]),
  malformed('no :path', [[':method', 'GET'], [':scheme', 'http'], [':authority', 'x']]),
  malformed('an empty :path', [[':method', 'GET'], [':scheme', 'http'], [':authority', 'x'], [':path', '']]),
  malformed('a duplicated :method', [...BASE, [':method', 'GET']]),
  malformed('a duplicated :path', [[':method', 'GET'], [':scheme', 'http'], [':authority', 'x'], [':path', '/'], [':path', '/']]),
  malformed('an unknown pseudo-header', [...BASE, [':foo', 'bar']]),
  malformed('a pseudo-header after a regular field', [[':method', 'GET'], [':scheme', 'http'], ['x', '1'], [':authority', 'x'], [':path', '/']]),
  malformed(':status in a request', [...BASE, [':status', '200']]),
  malformed('CONNECT with :path', [[':method', 'CONNECT'], [':authority', 'x:443'], [':path', '/'], [':scheme', 'http']]),
  malformed(':protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL', [[':method', 'CONNECT'], [':protocol', 'websocket'], [':scheme', 'http'], [':authority', 'x'], [':path', '/']]),
  malformed('no :authority and no host', [[':method', 'GET'], [':scheme', 'http'], [':path', '/']]),
  malformed(':authority and host that differ', [...BASE, ['host', 'y']]),
  { title: 'te: trailers is allowed', send: (p) => fields(p, [...BASE, ['te', 'trailers']]), answer: { status: 200, stream: 1 } },
  { title: 'host without :authority is allowed', send: (p) => fields(p, [[':method', 'GET'], [':scheme', 'http'], [':path', '/'], ['host', 'x']]), answer: { status: 200, stream: 1 } },
  { title: 'split cookie fields are accepted', send: (p) => fields(p, [...BASE, ['cookie', 'a=1'], ['cookie', 'b=2']]), answer: { status: 200, stream: 1 } },
  { title: 'an OPTIONS * request', send: (p) => fields(p, [[':method', 'OPTIONS'], [':scheme', 'http'], [':authority', 'x'], [':path', '*']]), answer: { status: 404, stream: 1 } },
]);
