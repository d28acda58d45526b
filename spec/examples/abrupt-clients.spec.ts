/**
 * Every example that runs a server, run as its users run it (its own process, `PORT=0`), meets
 * clients that reset the TCP connection (an RST, `resetAndDestroy()`) in the middle of the
 * preface, after it, inside a header block, inside a request body, while the response is
 * being written, and after cancelling a request (RST_STREAM); over TLS also in the middle of
 * the TLS handshake, and for the h2c server in the middle of the HTTP/1.1 upgrade. After each one the process
 * must still be running and answer a new request (a socket 'error' without a listener, or one
 * that pipe() rethrows, would have ended it).
 */
import net from 'node:net';
import { expect } from 'chai';
import type { WebSocket } from 'ws';
import { fetchOnce } from '../../examples/client.js';
import { hasOpenssl } from '../../examples/self-signed.js';
import { connectWebSocket } from '../../examples/websocket.js';
import { H2Duplex } from '../../src/index.js';
import { ABRUPT_STAGE_TITLES, ABRUPT_STAGES, type AbruptStage, abruptClient, defaultRequest, H2C_ABRUPT_STAGE_TITLES, H2C_ABRUPT_STAGES, h2cAbruptClient, tlsMidHandshakeClient } from '../helpers/abrupt-clients.js';
import { type ExampleProcess, startExport, startProgram } from '../helpers/example-process.js';

/** How many times each abrupt client comes (races differ from one to the next). */
const REPEAT = 3;

interface Target {
  name: string;
  tls?: boolean;
  /** It also takes HTTP/1.1 requests that upgrade to h2c. */
  h2c?: boolean;
  skip?: string;
  start: () => Promise<ExampleProcess[]>;
  request?: (stage: AbruptStage) => Array<[string, string]>;
  /** A new, well-behaved request; resolves once it was answered as the example answers it. */
  fresh: (url: string) => Promise<void>;
}

/** examples/server.ts's routes: a long download for mid-response, the echo for mid-body. */
function serverRequest(stage: AbruptStage): Array<[string, string]> {
  const [method, path] = stage === 'mid-body' ? ['POST', '/echo'] : stage === 'mid-response' ? ['GET', '/bytes/100000000'] : ['GET', '/'];
  return [
    [':method', method],
    [':scheme', 'http'],
    [':authority', '127.0.0.1'],
    [':path', path],
  ];
}

async function fetchHello(url: string): Promise<void> {
  const r = await fetchOnce(`${url}/`, { insecure: true });
  expect(r.status).to.equal(200);
  expect(r.body.toString()).to.equal('Hello from h2duplex over HTTP/2!\n');
}

const TARGETS: Target[] = [
  {
    name: 'examples/server.ts (npm start)',
    start: async () => [await startProgram('examples/server.ts')],
    request: serverRequest,
    fresh: fetchHello,
  },
  {
    name: 'examples/tls-server.ts',
    tls: true,
    ...(hasOpenssl() ? {} : { skip: 'openssl is not installed (apt-get install openssl)' }),
    start: async () => [await startProgram('examples/tls-server.ts')],
    request: serverRequest,
    fresh: fetchHello,
  },
  {
    name: 'examples/h2c-server.ts',
    h2c: true,
    start: async () => [await startProgram('examples/h2c-server.ts')],
    request: serverRequest,
    fresh: fetchHello,
  },
  {
    name: 'examples/proxy.ts',
    start: async () => {
      const origin = await startProgram('examples/server.ts');
      try {
        return [await startProgram('examples/proxy.ts', { env: { UPSTREAM: origin.url } }), origin];
      } catch (err) {
        await origin.stop();
        throw err;
      }
    },
    request: serverRequest,
    fresh: async (url) => {
      const r = await fetchOnce(`${url}/bytes/100000`);
      expect(r.status).to.equal(200);
      expect(r.body.length).to.equal(100000);
    },
  },
  {
    name: 'examples/websocket.ts (startWebSocketEchoServer)',
    start: async () => [await startExport('examples/websocket.ts', 'startWebSocketEchoServer')],
    request: (stage) =>
      stage === 'mid-body' || stage === 'mid-response'
        ? [
            [':method', 'CONNECT'],
            [':protocol', 'websocket'],
            [':scheme', 'http'],
            [':path', '/echo'],
            [':authority', '127.0.0.1'],
            ['sec-websocket-version', '13'],
          ]
        : defaultRequest(stage),
    fresh: async (url) => {
      const { port } = new URL(url);
      const socket = net.connect(Number(port), '127.0.0.1');
      socket.on('error', () => undefined);
      const h2 = new H2Duplex();
      socket.pipe(h2).pipe(socket);
      try {
        const ws: WebSocket = await connectWebSocket(h2, `127.0.0.1:${port}`, '/echo');
        const echoed = new Promise<string>((resolve, reject) => {
          ws.once('message', (data: Buffer) => resolve(data.toString()));
          ws.once('error', reject);
        });
        ws.send('still there?');
        expect(await echoed).to.equal('still there?');
        ws.close(1000);
      } finally {
        h2.destroy();
        socket.destroy();
      }
    },
  },
];

describe('example servers survive clients that reset the connection, and keep serving', function () {
  this.timeout(60_000);

  for (const target of TARGETS) {
    describe(target.name, function () {
      if (target.skip !== undefined) {
        it.skip(`skipped: ${target.skip}`);
        return;
      }
      let processes: ExampleProcess[] = [];
      let server: ExampleProcess;

      before(async function () {
        processes = await target.start();
        server = processes[0] as ExampleProcess;
      });

      after(async function () {
        await Promise.all(processes.map((p) => p.stop()));
      });

      /** The process is running and answers a new request; its output is shown if not. */
      async function stillServing(): Promise<void> {
        try {
          await target.fresh(server.url);
        } catch (err) {
          throw new Error(`no answer after the abrupt client (process ${server.alive() ? 'running' : 'gone'}): ${String(err)}\n${server.output()}`);
        }
        for (const p of processes) expect(p.alive(), `${target.name} exited:\n${p.output()}`).to.equal(true);
      }

      it('answers a request before any abrupt client', async function () {
        await stillServing();
      });

      if (target.tls === true) {
        it('survives clients that reset in the middle of the TLS handshake', async function () {
          for (let i = 0; i < REPEAT; i++) await tlsMidHandshakeClient(server.port);
          await stillServing();
        });
      }

      if (target.h2c === true) {
        for (const stage of H2C_ABRUPT_STAGES) {
          it(`survives h2c clients that reset ${H2C_ABRUPT_STAGE_TITLES[stage]}`, async function () {
            for (let i = 0; i < REPEAT; i++) await h2cAbruptClient(server.port, stage, '/bytes/100000000');
            await stillServing();
          });
        }
      }

      for (const stage of ABRUPT_STAGES) {
        it(`survives clients that reset ${ABRUPT_STAGE_TITLES[stage]}${target.tls === true ? ' (over TLS)' : ''}`, async function () {
          for (let i = 0; i < REPEAT; i++) await abruptClient({ port: server.port, tls: target.tls === true, ...(target.request === undefined ? {} : { request: target.request }) }, stage);
          await stillServing();
        });
      }
    });
  }
});
