/**
 * ALTSVC (RFC 7838) on the Node layer, as node:http2 has it: a server's `session.altsvc(alt,
 * originOrStream)` with node's argument checks and codes, and a client's `'altsvc'` (alt,
 * origin, streamId). Over createPair, and against node:http2 both ways over TCP.
 */
import http2 from 'node:http2';
import type net from 'node:net';
import { expect } from 'chai';
import { ConnectionClosedError, connect, createPair, createServer, type H2Duplex, InvalidArgumentError, OutOfRangeError, UsageError } from '../../src/index.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The next `'altsvc'` of `session` (node's or ours): its arguments. */
function nextAltsvc(session: { once(event: 'altsvc', listener: (alt: string, origin: string, streamId: number) => void): unknown }): Promise<[string, string, number]> {
  return new Promise((resolve) => {
    session.once('altsvc', (alt, origin, streamId) => {
      resolve([alt, origin, streamId]);
    });
  });
}

async function listening(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

describe('Node layer: ALTSVC (session.altsvc(), the altsvc event)', function () {
  this.timeout(10_000);

  it('a server advertises for an origin on stream 0 and on an open stream; the client hears both', async function () {
    const { client, server } = createPair();
    const served = new Promise<number>((resolve) => {
      server.on('stream', (stream) => {
        // Before the response: the stream is open.
        server.altsvc('h2=":8443"; ma=60', stream.id);
        stream.respond({ ':status': 200 });
        stream.end();
        resolve(stream.id);
      });
    });
    await tick();
    const onOrigin = nextAltsvc(client);
    server.altsvc('h2="alt.example:443"', 'https://example.com/some/path');
    expect(await onOrigin).to.deep.equal(['h2="alt.example:443"', 'https://example.com', 0]);
    // A URL and an object with an origin are taken as node takes them.
    const onUrl = nextAltsvc(client);
    server.altsvc('clear', new URL('https://a.example:8443/x'));
    expect(await onUrl).to.deep.equal(['clear', 'https://a.example:8443', 0]);
    const onStream = nextAltsvc(client);
    const req = client.request({ ':path': '/', ':scheme': 'https', ':authority': 'example.com' });
    req.resume();
    const id = await served;
    expect(await onStream).to.deep.equal(['h2=":8443"; ma=60', '', id]);
    client.destroy();
    server.destroy();
  });

  it("refuses what node's altsvc() refuses, with a code", function () {
    const { client, server } = createPair();
    const code = (f: () => void): unknown => {
      try {
        f();
      } catch (err) {
        return [(err as Error).constructor, (err as { code?: unknown }).code];
      }
      return 'no error';
    };
    expect(code(() => server.altsvc('h2=":1"', 'not a url'))).to.deep.equal([InvalidArgumentError, 'ERR_H2_ALTSVC_INVALID_ORIGIN']);
    expect(code(() => server.altsvc('h2=":1"', 'data:text/plain,x'))).to.deep.equal([InvalidArgumentError, 'ERR_H2_ALTSVC_INVALID_ORIGIN']);
    expect(code(() => server.altsvc('h2=":1"', { origin: '' }))).to.deep.equal([InvalidArgumentError, 'ERR_H2_ALTSVC_INVALID_ORIGIN']);
    expect(code(() => server.altsvc('h2=":1"', {} as never))).to.deep.equal([InvalidArgumentError, 'ERR_H2_INVALID_ARG']);
    expect(code(() => server.altsvc('h2=":1"', 0))).to.deep.equal([OutOfRangeError, 'ERR_H2_OUT_OF_RANGE']);
    expect(code(() => server.altsvc('h2=":1"', 2 ** 32))).to.deep.equal([OutOfRangeError, 'ERR_H2_OUT_OF_RANGE']);
    expect(code(() => server.altsvc(42 as never, 'https://a.example'))).to.deep.equal([InvalidArgumentError, 'ERR_H2_INVALID_ARG']);
    expect(code(() => server.altsvc('h2="a\\b"', 'https://a.example'))).to.deep.equal([InvalidArgumentError, 'ERR_H2_INVALID_CHAR']);
    expect(code(() => server.altsvc('x'.repeat(16_383), 'https://a.example'))).to.deep.equal([InvalidArgumentError, 'ERR_H2_ALTSVC_LENGTH']);
    expect(code(() => client.altsvc('h2=":1"', 'https://a.example'))).to.deep.equal([UsageError, 'ERR_H2_WRONG_SIDE']);
    // A stream that is not open: the core's answer, typed, at once.
    expect((code(() => server.altsvc('h2=":1"', 7)) as unknown[])[1]).to.be.a('string').and.match(/^ERR_H2_/);
    server.destroy();
    expect(code(() => server.altsvc('h2=":1"', 'https://a.example'))).to.deep.equal([ConnectionClosedError, 'ERR_H2_CONNECTION_CLOSED']);
    client.destroy();
  });

  it('node:http2 clients hear our server; our client hears a node:http2 server (TCP)', async function () {
    const ours = createServer();
    ours.on('session', (session: H2Duplex) => {
      session.altsvc('h2=":9443"', 'http://127.0.0.1');
    });
    const port = await listening(ours);
    const nodeClient = http2.connect(`http://127.0.0.1:${port}`);
    expect(await nextAltsvc(nodeClient)).to.deep.equal(['h2=":9443"', 'http://127.0.0.1', 0]);
    nodeClient.close();
    await new Promise((resolve) => ours.close(resolve));

    const theirs = http2.createServer();
    theirs.on('session', (session) => {
      session.altsvc('h3=":443"', 'https://b.example');
    });
    const theirPort = await listening(theirs);
    const client = connect(`http://127.0.0.1:${theirPort}`);
    expect(await nextAltsvc(client)).to.deep.equal(['h3=":443"', 'https://b.example', 0]);
    await client.close();
    await new Promise((resolve) => theirs.close(resolve));
  });
});
