/**
 * The h2c start on its own (upgrade-start.ts): real cores, the HTTP2-Settings value the client
 * makes taken by the server, stream 1 as the upgraded request.
 */
import { expect } from 'chai';
import { H2Connection, InvalidArgumentError, RequestReceived, StreamEnded } from '../../src/index.js';
import { startClientUpgrade, startServerUpgrade } from '../../src/duplex/upgrade-start.js';

describe('upgrade-start', function () {
  it('starts a client with the HTTP2-Settings value for its HTTP/1.1 request', function () {
    const client = new H2Connection({ clientSide: true });
    const settings = startClientUpgrade(client, true);
    expect(settings).to.be.a('string').and.match(/^[A-Za-z0-9_-]*$/);
  });

  it("gives the server the upgraded request as stream 1's request, ended, with latin1 strings", function () {
    const settings = startClientUpgrade(new H2Connection({ clientSide: true }), true) ?? '';
    const server = new H2Connection({ clientSide: false });
    const request: Array<[string, Uint8Array | string]> = [[':method', 'GET'], [':path', '/'], ['x-name', Buffer.from('caf\xe9', 'latin1')]];
    const events = startServerUpgrade(server, { settings, request });
    expect(events).to.have.length(2);
    const [received, ended] = events;
    expect(received).to.be.instanceOf(RequestReceived);
    expect(ended).to.be.instanceOf(StreamEnded);
    expect((received as RequestReceived).streamId).to.equal(1);
    expect((received as RequestReceived).streamEnded).to.equal(ended);
    expect((received as RequestReceived).headers).to.deep.equal([[':method', 'GET'], [':path', '/'], ['x-name', 'caf\xe9']]);
  });

  it('refuses the option of the other side with ERR_H2_INVALID_OPTION', function () {
    const client = new H2Connection({ clientSide: true });
    const server = new H2Connection({ clientSide: false });
    expect(() => startClientUpgrade(client, { settings: '', request: [] })).to.throw(InvalidArgumentError).with.property('code', 'ERR_H2_INVALID_OPTION');
    expect(() => startServerUpgrade(server, true)).to.throw(InvalidArgumentError).with.property('code', 'ERR_H2_INVALID_OPTION');
  });
});
