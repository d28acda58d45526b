/** RFC 9113 §5.1: stream states (idle, half-closed, closed). */
import { ErrorCodes } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

const E = ErrorCodes;
conformance('§5.1 stream states', [
  { title: 'DATA on an idle stream', send: () => rawFrame(0, 0, 1, '00'), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'RST_STREAM on an idle stream', send: () => rawFrame(3, 0, 1, '00000008'), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'WINDOW_UPDATE on an idle stream', send: () => rawFrame(8, 0, 1, '00000001'), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'CONTINUATION on an idle stream', send: () => rawFrame(9, 0x4, 1, '82'), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'PRIORITY on an idle stream is allowed', send: (p) => Buffer.concat([rawFrame(2, 0, 3, '0000000010'), p.request(1)]), answer: { status: 200, stream: 1 } },
  { title: 'DATA on a half-closed (remote) stream', send: (p) => Buffer.concat([p.request(1), rawFrame(0, 0, 1, '61')]), answer: { rst: E.STREAM_CLOSED, stream: 1 } },
  { title: 'HEADERS on a half-closed (remote) stream', send: (p) => Buffer.concat([p.request(1), p.request(1)]), answer: { rst: E.STREAM_CLOSED, stream: 1 } },
  { title: 'DATA with END_STREAM twice', send: (p) => Buffer.concat([p.request(1, '/', { body: true }), rawFrame(0, 1, 1, '61'), rawFrame(0, 1, 1, '62')]), answer: { rst: E.STREAM_CLOSED, stream: 1 } },
  { title: 'RST_STREAM then DATA on the same stream (ignored or STREAM_CLOSED), then a new request', send: (p) => Buffer.concat([p.request(1, '/', { body: true }), rawFrame(3, 0, 1, '00000008'), rawFrame(0, 0, 1, '61'), p.request(3)]), answer: { status: 200, stream: 3 } },
  { title: 'WINDOW_UPDATE on a stream that ended is ignored', send: (p) => Buffer.concat([p.request(1), rawFrame(8, 0, 1, '00000001'), p.request(3)]), answer: { status: 200, stream: 3 } },
  { title: 'PUSH_PROMISE from a client', send: () => rawFrame(5, 0x4, 1, '00000002 82'.replace(' ', '')), answer: { goaway: E.PROTOCOL_ERROR } },
]);
