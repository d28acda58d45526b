/**
 * h2c upgrade (RFC 7540 §3.2; RFC 9113 §3.1): the client's HTTP2-Settings value, the server
 * applying it, and stream 1 half-closed on both sides so only the response travels on it.
 */
import { expect } from 'chai';
import {
  H2Configuration,
  H2Connection,
  ProtocolError,
  SettingCodes,
} from '../../../src/index.js';
import { decodeHttp2Settings } from '../../../src/core/upgrade.js';
import { names } from '../../helpers/peers.js';

function upgraded() {
  const client = new H2Connection(new H2Configuration({ clientSide: true }));
  const server = new H2Connection(new H2Configuration({ clientSide: false }));
  client.updateSettings({ [SettingCodes.INITIAL_WINDOW_SIZE]: 100000 });
  client.dataToSend();
  const header = client.initiateUpgradeConnection();
  expect(header).to.be.a('string');
  server.initiateUpgradeConnection(header ?? '');
  return { client, server, header: header ?? '' };
}

describe('H2Connection: h2c upgrade', function () {
  it('encodes the client settings as base64url without a preface frame of their own', function () {
    const { header } = upgraded();
    expect(header).to.match(/^[A-Za-z0-9_-]+=*$/);
    const settings = new Map(decodeHttp2Settings(header));
    expect(settings.get(SettingCodes.ENABLE_PUSH)).to.equal(1);
    expect(settings.has(SettingCodes.MAX_CONCURRENT_STREAMS)).to.equal(true);
  });

  it('applies HTTP2-Settings on the server as received settings, without an ACK or event', function () {
    const { server } = upgraded();
    expect(server.remoteSettings.enablePush).to.equal(1);
    expect(server.remoteSettings.maxConcurrentStreams).to.equal(100);
    // Only the server preface SETTINGS is queued: no SETTINGS ACK for HTTP2-Settings.
    const out = server.dataToSend();
    expect(out[3]).to.equal(4);
    expect(out[4]).to.equal(0);
    expect(out.length).to.equal(9 + out.readUIntBE(0, 3));
  });

  it('half-closes stream 1: the server answers on it, the client cannot send on it', function () {
    const { client, server } = upgraded();
    server.receiveData(client.dataToSend());
    client.receiveData(server.dataToSend());
    expect(server.highestInboundStreamId).to.equal(1);
    expect(client.highestOutboundStreamId).to.equal(1);
    expect(client.getNextAvailableStreamId()).to.equal(3);
    server.sendHeaders(1, [[':status', '200']]);
    server.sendData(1, Buffer.from('upgraded'), { endStream: true });
    const events = client.receiveData(server.dataToSend());
    expect(names(events)).to.deep.equal(['ResponseReceived', 'DataReceived', 'StreamEnded']);
    expect(client.openOutboundStreams).to.equal(0);
  });

  it('refuses DATA from the client on stream 1 (the request went as HTTP/1.1)', function () {
    const { client } = upgraded();
    // As in h2, the invalid transition also closes the stream.
    expect(() => client.sendData(1, Buffer.from('x'))).to.throw(ProtocolError);
  });

  it('rejects an HTTP2-Settings value that is not a SETTINGS payload', function () {
    const server = new H2Connection(new H2Configuration({ clientSide: false }));
    expect(() => server.initiateUpgradeConnection('AAMAAABk!')).to.throw(ProtocolError);
    const other = new H2Connection(new H2Configuration({ clientSide: false }));
    expect(() => other.initiateUpgradeConnection('AAMAAA')).to.throw(ProtocolError, 'not a multiple of 6');
  });

  it('validates the values inside HTTP2-Settings', function () {
    const server = new H2Connection(new H2Configuration({ clientSide: false }));
    // MAX_FRAME_SIZE = 100 (below 16384).
    const bad = Buffer.from('000500000064', 'hex').toString('base64url');
    expect(() => server.initiateUpgradeConnection(bad)).to.throw(ProtocolError);
  });
});
