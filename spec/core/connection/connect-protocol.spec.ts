/**
 * Extended CONNECT (RFC 8441): `:protocol` only with CONNECT, only once the server has sent
 * SETTINGS_ENABLE_CONNECT_PROTOCOL = 1, and the setting cannot go back to 0.
 */
import { expect } from 'chai';
import { ErrorCodes, ProtocolError, RequestReceived, SettingCodes } from '../../../src/index.js';
import { rawFrame } from '../../helpers/bytes.js';
import { connectedPair, names } from '../../helpers/peers.js';

const WEBSOCKET: Array<[string, string]> = [
  [':method', 'CONNECT'],
  [':protocol', 'websocket'],
  [':scheme', 'https'],
  [':path', '/chat'],
  [':authority', 'example.com'],
];

function enabled() {
  const pair = connectedPair();
  pair.server.updateSettings({ [SettingCodes.ENABLE_CONNECT_PROTOCOL]: 1 });
  pair.client.receiveData(pair.server.dataToSend());
  pair.server.receiveData(pair.client.dataToSend());
  return pair;
}

describe('H2Connection: extended CONNECT (RFC 8441)', function () {
  it('carries :protocol once the server enabled it', function () {
    const { client, server } = enabled();
    expect(client.remoteSettings.enableConnectProtocol).to.equal(1);
    client.sendHeaders(1, WEBSOCKET);
    const events = server.receiveData(client.dataToSend());
    expect(names(events)).to.deep.equal(['RequestReceived']);
    expect((events[0] as RequestReceived).headers).to.deep.include([':protocol', 'websocket']);
  });

  it('refuses to send :protocol before the server enabled it', function () {
    const { client } = connectedPair();
    expect(() => client.sendHeaders(1, WEBSOCKET)).to.throw(ProtocolError, 'extended CONNECT');
    // Not a connection error: a plain request still works.
    client.sendHeaders(1, [[':method', 'CONNECT'], [':authority', 'example.com:443']]);
  });

  it('resets a stream whose request carries :protocol without the setting', function () {
    const { client } = enabled();
    // The client believes it is enabled, but this server never sent it.
    const other = connectedPair().server;
    client.sendHeaders(1, WEBSOCKET);
    const bytes = client.dataToSend();
    const events = other.receiveData(bytes);
    expect(names(events)).to.deep.equal(['StreamReset']);
    expect(events[0]).to.deep.include({ streamId: 1, errorCode: ErrorCodes.PROTOCOL_ERROR });
    expect(other.dataToSend().toString('hex')).to.equal('00000403000000000100000001');
  });

  it('rejects :protocol with a method other than CONNECT', function () {
    const { client } = enabled();
    expect(() => client.sendHeaders(1, [[':method', 'GET'], [':protocol', 'websocket'], [':scheme', 'https'], [':path', '/'], [':authority', 'a']])).to.throw(ProtocolError, ':protocol is only allowed with CONNECT');
  });

  it('requires plain CONNECT to have neither :scheme nor :path', function () {
    const { client } = connectedPair();
    expect(() => client.sendHeaders(1, [[':method', 'CONNECT'], [':scheme', 'https'], [':authority', 'a:1']])).to.throw(ProtocolError, 'CONNECT request must not have :scheme or :path');
  });

  it('treats a server withdrawing the setting as a connection error', function () {
    const { client } = enabled();
    expect(() => client.receiveData(rawFrame(4, 0, 0, '0008 00000000'))).to.throw(ProtocolError, 'from 1 to 0');
    expect(client.dataToSend().toString('hex')).to.equal('0000080700000000000000000000000001');
  });

  it('rejects a setting value other than 0 or 1', function () {
    const { client } = connectedPair();
    expect(() => client.receiveData(rawFrame(4, 0, 0, '0008 00000002'))).to.throw(ProtocolError);
  });
});
