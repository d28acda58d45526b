/**
 * SETTINGS_MAX_CONCURRENT_STREAMS both ways: ours limits what the peer may open (excess
 * streams are refused with RST_STREAM(REFUSED_STREAM), RFC 9113 §5.1.2), the peer's limits
 * what we may open (TooManyStreamsError, as in h2).
 */
import { expect } from 'chai';
import { ErrorCodes, SettingCodes, TooManyStreamsError } from '../../../src/index.js';
import { limitedServer, names, REQ } from '../../helpers/peers.js';

describe('H2Connection: concurrent stream limits', function () {
  it('refuses a stream over our limit with REFUSED_STREAM and keeps HPACK in sync', function () {
    const { client, server } = limitedServer(2);
    // The client ignores the limit (it could have sent these before seeing our SETTINGS).
    client.remoteSettings.set(SettingCodes.MAX_CONCURRENT_STREAMS, 1000);
    client.remoteSettings.acknowledge();
    for (const id of [1, 3, 5]) client.sendHeaders(id, REQ);
    const events = server.receiveData(client.dataToSend());
    expect(names(events)).to.deep.equal(['RequestReceived', 'RequestReceived']);
    expect(server.dataToSend().toString('hex')).to.equal('00000403000000000500000007');
    // DATA that was already on its way for the refused stream is answered, not a connection error.
    client.sendData(5, Buffer.from('late'));
    expect(names(server.receiveData(client.dataToSend()))).to.deep.equal([]);
    // Once a stream finishes, a new request decodes fine (the refused block was decoded too).
    client.sendData(1, Buffer.alloc(0), { endStream: true });
    server.receiveData(client.dataToSend());
    server.sendHeaders(1, [[':status', '204']], { endStream: true });
    client.receiveData(server.dataToSend());
    client.sendHeaders(7, REQ, { endStream: true });
    const later = server.receiveData(client.dataToSend());
    expect(names(later)).to.deep.equal(['RequestReceived', 'StreamEnded']);
    expect(later[0]).to.deep.include({ streamId: 7 });
  });

  it('reports the refusal to the client as a StreamReset it may retry', function () {
    const { client, server } = limitedServer(1);
    client.remoteSettings.set(SettingCodes.MAX_CONCURRENT_STREAMS, 1000);
    client.remoteSettings.acknowledge();
    client.sendHeaders(1, REQ);
    client.sendHeaders(3, REQ);
    server.receiveData(client.dataToSend());
    const events = client.receiveData(server.dataToSend());
    expect(names(events)).to.deep.equal(['StreamReset']);
    expect(events[0]).to.deep.include({ streamId: 3, errorCode: ErrorCodes.REFUSED_STREAM, remoteReset: true });
  });

  it('does not let us open more streams than the peer allows (h2)', function () {
    const { client } = limitedServer(2);
    client.sendHeaders(1, REQ);
    client.sendHeaders(3, REQ);
    expect(() => client.sendHeaders(5, REQ)).to.throw(TooManyStreamsError, 'Max outbound streams is 2, 2 open');
  });
});
