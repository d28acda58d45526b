/**
 * Misuse of the core's API fails at once, with the error class h2 would raise (the
 * differential specs compare classes), a stable `code`, and a message that names the value,
 * the state or the option: bad arguments are InvalidArgumentError (a TypeError) or
 * OutOfRangeError (a RangeError), unknown option keys are refused rather than ignored, and
 * the state machines name states, not numbers.
 */
import { expect } from 'chai';
import {
  ErrorCodes,
  H2Configuration,
  H2Connection,
  H2Error,
  InvalidArgumentError,
  InvalidSettingsValueError,
  NoAvailableStreamIDError,
  NoSuchStreamError,
  OutOfRangeError,
  ProtocolError,
  RFC1122Error,
  SettingCodes,
  StreamClosedError,
  StreamIDTooLowError,
  TooManyStreamsError,
  FlowControlError,
} from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { connectedPair, REQ } from '../helpers/peers.js';
import { thrown } from '../helpers/thrown.js';


/** Asserts class, `code` and a message fragment in one go (STYLE.md §8). */
function expectError(fn: () => unknown, cls: abstract new (...args: never[]) => Error, code: string, message: string | RegExp): void {
  const err = thrown(fn);
  expect(err).to.be.instanceOf(cls);
  expect(err.code, err.message).to.equal(code);
  if (typeof message === 'string') expect(err.message).to.include(message);
  else expect(err.message).to.match(message);
}

const OPTION = 'ERR_H2_INVALID_OPTION';
const ARG = 'ERR_H2_INVALID_ARG';
const RANGE = 'ERR_H2_OUT_OF_RANGE';
const body = Buffer.from('x');

