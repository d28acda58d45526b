/**
 * examples/server.ts: its exchanges over TCP (`npm start`'s server on port 0) and again over
 * createPair with 1-byte and random delivery, so partial frames are exercised everywhere.
 */
import type net from 'node:net';
import { expect } from 'chai';
import { fetchOnce } from '../../examples/client.js';
import { handleStream, startServer } from '../../examples/server.js';
import { createPair, type EventHeaders } from '../../src/index.js';
import { asObject, collect } from '../helpers/streams.js';

type Exchange = { method: string; path: string; body?: string; status: number; expect: (body: Buffer) => void };

const EXCHANGES: Exchange[] = [
  { method: 'GET', path: '/', status: 200, expect: (b) => expect(b.toString()).to.equal('Hello from h2duplex over HTTP/2!\n') },
  { method: 'GET', path: '/bytes/70000', status: 200, expect: (b) => expect(b.length === 70000 && b.every((c) => c === 0x78)).to.equal(true) },
  { method: 'POST', path: '/echo', body: 'echo this body', status: 200, expect: (b) => expect(b.toString()).to.equal('echo this body') },
  { method: 'GET', path: '/missing', status: 404, expect: (b) => expect(b.toString()).to.equal('not found\n') },
];

describe('examples/server', function () {
  this.timeout(30_000);

  describe('over TCP (as npm start runs it)', function () {
    let server: net.Server;
    let base: string;
    before(async function () {
      server = await startServer(0);
      base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    });
    after(function () {
      server.close();
    });
    for (const x of EXCHANGES) {
      it(`${x.method} ${x.path}`, async function () {
        const r = await fetchOnce(`${base}${x.path}`, { method: x.method, body: x.body });
        expect(r.status).to.equal(x.status);
        x.expect(r.body);
      });
    }
  });

  for (const chunkSize of [1, 'random'] as const) {
    describe(`over createPair, ${chunkSize === 1 ? '1-byte' : 'random'} chunks`, function () {
      for (const x of EXCHANGES) {
        it(`${x.method} ${x.path}`, async function () {
          const { client, server } = createPair({ chunkSize });
          server.on('stream', handleStream);
          const req = client.request([[':method', x.method], [':scheme', 'http'], [':authority', 'pair'], [':path', x.path]], { endStream: x.body === undefined });
          const response = new Promise<EventHeaders>((resolve) => req.once('response', resolve));
          if (x.body !== undefined) req.end(x.body);
          const body = await collect(req);
          expect(Number(asObject(await response)[':status'])).to.equal(x.status);
          x.expect(body);
          await client.close();
        });
      }
    });
  }
});
