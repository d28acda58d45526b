/** RFC 9113 §8.1: the HTTP message exchange (bodies, trailers, content-length). */
import { ErrorCodes } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import type { Attacker } from '../helpers/attacker.js';
import { conformance } from './harness.js';

const E = ErrorCodes;
const post = (p: Attacker, extra: Array<[string, string]> = []) => p.request(1, '/', { method: 'POST', body: true, extra });
const trailers = (p: Attacker, fields: Array<[string, string]>, endStream = true) => rawFrame(1, endStream ? 0x5 : 0x4, 1, p.encoder.encode(fields.map(([name, value]) => ({ name, value }))));
conformance('§8.1 HTTP message exchange', [
  { title: 'a GET', send: (p) => p.request(1), answer: { status: 200, stream: 1 } },
  { title: 'a POST with a body over several DATA frames', send: (p) => Buffer.concat([post(p), rawFrame(0, 0, 1, '6162'), rawFrame(0, 0, 1, '6364'), rawFrame(0, 1, 1, '65')]), answer: { status: 200, stream: 1 } },
  { title: 'a POST with trailers', send: (p) => Buffer.concat([post(p), rawFrame(0, 0, 1, '6162'), trailers(p, [['x-checksum', '1']])]), answer: { status: 200, stream: 1 } },
  { title: 'trailers without END_STREAM', send: (p) => Buffer.concat([post(p), rawFrame(0, 0, 1, '6162'), trailers(p, [['x-checksum', '1']], false)]), answer: { rst: E.PROTOCOL_ERROR, stream: 1 } },
  { title: 'trailers with a pseudo-header', send: (p) => Buffer.concat([post(p), trailers(p, [[':path', '/']])]), answer: { rst: E.PROTOCOL_ERROR, stream: 1 } },
  { title: 'more DATA than content-length', send: (p) => Buffer.concat([post(p, [['content-length', '2']]), rawFrame(0, 1, 1, '616263')]), answer: { rst: E.PROTOCOL_ERROR, stream: 1 } },
  { title: 'less DATA than content-length at END_STREAM', send: (p) => Buffer.concat([post(p, [['content-length', '5']]), rawFrame(0, 1, 1, '6162')]), answer: { rst: E.PROTOCOL_ERROR, stream: 1 } },
  { title: 'content-length that is not a number', send: (p) => p.request(1, '/', { extra: [['content-length', 'abc']] }), answer: { rst: E.PROTOCOL_ERROR, stream: 1 } },
  { title: 'content-length matching the body', send: (p) => Buffer.concat([post(p, [['content-length', '3']]), rawFrame(0, 1, 1, '616263')]), answer: { status: 200, stream: 1 } },
  { title: 'a HEAD request', send: (p) => p.request(1, '/', { method: 'HEAD' }), answer: { status: 200, stream: 1 } },
]);
