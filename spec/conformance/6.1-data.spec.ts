/** RFC 9113 §6.1: DATA. */
import { ErrorCodes } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

const E = ErrorCodes;
const post = (p: { request: (id: number, path?: string, o?: { method?: string; body?: boolean }) => Buffer }) => p.request(1, '/', { method: 'POST', body: true });
conformance('§6.1 DATA', [
  { title: 'DATA on stream 0', send: () => rawFrame(0, 0, 0, '61'), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'padded DATA whose padding exceeds the payload', send: (p) => Buffer.concat([post(p), rawFrame(0, 0x8, 1, '05 6162'.replace(' ', ''))]), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'padded DATA with no pad length octet', send: (p) => Buffer.concat([post(p), rawFrame(0, 0x8, 1)]), answer: { goaway: E.FRAME_SIZE_ERROR } },
  { title: 'padded DATA is accepted and echoed without padding', send: (p) => Buffer.concat([post(p), rawFrame(0, 0x9, 1, '03 6869 000000'.replace(/ /g, ''))]), answer: { status: 200, stream: 1 } },
  // 320 KiB: beyond every advertised stream window of the servers compared (ours 256 KiB, 64 KiB elsewhere).
  { title: 'DATA beyond the advertised stream window', send: (p) => Buffer.concat([post(p), ...Array.from({ length: 20 }, () => rawFrame(0, 0, 1, Buffer.alloc(16384)))]), answer: { rst: E.FLOW_CONTROL_ERROR, stream: 1 } },
  { title: 'empty DATA with END_STREAM ends a request', send: (p) => Buffer.concat([post(p), rawFrame(0, 1, 1)]), answer: { status: 200, stream: 1 } },
]);
