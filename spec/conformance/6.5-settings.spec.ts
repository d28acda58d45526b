/** RFC 9113 §6.5: SETTINGS. */
import { ErrorCodes } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

const E = ErrorCodes;
conformance('§6.5 SETTINGS', [
  { title: 'SETTINGS on a stream', send: () => rawFrame(4, 0, 1), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'SETTINGS_ENABLE_PUSH = 2', send: () => rawFrame(4, 0, 0, '000200000002'), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'SETTINGS_INITIAL_WINDOW_SIZE = 2^31', send: () => rawFrame(4, 0, 0, '000480000000'), answer: { goaway: E.FLOW_CONTROL_ERROR } },
  { title: 'SETTINGS_MAX_FRAME_SIZE = 16383', send: () => rawFrame(4, 0, 0, '000500003fff'), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'SETTINGS_MAX_FRAME_SIZE = 2^24', send: () => rawFrame(4, 0, 0, '000501000000'), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'SETTINGS_MAX_FRAME_SIZE = 2^24-1 is accepted', send: () => rawFrame(4, 0, 0, '000500ffffff'), answer: { settingsAck: true } },
  { title: 'SETTINGS_HEADER_TABLE_SIZE = 0 is accepted and responses still decode', send: (p) => Buffer.concat([rawFrame(4, 0, 0, '000100000000'), p.request(1)]), answer: { status: 200, stream: 1 } },
  { title: 'SETTINGS_MAX_CONCURRENT_STREAMS = 0 is accepted', send: () => rawFrame(4, 0, 0, '000300000000'), answer: { settingsAck: true } },
  { title: 'SETTINGS are acknowledged (§6.5.3)', send: () => rawFrame(4, 0, 0, '000300000064'), answer: { settingsAck: true } },
  { title: 'SETTINGS_INITIAL_WINDOW_SIZE change overflowing an open stream window', send: (p) => Buffer.concat([p.request(1, '/bytes/1', { body: true }), rawFrame(8, 0, 1, '7fff0000'), rawFrame(4, 0, 0, '00047fffffff')]), answer: { goaway: E.FLOW_CONTROL_ERROR } },
]);
