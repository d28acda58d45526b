/** RFC 9113 §6.10: CONTINUATION. */
import { ErrorCodes } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

const E = ErrorCodes;
const opened = (p: { request: (id: number) => Buffer }): Buffer => {
  const r = Buffer.from(p.request(1));
  r[4] = 0x1; // END_STREAM, no END_HEADERS
  return r;
};
conformance('§6.10 CONTINUATION', [
  { title: 'CONTINUATION without a preceding HEADERS', send: () => rawFrame(9, 0x4, 1, '82'), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'CONTINUATION after END_HEADERS', send: (p) => Buffer.concat([p.request(1), rawFrame(9, 0x4, 1, '82')]), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'CONTINUATION on another stream', send: (p) => Buffer.concat([opened(p), rawFrame(9, 0x4, 3, '')]), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'DATA inside a header block', send: (p) => Buffer.concat([opened(p), rawFrame(0, 0, 1, '61')]), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'PING inside a header block', send: (p) => Buffer.concat([opened(p), rawFrame(6, 0, 0, '0000000000000000')]), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'HEADERS of another stream inside a header block', send: (p) => Buffer.concat([opened(p), rawFrame(1, 0x5, 3, '82')]), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'an empty CONTINUATION ending the block', send: (p) => Buffer.concat([opened(p), rawFrame(9, 0x4, 1)]), answer: { status: 200, stream: 1 } },
]);
