/**
 * Extensible priorities (RFC 9218): the client's PRIORITY_UPDATE frames (§7.1) reported by the
 * server as PriorityUpdateReceived, with every connection error of §7.1; the `priority` field
 * value read as §4 says; SETTINGS_NO_RFC7540_PRIORITIES (§2.1) validated, fixed after the first
 * SETTINGS, and honoured by sending no RFC 7540 priority signals to a peer that sent 1.
 */
import { expect } from 'chai';
import {
  ErrorCodes,
  H2Configuration,
  H2Connection,
  InvalidArgumentError,
  InvalidSettingsValueError,
  OutOfRangeError,
  parsePriorityField,
  PriorityUpdated,
  PriorityUpdateReceived,
  ProtocolError,
  RemoteSettingsChanged,
  SettingCodes,
  serializePriority,
  UsageError,
} from '../../../src/index.js';
import { checkPriority, DEFAULT_PRIORITY, resolvePriority } from '../../../src/core/extensible-priority.js';
import { encodeHttp2Settings } from '../../../src/core/upgrade.js';
import { HeadersFrame, PriorityFrame, PriorityUpdateFrame } from '../../../src/frame/index.js';
import { rawFrame } from '../../helpers/bytes.js';
import { framesIn } from '../../helpers/frame-factory.js';
import { connectedPair, limitedServer, names, REQ } from '../../helpers/peers.js';

const ascii = (s: string) => Buffer.from(s, 'latin1').toString('hex');

/** A PRIORITY_UPDATE for `id` as a client would send it (raw, so any id can be named). */
function priorityUpdate(id: number, fieldValue = 'u=1'): Buffer {
  return rawFrame(0x10, 0, 0, id.toString(16).padStart(8, '0') + ascii(fieldValue));
}

/** GOAWAY with `lastStreamId` and `code`, no debug data. */
function goaway(lastStreamId: number, code: ErrorCodes): string {
  return '000008070000000000' + lastStreamId.toString(16).padStart(8, '0') + code.toString(16).padStart(8, '0');
}

/** A pair whose server sent SETTINGS_NO_RFC7540_PRIORITIES = 1 in its first SETTINGS frame. */
function deprecatingServer() {
  const client = new H2Connection(new H2Configuration({ clientSide: true }));
  const server = new H2Connection(new H2Configuration({ clientSide: false }));
  // In force before initiateConnection(), so the preface SETTINGS carries it (RFC 9218 §2.1: "in the first SETTINGS frame").
  server.localSettings.set(SettingCodes.NO_RFC7540_PRIORITIES, 1);
  server.localSettings.acknowledge();
  client.initiateConnection();
  server.initiateConnection();
  server.receiveData(client.dataToSend());
  const serverPreface = server.dataToSend();
  client.receiveData(serverPreface);
  server.receiveData(client.dataToSend());
  return { client, server, serverPreface };
}

