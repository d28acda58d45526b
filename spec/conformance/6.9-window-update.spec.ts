/** RFC 9113 §6.9: WINDOW_UPDATE and flow control. */
import { ErrorCodes } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

const E = ErrorCodes;
conformance('§6.9 WINDOW_UPDATE', [
  { title: 'WINDOW_UPDATE of 0 on the connection', send: () => rawFrame(8, 0, 0, '00000000'), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'WINDOW_UPDATE of 0 on a stream', send: (p) => Buffer.concat([p.request(1, '/', { body: true }), rawFrame(8, 0, 1, '00000000')]), answer: { rst: E.PROTOCOL_ERROR, stream: 1 } },
  { title: 'WINDOW_UPDATE overflowing the connection window', send: () => Buffer.concat([rawFrame(8, 0, 0, '7fffffff')]), answer: { goaway: E.FLOW_CONTROL_ERROR } },
  { title: 'WINDOW_UPDATE overflowing a stream window', send: (p) => Buffer.concat([p.request(1, '/', { body: true }), rawFrame(8, 0, 1, '7fffffff')]), answer: { rst: E.FLOW_CONTROL_ERROR, stream: 1 } },
  {
    // §6.9.1 calls this a stream error; escalating it (as the MadeYouReset primitives are) would let one stream end the connection.
    title: 'two WINDOW_UPDATEs overflowing a stream window together: RST_STREAM only, the connection goes on',
    send: (p) => Buffer.concat([p.request(1, '/', { body: true }), rawFrame(8, 0, 1, '40000000'), rawFrame(8, 0, 1, '40000000')]),
    answer: { rst: E.FLOW_CONTROL_ERROR, stream: 1, kept: true },
  },
  { title: 'WINDOW_UPDATE up to exactly 2^31-1 is accepted', send: (p) => Buffer.concat([rawFrame(8, 0, 0, '7fff0000'), p.request(1)]), answer: { status: 200, stream: 1 } },
  { title: 'a 1-octet window still lets a response through', send: (p) => Buffer.concat([rawFrame(4, 0, 0, '000400000001'), p.request(1, '/'), ...Array.from({ length: 40 }, () => rawFrame(8, 0, 1, '00000001'))]), answer: { status: 200, stream: 1 } },
]);
