/**
 * ALTSVC (RFC 7838) both ways: the server advertises on stream 0 for an origin or on a
 * request's stream (origin = its :authority); the client reports AlternativeServiceAvailable.
 */
import { expect } from 'chai';
import { AlternativeServiceAvailable, H2Configuration, H2Connection, ProtocolError } from '../../../src/index.js';
import { rawFrame } from '../../helpers/bytes.js';
import { connectedPair, names, REQ } from '../../helpers/peers.js';

describe('H2Connection: ALTSVC', function () {
  it('carries an origin-scoped advertisement on stream 0', function () {
    const { client, server } = connectedPair();
    server.advertiseAlternativeService('h2=":8443"', { origin: 'example.com' });
    const bytes = server.dataToSend();
    // type 0xa, stream 0, origin length 11.
    expect(bytes.subarray(3, 9).toString('hex')).to.equal('0a0000000000');
    expect(bytes.readUInt16BE(9)).to.equal(11);
    const events = client.receiveData(bytes);
    expect(events).to.have.length(1);
    const ev = events[0] as AlternativeServiceAvailable;
    expect(ev).to.be.instanceOf(AlternativeServiceAvailable);
    expect(ev.origin?.toString()).to.equal('example.com');
    expect(ev.fieldValue.toString()).to.equal('h2=":8443"');
  });

  it('uses the request authority as the origin of a stream-scoped advertisement', function () {
    const { client, server } = connectedPair();
    client.sendHeaders(1, REQ, { endStream: true });
    server.receiveData(client.dataToSend());
    server.advertiseAlternativeService('h3=":443"', { streamId: 1 });
    const events = client.receiveData(server.dataToSend());
    const ev = events[0] as AlternativeServiceAvailable;
    expect(ev.origin?.toString()).to.equal('example.com');
    expect(ev.fieldValue.toString()).to.equal('h3=":443"');
  });

  it('rejects both origin and stream id, and clients advertising', function () {
    const { client, server } = connectedPair();
    expect(() => server.advertiseAlternativeService('x', { origin: 'a', streamId: 1 })).to.throw(TypeError);
    // As in h2, only the state machine stops a client: SEND_ALTERNATIVE_SERVICE is invalid once it is CLIENT_OPEN.
    client.sendHeaders(1, REQ, { endStream: true });
    expect(() => client.advertiseAlternativeService('x', { origin: 'a' })).to.throw(ProtocolError, 'SEND_ALTERNATIVE_SERVICE in state ConnectionState.CLIENT_OPEN');
  });

  it('ignores ALTSVC on stream 0 without an origin, and at a server', function () {
    const { client, server } = connectedPair();
    expect(client.receiveData(rawFrame(10, 0, 0, '0000 6832'))).to.deep.equal([]);
    expect(server.receiveData(rawFrame(10, 0, 0, '0001 61 6832'))).to.deep.equal([]);
  });

  it('ignores a stream-scoped ALTSVC with an origin or on an unknown stream', function () {
    const { client } = connectedPair();
    client.sendHeaders(1, REQ, { endStream: true });
    client.dataToSend();
    expect(client.receiveData(rawFrame(10, 0, 1, '0001 61 6832'))).to.deep.equal([]);
    expect(client.receiveData(rawFrame(10, 0, 9, '0000 6832'))).to.deep.equal([]);
  });

  it('opens the connection in the client role when the first frame is ALTSVC (h2, strictPreface: false)', function () {
    const c = new H2Connection(new H2Configuration({ clientSide: true, strictPreface: false }));
    c.initiateConnection();
    c.dataToSend();
    expect(names(c.receiveData(rawFrame(10, 0, 0, '0001 61 6832')))).to.deep.equal(['AlternativeServiceAvailable']);
  });
});