describe('H2Connection: extensible priorities (RFC 9218)', function () {
  describe('PRIORITY_UPDATE (§7.1)', function () {
    it('sends the frame on stream 0 and the server reports the field value, urgency and incremental', function () {
      const { client, server } = connectedPair();
      client.sendPriorityUpdate(1, 'u=0, i');
      const bytes = client.dataToSend();
      expect(bytes.toString('hex')).to.equal('00000a1000000000000000000' + '1' + ascii('u=0, i'));
      const events = server.receiveData(bytes);
      expect(events).to.have.length(1);
      expect(events[0]).to.be.instanceOf(PriorityUpdateReceived).and.deep.include({ streamId: 1, fieldValue: 'u=0, i', urgency: 0, incremental: true });
      expect((events[0] as PriorityUpdateReceived).eventName).to.equal('PriorityUpdateReceived');
      expect(server.dataToSend().length, 'nothing answered').to.equal(0);
    });

    it('takes the field value as octets too', function () {
      const { client, server } = connectedPair();
      client.sendPriorityUpdate(3, Buffer.from('u=5'));
      const bytes = client.dataToSend();
      expect(bytes.toString('hex')).to.equal('000007100000000000' + '00000003' + ascii('u=5'));
      expect(server.receiveData(bytes)[0]).to.deep.include({ streamId: 3, fieldValue: 'u=5', urgency: 5, incremental: false });
    });

    it('reprioritizes an open stream and a half-closed (remote) one', function () {
      const { client, server } = connectedPair();
      client.sendHeaders(1, REQ, { endStream: false });
      client.sendHeaders(3, REQ, { endStream: true });
      server.receiveData(client.dataToSend());
      client.sendPriorityUpdate(1, 'u=7');
      client.sendPriorityUpdate(3, 'i');
      const events = server.receiveData(client.dataToSend());
      expect(names(events)).to.deep.equal(['PriorityUpdateReceived', 'PriorityUpdateReceived']);
      expect(events[0]).to.deep.include({ streamId: 1, urgency: 7, incremental: false });
      expect(events[1]).to.deep.include({ streamId: 3, urgency: 3, incremental: true });
    });

    it('prioritizes an idle stream, which then opens as usual', function () {
      const { client, server } = connectedPair();
      client.sendPriorityUpdate(1, 'u=2');
      const events = server.receiveData(client.dataToSend());
      expect(events[0]).to.deep.include({ streamId: 1, urgency: 2 });
      client.sendHeaders(1, REQ, { endStream: true });
      const opened = server.receiveData(client.dataToSend());
      expect(names(opened)).to.deep.equal(['RequestReceived', 'StreamEnded']);
      expect(opened[0]).to.deep.include({ streamId: 1 });
      server.sendHeaders(1, [[':status', '200']], { endStream: true });
      expect(names(client.receiveData(server.dataToSend()))).to.deep.equal(['ResponseReceived', 'StreamEnded']);
    });

    it('reports a field value it cannot parse with the default priority', function () {
      const { server } = connectedPair();
      const events = server.receiveData(priorityUpdate(1, ';;;'));
      expect(events[0]).to.deep.include({ streamId: 1, fieldValue: ';;;', urgency: 3, incremental: false });
    });

    it('reads the prioritized stream id without its reserved bit', function () {
      const { server } = connectedPair();
      expect(server.receiveData(rawFrame(0x10, 0, 0, '80000001' + ascii('u=4')))[0]).to.deep.include({ streamId: 1, urgency: 4 });
    });

    describe('the bound of idle streams prioritized plus active streams (SETTINGS_MAX_CONCURRENT_STREAMS)', function () {
      it('accepts idle streams up to the limit, counts a repeat once, and answers one more with GOAWAY(PROTOCOL_ERROR)', function () {
        const { server } = limitedServer(2);
        expect(names(server.receiveData(priorityUpdate(1)))).to.deep.equal(['PriorityUpdateReceived']);
        expect(names(server.receiveData(priorityUpdate(3)))).to.deep.equal(['PriorityUpdateReceived']);
        expect(names(server.receiveData(priorityUpdate(3, 'u=6'))), 'stream 3 again').to.deep.equal(['PriorityUpdateReceived']);
        expect(() => server.receiveData(priorityUpdate(5))).to.throw(ProtocolError, 'PRIORITY_UPDATE for idle stream 5').with.property('errorCode', ErrorCodes.PROTOCOL_ERROR);
        expect(server.dataToSend().toString('hex')).to.equal(goaway(0, ErrorCodes.PROTOCOL_ERROR));
      });

      it('counts open and half-closed streams with the idle ones', function () {
        const { client, server } = limitedServer(2);
        client.sendHeaders(1, REQ, { endStream: true });
        server.receiveData(client.dataToSend());
        expect(names(server.receiveData(priorityUpdate(3)))).to.deep.equal(['PriorityUpdateReceived']);
        expect(() => server.receiveData(priorityUpdate(5))).to.throw(ProtocolError, 'over SETTINGS_MAX_CONCURRENT_STREAMS 2');
        expect(server.dataToSend().toString('hex')).to.equal(goaway(1, ErrorCodes.PROTOCOL_ERROR));
      });

      it('frees the slot of a stream that closes', function () {
        const { client, server } = limitedServer(1);
        client.sendHeaders(1, REQ, { endStream: true });
        server.receiveData(client.dataToSend());
        server.sendHeaders(1, [[':status', '204']], { endStream: true });
        client.receiveData(server.dataToSend());
        expect(names(server.receiveData(priorityUpdate(3)))).to.deep.equal(['PriorityUpdateReceived']);
      });

      it('forgets idle streams a higher stream id passed (they are closed, RFC 9113 §5.1.1)', function () {
        const { client, server } = limitedServer(2);
        server.receiveData(Buffer.concat([priorityUpdate(1), priorityUpdate(3)]));
        client.sendHeaders(5, REQ, { endStream: true });
        expect(names(server.receiveData(client.dataToSend()))).to.deep.equal(['RequestReceived', 'StreamEnded']);
        // 1 and 3 are closed now: dropped, and no longer counted (stream 5 is the one active stream).
        expect(server.receiveData(priorityUpdate(1))).to.deep.equal([]);
        expect(names(server.receiveData(priorityUpdate(7)))).to.deep.equal(['PriorityUpdateReceived']);
        expect(() => server.receiveData(priorityUpdate(9))).to.throw(ProtocolError);
      });

      it('moves a prioritized idle stream to the active count when it opens (no double count)', function () {
        const { client, server } = limitedServer(2);
        server.receiveData(Buffer.concat([priorityUpdate(1), priorityUpdate(3)]));
        client.sendHeaders(1, REQ, { endStream: false });
        expect(names(server.receiveData(client.dataToSend()))).to.deep.equal(['RequestReceived']);
        // Active {1} + idle {3} = 2: stream 3 again is fine, a third stream is not.
        expect(names(server.receiveData(priorityUpdate(3)))).to.deep.equal(['PriorityUpdateReceived']);
        expect(() => server.receiveData(priorityUpdate(5))).to.throw(ProtocolError);
      });
    });

    it('drops a PRIORITY_UPDATE for a closed stream: no event, nothing sent, the connection goes on', function () {
      const { client, server } = connectedPair();
      client.sendHeaders(1, REQ, { endStream: true });
      server.receiveData(client.dataToSend());
      server.sendHeaders(1, [[':status', '200']], { endStream: true });
      client.receiveData(server.dataToSend());
      client.sendPriorityUpdate(1, 'u=0');
      expect(server.receiveData(client.dataToSend())).to.deep.equal([]);
      expect(server.dataToSend().length).to.equal(0);
      client.sendHeaders(3, REQ, { endStream: true });
      expect(names(server.receiveData(client.dataToSend()))).to.deep.equal(['RequestReceived', 'StreamEnded']);
    });

    it('drops a PRIORITY_UPDATE for a stream id skipped over (implicitly closed)', function () {
      const { client, server } = connectedPair();
      client.sendHeaders(5, REQ, { endStream: true });
      server.receiveData(client.dataToSend());
      expect(server.receiveData(priorityUpdate(3))).to.deep.equal([]);
      expect(server.dataToSend().length).to.equal(0);
    });

    describe('push streams', function () {
      function requested() {
        const pair = connectedPair();
        pair.client.sendHeaders(1, REQ, { endStream: true });
        pair.server.receiveData(pair.client.dataToSend());
        return pair;
      }

      it('reports a PRIORITY_UPDATE for a promised (reserved) push stream', function () {
        const { client, server } = requested();
        server.pushStream(1, 2, REQ);
        client.receiveData(server.dataToSend());
        client.sendPriorityUpdate(2, 'u=6, i');
        expect(server.receiveData(client.dataToSend())[0]).to.deep.include({ streamId: 2, urgency: 6, incremental: true });
      });

      it('answers a push stream never promised (idle) with GOAWAY(PROTOCOL_ERROR)', function () {
        const { client, server } = requested();
        server.pushStream(1, 2, REQ);
        client.receiveData(server.dataToSend());
        client.sendPriorityUpdate(4, 'u=1');
        expect(() => server.receiveData(client.dataToSend())).to.throw(ProtocolError, 'push stream 4, which was never promised');
        expect(server.dataToSend().toString('hex')).to.equal(goaway(1, ErrorCodes.PROTOCOL_ERROR));
      });

      it('answers an even stream id on a connection that never pushed with GOAWAY(PROTOCOL_ERROR)', function () {
        const { server } = connectedPair();
        expect(() => server.receiveData(priorityUpdate(2))).to.throw(ProtocolError).with.property('errorCode', ErrorCodes.PROTOCOL_ERROR);
        expect(server.dataToSend().toString('hex')).to.equal(goaway(0, ErrorCodes.PROTOCOL_ERROR));
      });

      it('drops a PRIORITY_UPDATE for a push stream that has closed', function () {
        const { client, server } = requested();
        server.pushStream(1, 2, REQ);
        server.sendHeaders(2, [[':status', '200']], { endStream: true });
        client.receiveData(server.dataToSend());
        expect(server.receiveData(priorityUpdate(2))).to.deep.equal([]);
        expect(server.dataToSend().length).to.equal(0);
      });

      it('drops a push id a later promise skipped over (closed, not idle: RFC 9113 §5.1.1)', function () {
        const { client, server } = requested();
        server.pushStream(1, 4, REQ);
        client.receiveData(server.dataToSend());
        expect(server.receiveData(priorityUpdate(2))).to.deep.equal([]);
        expect(names(server.receiveData(priorityUpdate(4)))).to.deep.equal(['PriorityUpdateReceived']);
      });
    });

    describe('connection errors', function () {
      it('answers a PRIORITY_UPDATE on stream 1 with GOAWAY(PROTOCOL_ERROR)', function () {
        const { server } = connectedPair();
        expect(() => server.receiveData(rawFrame(0x10, 0, 1, '00000001' + ascii('u=1')))).to.throw(ProtocolError, 'PRIORITY_UPDATE frame on stream 1');
        expect(server.dataToSend().toString('hex')).to.equal(goaway(0, ErrorCodes.PROTOCOL_ERROR));
      });

      it('answers prioritized stream 0 with GOAWAY(PROTOCOL_ERROR)', function () {
        const { server } = connectedPair();
        expect(() => server.receiveData(priorityUpdate(0))).to.throw(ProtocolError, 'PRIORITY_UPDATE for stream 0');
        expect(server.dataToSend().toString('hex')).to.equal(goaway(0, ErrorCodes.PROTOCOL_ERROR));
      });

      it('answers a payload shorter than 4 octets with GOAWAY(FRAME_SIZE_ERROR)', function () {
        const { server } = connectedPair();
        expect(() => server.receiveData(rawFrame(0x10, 0, 0, '000001'))).to.throw(ProtocolError).with.property('errorCode', ErrorCodes.FRAME_SIZE_ERROR);
        expect(server.dataToSend().toString('hex')).to.equal(goaway(0, ErrorCodes.FRAME_SIZE_ERROR));
      });

      it('answers a PRIORITY_UPDATE inside a header block with GOAWAY(PROTOCOL_ERROR) (RFC 9113 §6.10)', function () {
        const { client, server } = connectedPair();
        client.sendHeaders(1, REQ, { endStream: true });
        const headers = client.dataToSend();
        headers[4] = 0x1; // END_STREAM without END_HEADERS
        server.receiveData(headers);
        expect(() => server.receiveData(priorityUpdate(1))).to.throw(ProtocolError, 'expected CONTINUATION');
        expect(server.dataToSend().toString('hex')).to.equal(goaway(0, ErrorCodes.PROTOCOL_ERROR));
      });

      it('makes a client that receives PRIORITY_UPDATE answer GOAWAY(PROTOCOL_ERROR)', function () {
        const { client, server } = connectedPair();
        client.sendHeaders(1, REQ, { endStream: true });
        server.receiveData(client.dataToSend());
        client.dataToSend();
        expect(() => client.receiveData(priorityUpdate(1))).to.throw(ProtocolError, 'Received PRIORITY_UPDATE: only clients send it');
        expect(client.dataToSend().toString('hex')).to.equal(goaway(0, ErrorCodes.PROTOCOL_ERROR));
      });
    });

    describe('sendPriorityUpdate() arguments', function () {
      it('refuses to send from a server (UsageError ERR_H2_WRONG_SIDE) and queues nothing', function () {
        const { server } = connectedPair();
        expect(() => server.sendPriorityUpdate(1, 'u=1')).to.throw(UsageError, 'only a client sends PRIORITY_UPDATE').with.property('code', 'ERR_H2_WRONG_SIDE');
        expect(server.dataToSend().length).to.equal(0);
      });

      it('refuses stream ids outside 1..2^31-1 and field values that are not strings or octets', function () {
        const { client } = connectedPair();
        for (const id of [0, -1, 1.5, 2 ** 31, NaN]) {
          expect(() => client.sendPriorityUpdate(id, 'u=1'), String(id)).to.throw(InvalidArgumentError, 'the stream id must be an integer 1..2^31-1').with.property('code', 'ERR_H2_INVALID_ARG');
        }
        expect(() => client.sendPriorityUpdate(1, 5 as unknown as string)).to.throw(InvalidArgumentError, 'the field value must be a string or a Uint8Array');
        expect(() => client.sendPriorityUpdate(1, null as unknown as string)).to.throw(InvalidArgumentError);
        expect(client.dataToSend().length).to.equal(0);
        client.sendPriorityUpdate(2 ** 31 - 1, '');
        expect(client.dataToSend().toString('hex')).to.equal('000004100000000000' + '7fffffff');
      });

      it('refuses to send on a closed connection (ProtocolError)', function () {
        const { client } = connectedPair();
        client.closeConnection(ErrorCodes.PROTOCOL_ERROR);
        client.dataToSend();
        expect(() => client.sendPriorityUpdate(1, 'u=1')).to.throw(ProtocolError, 'SEND_PRIORITY_UPDATE in state ConnectionState.CLOSED');
        expect(client.dataToSend().length).to.equal(0);
      });
    });
  });

  describe('the priority field value (§4)', function () {
    const FIELDS: Array<{ value: string; urgency: number; incremental: boolean; why: string }> = [
      { value: 'u=0, i', urgency: 0, incremental: true, why: 'both parameters' },
      { value: 'u=7', urgency: 7, incremental: false, why: 'the least urgent' },
      { value: 'u=9', urgency: 3, incremental: false, why: 'an urgency out of range is ignored' },
      { value: 'u=-1', urgency: 3, incremental: false, why: 'a negative urgency is ignored' },
      { value: 'u=1.5', urgency: 3, incremental: false, why: 'a decimal urgency is ignored' },
      { value: 'u="1"', urgency: 3, incremental: false, why: 'a string urgency is ignored' },
      { value: 'i', urgency: 3, incremental: true, why: 'a bare boolean member is true' },
      { value: 'i=?1', urgency: 3, incremental: true, why: 'an explicit true' },
      { value: 'i=?0', urgency: 3, incremental: false, why: 'an explicit false' },
      { value: 'u=2, i=1', urgency: 2, incremental: false, why: 'an integer incremental is ignored, urgency kept' },
      { value: ';;;', urgency: 3, incremental: false, why: 'not a dictionary: the whole value is ignored' },
      { value: 'U=1', urgency: 3, incremental: false, why: 'upper-case keys are not Structured Fields keys' },
      { value: '', urgency: 3, incremental: false, why: 'the empty value is the default' },
      { value: 'u=2, x=5, foo="bar", i', urgency: 2, incremental: true, why: 'unknown members are ignored' },
      { value: 'u=2;a=1', urgency: 2, incremental: false, why: 'parameters on a member are ignored' },
      { value: 'u=1, u=5', urgency: 5, incremental: false, why: 'a repeated key: the last one wins (RFC 8941 §4.2.2)' },
    ];
    for (const f of FIELDS) {
      it(`reads ${JSON.stringify(f.value)} as u=${f.urgency}, i=${f.incremental} (${f.why})`, function () {
        expect(parsePriorityField(f.value)).to.deep.equal({ urgency: f.urgency, incremental: f.incremental });
      });
    }

    it('reads octets as well as strings', function () {
      expect(parsePriorityField(new Uint8Array(Buffer.from('xx u=4, i', 'latin1')).subarray(3))).to.deep.equal({ urgency: 4, incremental: true });
    });

    it('serializes a priority with its urgency always written and i only when true, and reads it back', function () {
      expect(serializePriority({})).to.equal('u=3');
      expect(serializePriority({ urgency: 3, incremental: false })).to.equal('u=3');
      expect(serializePriority({ urgency: 1, incremental: true })).to.equal('u=1, i');
      expect(serializePriority({ incremental: true })).to.equal('u=3, i');
      expect(serializePriority({ urgency: 5 })).to.equal('u=5');
      for (let urgency = 0; urgency <= 7; urgency++) {
        for (const incremental of [false, true]) {
          expect(parsePriorityField(serializePriority({ urgency, incremental }))).to.deep.equal({ urgency, incremental });
        }
      }
    });

    it('checks priorities given by the application', function () {
      expect(() => checkPriority({ urgency: 8 })).to.throw(OutOfRangeError, 'integer 0..7');
      expect(() => serializePriority({ urgency: 1.5 })).to.throw(OutOfRangeError);
      expect(() => serializePriority({ urgency: -1 })).to.throw(OutOfRangeError);
      expect(() => checkPriority({ incremental: 'yes' as unknown as boolean })).to.throw(InvalidArgumentError, 'must be a boolean');
      expect(() => checkPriority(null as unknown as object)).to.throw(InvalidArgumentError, 'is an object');
      expect(resolvePriority({})).to.equal(DEFAULT_PRIORITY);
      expect(resolvePriority({ urgency: 0 })).to.deep.equal({ urgency: 0, incremental: false });
    });
  });

  describe('SETTINGS_NO_RFC7540_PRIORITIES (§2.1)', function () {
    it('is setting 0x9', function () {
      expect(SettingCodes.NO_RFC7540_PRIORITIES).to.equal(9);
    });

    it('answers a value other than 0 or 1 with GOAWAY(PROTOCOL_ERROR)', function () {
      const { server } = connectedPair();
      expect(() => server.receiveData(rawFrame(4, 0, 0, '0009 00000002'))).to.throw(InvalidSettingsValueError).with.property('errorCode', ErrorCodes.PROTOCOL_ERROR);
      expect(server.dataToSend().toString('hex')).to.equal(goaway(0, ErrorCodes.PROTOCOL_ERROR));
    });

    it('accepts 1 in the first SETTINGS frame', function () {
      const c = new H2Connection(new H2Configuration({ clientSide: true }));
      c.initiateConnection();
      c.dataToSend();
      const events = c.receiveData(rawFrame(4, 0, 0, '0009 00000001'));
      expect(names(events)).to.deep.equal(['RemoteSettingsChanged']);
      expect((events[0] as RemoteSettingsChanged).changedSettings.get(SettingCodes.NO_RFC7540_PRIORITIES)).to.deep.include({ originalValue: null, newValue: 1 });
      expect(c.remoteSettings.noRfc7540Priorities).to.equal(1);
      expect(c.dataToSend().toString('hex'), 'SETTINGS ACK').to.equal('000000040100000000');
    });

    it('answers a 1 after a first SETTINGS without it with GOAWAY(PROTOCOL_ERROR): a change from the initial 0', function () {
      const { client } = connectedPair();
      expect(() => client.receiveData(rawFrame(4, 0, 0, '0009 00000001'))).to.throw(ProtocolError, 'SETTINGS_NO_RFC7540_PRIORITIES changed from 0 to 1 after the first SETTINGS');
      expect(client.dataToSend().toString('hex')).to.equal(goaway(0, ErrorCodes.PROTOCOL_ERROR));
    });

    it('refuses to send it in a SETTINGS frame after the first (updateSettings), before anything is queued', function () {
      const { server } = connectedPair();
      expect(() => server.updateSettings({ [SettingCodes.NO_RFC7540_PRIORITIES]: 1 })).to.throw(InvalidSettingsValueError, 'first SETTINGS frame only').with.property('code', 'ERR_H2_INVALID_SETTING_VALUE');
      expect(server.dataToSend().length).to.equal(0);
      expect(server.outstandingSettings).to.equal(0);
      server.updateSettings({ [SettingCodes.NO_RFC7540_PRIORITIES]: 0 }); // the value in force: no change
    });

    it('answers a change from 1 to 0 with GOAWAY(PROTOCOL_ERROR)', function () {
      const { client } = deprecatingServer();
      expect(() => client.receiveData(rawFrame(4, 0, 0, '0009 00000000'))).to.throw(ProtocolError, 'changed from 1 to 0');
      expect(client.dataToSend().toString('hex')).to.equal(goaway(0, ErrorCodes.PROTOCOL_ERROR));
    });

    it('accepts the same value again in a later SETTINGS', function () {
      const { client } = deprecatingServer();
      expect(names(client.receiveData(rawFrame(4, 0, 0, '0009 00000001')))).to.deep.equal(['RemoteSettingsChanged']);
      const other = connectedPair();
      expect(names(other.server.receiveData(rawFrame(4, 0, 0, '0009 00000000'))), '0 after it was absent').to.deep.equal(['RemoteSettingsChanged']);
      expect(other.server.dataToSend().toString('hex')).to.equal('000000040100000000');
    });

    it('answers a SETTINGS frame that changes the value HTTP2-Settings gave on an h2c upgrade', function () {
      // RFC 7540 §3.2.1: HTTP2-Settings is interpreted as any other SETTINGS frame, so it is the first.
      const server = new H2Connection(new H2Configuration({ clientSide: false }));
      server.initiateUpgradeConnection(encodeHttp2Settings([[SettingCodes.NO_RFC7540_PRIORITIES, 1]]));
      server.dataToSend();
      expect(server.remoteSettings.noRfc7540Priorities).to.equal(1);
      const preface = Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), rawFrame(4, 0, 0, '0009 00000000')]);
      expect(() => server.receiveData(preface)).to.throw(ProtocolError, 'changed from 1 to 0');
    });

    describe('to a peer that sent 1', function () {
      it('carries the setting in the server preface SETTINGS', function () {
        const { client, serverPreface } = deprecatingServer();
        const settings = framesIn(serverPreface)[0];
        expect(settings?.type).to.equal(0x4);
        expect(serverPreface.subarray(9, 9 + serverPreface.readUIntBE(0, 3)).toString('hex')).to.contain('000900000001');
        expect(client.remoteSettings.noRfc7540Priorities).to.equal(1);
      });

      it('sends no PRIORITY frame for prioritize() (but still checks its arguments)', function () {
        const { client, server } = deprecatingServer();
        client.prioritize(1, { weight: 32, dependsOn: 0, exclusive: true });
        expect(client.dataToSend().length).to.equal(0);
        expect(() => client.prioritize(3, { dependsOn: 3 })).to.throw(ProtocolError, 'must not depend on itself');
        expect(() => client.prioritize(3, { weight: 0 })).to.throw(ProtocolError, 'Weight must be between 1 and 256');
        expect(server.receiveData(client.dataToSend())).to.deep.equal([]);
      });

      it('sends HEADERS without the PRIORITY flag or priority fields', function () {
        const { client, server } = deprecatingServer();
        client.sendHeaders(1, REQ, { endStream: true, priorityWeight: 256, priorityDependsOn: 0, priorityExclusive: true });
        const bytes = client.dataToSend();
        const frames = framesIn(bytes);
        expect(frames).to.have.length(1);
        const headers = frames[0] as HeadersFrame;
        expect(headers).to.be.instanceOf(HeadersFrame);
        expect(headers.priority).to.equal(null);
        expect(bytes[4]! & 0x20, 'PRIORITY flag').to.equal(0);
        const events = server.receiveData(bytes);
        expect(names(events)).to.deep.equal(['RequestReceived', 'StreamEnded']);
        expect(events.some((e) => e instanceof PriorityUpdated)).to.equal(false);
      });

      it('still sends PRIORITY_UPDATE, the signal that replaces them', function () {
        const { client, server } = deprecatingServer();
        client.sendPriorityUpdate(1, 'u=1, i');
        const frames = framesIn(client.dataToSend());
        expect(frames[0]).to.be.instanceOf(PriorityUpdateFrame);
        client.sendPriorityUpdate(1, 'u=1, i');
        expect(server.receiveData(client.dataToSend())[0]).to.deep.include({ streamId: 1, urgency: 1, incremental: true });
      });

      it('sends RFC 7540 signals to a peer that did not send it (the control case)', function () {
        const { client } = connectedPair();
        expect(client.remoteSettings.noRfc7540Priorities).to.equal(0);
        client.prioritize(1, { weight: 32 });
        expect(framesIn(client.dataToSend())[0]).to.be.instanceOf(PriorityFrame);
        client.sendHeaders(1, REQ, { endStream: true, priorityWeight: 16 });
        // The frame keeps the wire value, weight - 1 (RFC 9113 §6.2).
        expect((framesIn(client.dataToSend())[0] as HeadersFrame).priority).to.deep.include({ weight: 15 });
      });
    });
  });
});