describe('H2Connection: misuse errors', function () {
  describe('H2Configuration options', function () {
    it("refuses h2's snake_case keyword `client_side` instead of silently making a client, naming the camelCase option", function () {
      expectError(() => new H2Configuration({ client_side: false } as never), InvalidArgumentError, OPTION, "unknown option 'client_side'; did you mean 'clientSide'?");
      expectError(() => new H2Connection({ client_side: false } as never), InvalidArgumentError, OPTION, "'clientSide'");
      const err = thrown(() => new H2Configuration({ client_side: false } as never));
      expect(err).to.be.instanceOf(TypeError);
    });

    it('refuses an unknown key, listing the known ones', function () {
      expectError(() => new H2Configuration({ maxStreams: 5 } as never), InvalidArgumentError, OPTION, "unknown option 'maxStreams'; known options: clientSide, headerEncoding");
    });

    it('refuses unknown keys of nested options', function () {
      expectError(() => new H2Configuration({ resetRateLimit: { burst: 5, per_second: 1 } as never }), InvalidArgumentError, OPTION, "H2Configuration: resetRateLimit: unknown option 'per_second'; did you mean 'perSecond'?");
      expectError(() => new H2Configuration({ resetStreamRetention: { max: 5, ms: 1, maxAge: 3 } as never }), InvalidArgumentError, OPTION, "unknown option 'maxAge'");
    });

    it('refuses values of the wrong type (InvalidArgumentError) and numbers out of range (OutOfRangeError)', function () {
      expectError(() => new H2Configuration(null as never), InvalidArgumentError, OPTION, 'options must be an object, not null');
      expectError(() => new H2Configuration({ clientSide: 'no' as never }), InvalidArgumentError, OPTION, 'clientSide must be a boolean, not the string "no"');
      expectError(() => new H2Configuration({ headerEncoding: 'ascii' as never }), InvalidArgumentError, OPTION, "headerEncoding must be 'latin1', 'utf-8' or null");
      expectError(() => new H2Configuration({ logger: {} as never }), InvalidArgumentError, OPTION, 'logger must have debug() and trace() methods');
      expectError(() => new H2Configuration({ clock: 5 as never }), InvalidArgumentError, OPTION, 'clock must be a function');
      expectError(() => new H2Configuration({ maxLocalErrorResets: '5' as never }), InvalidArgumentError, OPTION, 'maxLocalErrorResets must be a number, not the string "5"');
      expectError(() => new H2Configuration({ maxLocalErrorResets: 0 }), OutOfRangeError, RANGE, 'maxLocalErrorResets must be a positive number (Infinity disables), not 0');
      expectError(() => new H2Configuration({ glitchRateLimit: { burst: 0, perSecond: 1 } }), OutOfRangeError, RANGE, 'glitchRateLimit must be { burst > 0, perSecond >= 0 }');
      expect(thrown(() => new H2Configuration({ maxLocalErrorResets: 0 }))).to.be.instanceOf(RangeError);
    });

    it('accepts every documented option, undefined values and an H2Configuration', function () {
      const config = new H2Configuration({ clientSide: false, logger: null, clock: undefined, resetRateLimit: { burst: 5, perSecond: 1 } });
      expect(new H2Connection(config).config).to.equal(config);
    });
  });

  describe('options of the methods', function () {
    it('refuses unknown keys of sendHeaders, sendData, closeConnection, prioritize and advertiseAlternativeService options', function () {
      const { client, server } = connectedPair();
      expectError(() => client.sendHeaders(1, REQ, { end_stream: true } as never), InvalidArgumentError, OPTION, "sendHeaders: unknown option 'end_stream'; did you mean 'endStream'?");
      client.sendHeaders(1, REQ);
      expectError(() => client.sendData(1, body, { endstream: true } as never), InvalidArgumentError, OPTION, "sendData: unknown option 'endstream'; known options: endStream, padLength, zeroCopy");
      expectError(() => client.prioritize(1, { depends_on: 3 } as never), InvalidArgumentError, OPTION, "prioritize: unknown option 'depends_on'; did you mean 'dependsOn'?");
      expectError(() => server.closeConnection(0, { last_stream_id: 1 } as never), InvalidArgumentError, OPTION, "closeConnection: unknown option 'last_stream_id'; did you mean 'lastStreamId'?");
      expectError(() => server.advertiseAlternativeService('h2=":8000"', { stream_id: 1 } as never), InvalidArgumentError, OPTION, "did you mean 'streamId'?");
    });

    it("refuses h2's positional end_stream given where the options object goes", function () {
      const { client } = connectedPair();
      expectError(() => client.sendHeaders(1, REQ, true as never), InvalidArgumentError, OPTION, 'sendHeaders: options must be an object, not the boolean true');
      client.sendHeaders(1, REQ);
      expectError(() => client.sendData(1, body, true as never), InvalidArgumentError, OPTION, 'sendData: options must be an object, not the boolean true');
      // Nothing was sent: the stream is still open for DATA.
      client.sendData(1, body, { endStream: true });
    });

    it('refuses option values of the wrong type or out of range', function () {
      const { client, server } = connectedPair();
      client.sendHeaders(1, REQ);
      expectError(() => client.sendData(1, body, { padLength: '1' as never }), InvalidArgumentError, OPTION, 'padLength must be an integer, not the string "1"');
      expectError(() => client.sendData(1, body, { padLength: 256 }), OutOfRangeError, RANGE, 'padLength must be within range: [0, 255], not 256');
      expectError(() => server.closeConnection(0, { additionalData: 'bye' as never }), InvalidArgumentError, OPTION, 'additionalData must be a Uint8Array, not the string "bye"');
      expectError(() => server.advertiseAlternativeService('h2=":8000"', { origin: 'a', streamId: 1 }), InvalidArgumentError, OPTION, 'not both');
    });
  });

  describe('arguments', function () {
    it('names the argument and what was given', function () {
      const { client, server } = connectedPair();
      expectError(() => client.sendHeaders(1, 'GET /' as never), InvalidArgumentError, ARG, 'headers must be an iterable of [name, value] pairs, not the string "GET /"');
      expectError(() => client.sendHeaders(1, [[':method']] as never), InvalidArgumentError, ARG, 'headers must be [name, value] pairs, not an array of 1');
      expectError(() => client.sendHeaders(1, [[':method', 5]] as never), InvalidArgumentError, ARG, 'header names and values must be strings or Uint8Arrays, not the number 5');
      client.sendHeaders(1, REQ);
      expectError(() => client.sendData(1, 'x' as never), InvalidArgumentError, ARG, 'sendData: data must be a Uint8Array, not the string "x"');
      expectError(() => client.ping(12345678 as never), InvalidArgumentError, ARG, 'ping: opaqueData must be a Uint8Array of 8 octets, not the number 12345678');
      expectError(() => server.advertiseAlternativeService(5 as never, { origin: 'a' }), InvalidArgumentError, ARG, 'the field value must be a string or a Uint8Array');
      expectError(() => client.updateSettings(null as never), InvalidArgumentError, ARG, 'settings must be a Map or an object');
      expectError(() => client.updateSettings({ maxConcurrentStreams: 5 } as never), InvalidArgumentError, OPTION, '"maxConcurrentStreams" is not a setting code');
    });

    it('throws OutOfRangeError (a RangeError, as h2 raises ValueError) for numbers and sizes out of range', function () {
      const { client } = connectedPair();
      client.sendHeaders(1, REQ);
      expectError(() => client.ping(Buffer.from('1234567')), OutOfRangeError, RANGE, '7 octets, it must be 8');
      expectError(() => client.ping('12345678'), OutOfRangeError, RANGE, 'not a string');
      expectError(() => client.incrementFlowControlWindow(0), OutOfRangeError, RANGE, 'between 1 and 2147483647, not 0');
      expectError(() => client.acknowledgeReceivedData(10, 0), OutOfRangeError, RANGE, 'Stream ID 0 is not valid');
      expectError(() => client.acknowledgeReceivedData(-1, 1), OutOfRangeError, RANGE, 'Cannot acknowledge negative data: -1');
      expect(thrown(() => client.ping('12345678'))).to.be.instanceOf(RangeError);
    });

    it("keeps h2's InvalidSettingsValueError for a setting value out of its RFC range", function () {
      const { client } = connectedPair();
      const err = thrown(() => client.updateSettings({ [SettingCodes.INITIAL_WINDOW_SIZE]: 2 ** 31 }));
      expect(err).to.be.instanceOf(InvalidSettingsValueError).and.include({ code: 'ERR_H2_INVALID_SETTING_VALUE', errorCode: ErrorCodes.FLOW_CONTROL_ERROR });
    });
  });

  describe('actions the state does not allow (h2 classes, plain messages)', function () {
    it('names the stream state and what was wrong', function () {
      const { client } = connectedPair();
      client.sendHeaders(1, REQ, { endStream: true });
      expectError(
        () => client.sendData(1, body),
        ProtocolError,
        'ERR_H2_PROTOCOL',
        'Invalid input StreamInputs.SEND_DATA in state StreamState.HALF_CLOSED_LOCAL (stream 1): END_STREAM was already sent on this stream',
      );
    });

    it('names the connection state and what was wrong', function () {
      expectError(() => new H2Connection().endStream(1), ProtocolError, 'ERR_H2_PROTOCOL', 'Invalid input ConnectionInputs.SEND_DATA in state ConnectionState.IDLE: no stream is open yet');
      const { client } = connectedPair();
      client.sendHeaders(1, REQ);
      // A client's connection cannot send ALTSVC (only a server advertises).
      expectError(() => client.advertiseAlternativeService('h2=":8000"', { origin: 'a' }), ProtocolError, 'ERR_H2_PROTOCOL', 'SEND_ALTERNATIVE_SERVICE in state ConnectionState.CLIENT_OPEN: only a server sends it');
      expectError(() => client.ping(Buffer.from('12345678')), ProtocolError, 'ERR_H2_PROTOCOL', 'SEND_PING in state ConnectionState.CLOSED: the connection is closed');
    });

    it('says when a new stream is refused because of a GOAWAY (code ERR_H2_GOAWAY)', function () {
      const { client, server } = connectedPair();
      server.closeConnection();
      client.receiveData(server.dataToSend());
      expectError(() => client.sendHeaders(1, REQ), ProtocolError, 'ERR_H2_GOAWAY', 'Cannot open a new stream: the connection is going away');
    });

    it('carries the stable code of each h2 class', function () {
      const { client, server } = connectedPair();
      client.sendHeaders(3, REQ, { endStream: true });
      expectError(() => client.sendHeaders(1, REQ), StreamIDTooLowError, 'ERR_H2_STREAM_ID_TOO_LOW', '1 is lower than 3');
      expectError(() => client.sendData(5, body), NoSuchStreamError, 'ERR_H2_NO_SUCH_STREAM', 'no such stream: 5');
      server.receiveData(client.dataToSend());
      server.sendHeaders(3, [[':status', '204']], { endStream: true });
      client.receiveData(server.dataToSend());
      expect(client.openOutboundStreams).to.equal(0);
      expectError(() => client.sendData(3, body), StreamClosedError, 'ERR_H2_STREAM_CLOSED', 'stream 3 is closed');
      expectError(() => server.prioritize(3), RFC1122Error, 'ERR_H2_RFC1122', 'Servers SHOULD NOT prioritize streams.');

      client.sendHeaders(5, REQ);
      expectError(() => client.sendData(5, Buffer.alloc(65536)), FlowControlError, 'ERR_H2_FLOW_CONTROL', 'Cannot send 65536 bytes, flow control window is 65535');

      const limited = connectedPair();
      limited.server.updateSettings({ [SettingCodes.MAX_CONCURRENT_STREAMS]: 1 });
      limited.client.receiveData(limited.server.dataToSend());
      limited.client.sendHeaders(1, REQ);
      // The concurrency check is skipped below PRUNE_AT known streams unless the limit is lower.
      expectError(() => limited.client.sendHeaders(3, REQ), TooManyStreamsError, 'ERR_H2_TOO_MANY_STREAMS', 'Max outbound streams is 1, 1 open');

      client.highestOutboundStreamId = 2 ** 31 - 1;
      expectError(() => client.getNextAvailableStreamId(), NoAvailableStreamIDError, 'ERR_H2_NO_AVAILABLE_STREAM_ID', 'Exhausted allowed stream IDs');
    });

    it('refuses more PINGs than maxOutstandingPings awaiting their ACK (H2Error, ENHANCE_YOUR_CALM)', function () {
      const { client } = connectedPair({ maxOutstandingPings: 1 });
      client.ping(Buffer.from('12345678'));
      const err = thrown(() => client.ping(Buffer.from('87654321')));
      expect(err).to.be.instanceOf(H2Error).and.include({ code: 'ERR_H2_MAX_PENDING_PINGS', errorCode: ErrorCodes.ENHANCE_YOUR_CALM });
      expect(err.message).to.equal('Cannot send PING: 1 PINGs already await their ACK (maxOutstandingPings); wait for an ACK first');
    });

    it("keeps h2's text for a peer's invalid input, with the state by name", function () {
      const { server } = connectedPair();
      // DATA before any stream: a connection error (GOAWAY), not a misuse, so no hint.
      expectError(() => server.receiveData(rawFrame(0, 1, 1, '78')), ProtocolError, 'ERR_H2_PROTOCOL', /^Invalid input ConnectionInputs.RECV_DATA in state ConnectionState.IDLE$/);
    });
  });
});
