/** RFC 9113 §8.4: server push (a client never pushes). */
import { ErrorCodes } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

conformance('§8.4 server push', [
  { title: 'PUSH_PROMISE from a client on an open stream', send: (p) => Buffer.concat([p.request(1, '/', { body: true }), rawFrame(5, 0x4, 1, Buffer.concat([Buffer.from('00000002', 'hex'), p.encoder.encode([{ name: ':method', value: 'GET' }])]))]), answer: { goaway: ErrorCodes.PROTOCOL_ERROR } },
  { title: 'SETTINGS_ENABLE_PUSH = 1 from a client is accepted', send: () => rawFrame(4, 0, 0, '000200000001'), answer: { settingsAck: true } },
]);
