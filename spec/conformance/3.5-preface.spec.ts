/** RFC 9113 §3.4 (RFC 7540 §3.5): the connection preface. */
import { ErrorCodes } from '../../src/index.js';
import { PREFACE } from '../helpers/attacker.js';
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

conformance('§3.4 connection preface', [
  { title: 'an HTTP/1.1 request instead of the preface', raw: true, send: () => Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), answer: { goaway: ErrorCodes.PROTOCOL_ERROR, orClose: true } },
  { title: 'a preface with one wrong octet', raw: true, send: () => Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\r'), rawFrame(4, 0, 0)]), answer: { goaway: ErrorCodes.PROTOCOL_ERROR, orClose: true } },
  { title: 'the preface followed by PING instead of SETTINGS', raw: true, send: () => Buffer.concat([PREFACE, rawFrame(6, 0, 0, '0000000000000000')]), answer: { goaway: ErrorCodes.PROTOCOL_ERROR, orClose: true } },
  { title: 'the preface followed by a SETTINGS ACK first', raw: true, send: () => Buffer.concat([PREFACE, rawFrame(4, 1, 0)]), answer: { goaway: ErrorCodes.PROTOCOL_ERROR, orClose: true } },
  { title: 'the preface and an empty SETTINGS are acknowledged', send: () => Buffer.alloc(0), answer: { settingsAck: true } },
]);
