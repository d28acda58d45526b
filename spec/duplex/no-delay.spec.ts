/**
 * TCP_NODELAY on the sockets an H2Duplex is piped to and from, as node:http2 sets it: small
 * frames (WINDOW_UPDATE, ACKs) must not wait for Nagle's algorithm.
 */
import net from 'node:net';
import { expect } from 'chai';
import sinon from 'sinon';
import { H2Duplex } from '../../src/index.js';

/** A connected TCP socket pair on 127.0.0.1, closed by `stop`. */
async function sockets(): Promise<{ client: net.Socket; accepted: net.Socket; stop: () => void }> {
  const server = net.createServer();
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise((resolve) => client.once('connect', resolve));
  const other = await accepted;
  return {
    client,
    accepted: other,
    stop: () => {
      client.destroy();
      other.destroy();
      server.close();
    },
  };
}

describe('H2Duplex: TCP_NODELAY', function () {
  it('sets it on a net.Socket piped in and out (socket.pipe(h2).pipe(socket))', async function () {
    const { client, stop } = await sockets();
    const spy = sinon.spy(client, 'setNoDelay');
    const h2 = new H2Duplex();
    client.pipe(h2).pipe(client);
    expect(spy.callCount).to.equal(2);
    expect(spy.alwaysCalledWith(true)).to.equal(true);
    h2.destroy();
    stop();
  });

  it('leaves the socket alone with noDelay: false', async function () {
    const { client, stop } = await sockets();
    const spy = sinon.spy(client, 'setNoDelay');
    const h2 = new H2Duplex({ noDelay: false });
    client.pipe(h2).pipe(client);
    expect(spy.callCount).to.equal(0);
    h2.destroy();
    stop();
  });
});
