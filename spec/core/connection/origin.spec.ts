/**
 * ORIGIN (RFC 8336): the server lists the origins it is authoritative for on stream 0; the
 * client reports OriginReceived. A non-critical extension: servers ignore the frame, and
 * clients ignore it on another stream or when its entries are malformed (§2.1), without error.
 */
import { expect } from 'chai';
import { ErrorCodes, H2Configuration, H2Connection, InvalidArgumentError, OriginReceived, ProtocolError, UsageError } from '../../../src/index.js';
import { OriginFrame } from '../../../src/frame/index.js';
import { rawFrame } from '../../helpers/bytes.js';
import { framesIn } from '../../helpers/frame-factory.js';
import { connectedPair, names, REQ } from '../../helpers/peers.js';

const ascii = (s: string) => Buffer.from(s, 'latin1').toString('hex');

/** An ORIGIN payload: each origin as a 16-bit length and its octets. */
function entries(...origins: string[]): string {
  return origins.map((o) => o.length.toString(16).padStart(4, '0') + ascii(o)).join('');
}

describe('H2Connection: ORIGIN (RFC 8336)', function () {
  it('sends the origins on stream 0 and the client reports them in order', function () {
    const { client, server } = connectedPair();
    server.sendOrigin(['https://a.example', 'https://b.example:8443']);
    const bytes = server.dataToSend();
    expect(bytes.toString('hex')).to.equal('00002b0c0000000000' + entries('https://a.example', 'https://b.example:8443'));
    const events = client.receiveData(bytes);
    expect(events).to.have.length(1);
    const ev = events[0] as OriginReceived;
    expect(ev).to.be.instanceOf(OriginReceived);
    expect(ev.eventName).to.equal('OriginReceived');
    expect(ev.origins).to.deep.equal(['https://a.example', 'https://b.example:8443']);
    expect(client.dataToSend().length, 'nothing answered').to.equal(0);
  });

  it('takes any iterable of origins, and an empty list (an empty frame)', function () {
    const { client, server } = connectedPair();
    server.sendOrigin(new Set(['https://example.com']));
    server.sendOrigin([]);
    const bytes = server.dataToSend();
    expect(bytes.toString('hex')).to.equal('0000150c0000000000' + entries('https://example.com') + '0000000c0000000000');
    const events = client.receiveData(bytes);
    expect(names(events)).to.deep.equal(['OriginReceived', 'OriginReceived']);
    expect((events[1] as OriginReceived).origins).to.deep.equal([]);
  });

  it('may be the first thing a server sends after its SETTINGS (before any request)', function () {
    const server = new H2Connection(new H2Configuration({ clientSide: false }));
    server.initiateConnection();
    server.sendOrigin(['https://example.com']);
    const frames = framesIn(server.dataToSend());
    expect(frames.map((f) => f.type)).to.deep.equal([0x4, 0xc]);
    expect((frames[1] as OriginFrame).origins).to.deep.equal(['https://example.com']);
  });

  it('reports an ORIGIN that arrives with the server SETTINGS on a fresh client', function () {
    const client = new H2Connection(new H2Configuration({ clientSide: true }));
    client.initiateConnection();
    client.dataToSend();
    const events = client.receiveData(Buffer.concat([rawFrame(4, 0, 0), rawFrame(0xc, 0, 0, entries('https://x.example'))]));
    expect(names(events)).to.deep.equal(['RemoteSettingsChanged', 'OriginReceived']);
    expect((events[1] as OriginReceived).origins).to.deep.equal(['https://x.example']);
  });

  it('ignores unknown flags on a client', function () {
    const { client } = connectedPair();
    const events = client.receiveData(rawFrame(0xc, 0xff, 0, entries('https://a.example')));
    expect((events[0] as OriginReceived).origins).to.deep.equal(['https://a.example']);
  });

  describe('frames that are ignored (§2.1): no event, nothing sent, the connection goes on', function () {
    function stillServes(client: H2Connection, server: H2Connection): void {
      client.sendHeaders(1, REQ, { endStream: true });
      expect(names(server.receiveData(client.dataToSend()))).to.deep.equal(['RequestReceived', 'StreamEnded']);
      server.sendHeaders(1, [[':status', '200']], { endStream: true });
      expect(names(client.receiveData(server.dataToSend()))).to.deep.equal(['ResponseReceived', 'StreamEnded']);
    }

    it('at a server', function () {
      const { client, server } = connectedPair();
      expect(server.receiveData(rawFrame(0xc, 0, 0, entries('https://a.example')))).to.deep.equal([]);
      expect(server.dataToSend().length).to.equal(0);
      stillServes(client, server);
    });

    it('at a client, on a stream other than 0 (open or not)', function () {
      const { client, server } = connectedPair();
      expect(client.receiveData(rawFrame(0xc, 0, 1, entries('https://a.example')))).to.deep.equal([]);
      expect(client.receiveData(rawFrame(0xc, 0, 2, entries('https://a.example')))).to.deep.equal([]);
      expect(client.dataToSend().length).to.equal(0);
      client.sendHeaders(1, REQ, { endStream: false });
      server.receiveData(client.dataToSend());
      expect(client.receiveData(rawFrame(0xc, 0, 1, entries('https://a.example'))), 'on the open stream 1').to.deep.equal([]);
      expect(client.dataToSend().length).to.equal(0);
    });

    const MALFORMED: Array<{ what: string; payload: string }> = [
      { what: 'an entry longer than the payload', payload: '0005' + ascii('ab') },
      { what: 'a well-formed entry followed by a truncated one', payload: entries('https://a.example') + '0009' + ascii('abc') },
      { what: 'a lone octet after the entries', payload: entries('https://a.example') + '00' },
    ];
    for (const m of MALFORMED) {
      it(`at a client, with ${m.what} (the whole frame, well-formed entries included)`, function () {
        const { client, server } = connectedPair();
        expect(client.receiveData(rawFrame(0xc, 0, 0, m.payload))).to.deep.equal([]);
        expect(client.dataToSend().length).to.equal(0);
        stillServes(client, server);
      });
    }
  });

  it('is a connection error inside a header block, like any frame but CONTINUATION (RFC 9113 §6.10)', function () {
    const { client, server } = connectedPair();
    client.sendHeaders(1, REQ, { endStream: true });
    const headers = client.dataToSend();
    headers[4] = 0x1; // END_STREAM without END_HEADERS
    server.receiveData(headers);
    expect(() => server.receiveData(rawFrame(0xc, 0, 0, entries('https://a.example')))).to.throw(ProtocolError, 'expected CONTINUATION');
    expect(server.dataToSend().toString('hex')).to.equal('0000080700000000000000000000000001');
  });

  describe('sendOrigin() arguments', function () {
    it('refuses to send from a client (UsageError ERR_H2_WRONG_SIDE) and queues nothing', function () {
      const { client } = connectedPair();
      expect(() => client.sendOrigin(['https://a.example'])).to.throw(UsageError, 'only a server sends ORIGIN').with.property('code', 'ERR_H2_WRONG_SIDE');
      expect(client.dataToSend().length).to.equal(0);
    });

    it('refuses origins that are not non-empty visible-ASCII strings (ERR_H2_INVALID_ORIGIN)', function () {
      const { server } = connectedPair();
      for (const bad of ['', 'https://\u00e4.example', 'https://a b', 'https://a.example\n', 7, null, undefined]) {
        expect(() => server.sendOrigin(['https://ok.example', bad as string]), String(bad)).to.throw(InvalidArgumentError, 'each origin must be a non-empty ASCII serialization').with.property('code', 'ERR_H2_INVALID_ORIGIN');
      }
      expect(server.dataToSend().length, 'no partial frame').to.equal(0);
    });

    it('refuses a list that is not an iterable (ERR_H2_INVALID_ARG)', function () {
      const { server } = connectedPair();
      for (const bad of ['https://a.example', null, 5, { origin: 'https://a.example' }]) {
        expect(() => server.sendOrigin(bad as unknown as string[]), JSON.stringify(bad)).to.throw(InvalidArgumentError, 'origins must be an array of strings').with.property('code', 'ERR_H2_INVALID_ARG');
      }
    });

    it('fits the origins in one frame at the default SETTINGS_MAX_FRAME_SIZE, and refuses more (ERR_H2_ORIGIN_LENGTH)', function () {
      const { client, server } = connectedPair();
      // 2 octets of length + 16382 of origin = 16384, the largest payload.
      server.sendOrigin(['x'.repeat(16382)]);
      const bytes = server.dataToSend();
      expect(bytes.readUIntBE(0, 3)).to.equal(16384);
      expect((client.receiveData(bytes)[0] as OriginReceived).origins[0]).to.have.length(16382);
      expect(() => server.sendOrigin(['x'.repeat(16383)])).to.throw(InvalidArgumentError, 'the origins take 16385 octets').with.property('code', 'ERR_H2_ORIGIN_LENGTH');
      // The 2-octet length of each entry counts too: 4000 x 'abc' is 12000 octets of origins but 20000 of payload.
      expect(() => server.sendOrigin(Array.from({ length: 4000 }, () => 'abc'))).to.throw(InvalidArgumentError, 'the origins take 20000 octets').with.property('code', 'ERR_H2_ORIGIN_LENGTH');
      expect(server.dataToSend().length).to.equal(0);
      server.sendOrigin(Array.from({ length: 3276 }, () => 'abc'));
      expect(server.dataToSend().readUIntBE(0, 3)).to.equal(16380);
    });

    it('refuses to send on a closed connection (ProtocolError), but still sends while draining after a graceful GOAWAY', function () {
      const graceful = connectedPair();
      graceful.server.closeConnection();
      graceful.server.dataToSend();
      graceful.server.sendOrigin(['https://a.example']);
      expect(framesIn(graceful.server.dataToSend())[0]).to.be.instanceOf(OriginFrame);
      const { server } = connectedPair();
      server.closeConnection(ErrorCodes.INTERNAL_ERROR);
      server.dataToSend();
      expect(() => server.sendOrigin(['https://a.example'])).to.throw(ProtocolError, 'SEND_ORIGIN in state ConnectionState.CLOSED');
      expect(server.dataToSend().length).to.equal(0);
    });
  });
});
