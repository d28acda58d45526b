/**
 * Drop-in: node's documented HTTP/2 examples (spec/dropin/programs/) run unchanged but for
 * their import line, once on node:http2 and once on h2duplex. Every server meets every client
 * both ways (node ⇄ node as the baseline, ours ⇄ node, node ⇄ ours, ours ⇄ ours), and each
 * server also meets curl and nghttp. Each program runs in its own process and stops by itself:
 * a server after its one request, a client after its response.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { expect } from 'chai';
import { hasOpenssl, selfSignedCertificate } from '../../examples/self-signed.js';
import { type ExampleProcess, runProgram, startProgram } from '../helpers/example-process.js';
import { REPO_ROOT } from '../helpers/shared.js';
import { commandPath, hasCommand, run } from '../helpers/tools.js';
import { generateVariants, type Impl, importLine, PROGRAM_DIR, type Variants } from './variants.js';

/** One server program, the client program that talks to it, and what each peer must see. */
interface Pair {
  title: string;
  server: string;
  client: string;
  tls: boolean;
  /** Lines the client program prints. */
  clientSees: string[];
  /** Substrings of `curl -i` output (`-k --http2` over TLS, `--http2-prior-knowledge` else). */
  curlSees: string[];
  /** Substrings of `nghttp -v` output. */
  nghttpSees: string[];
}

const PAIRS: Pair[] = [
  {
    title: 'core API server (createSecureServer, stream.respond) and client (connect, request)',
    server: 'core-server',
    client: 'client',
    tls: true,
    clientSees: [':status: 200', 'content-type: text/html; charset=utf-8', '\n<h1>Hello World</h1>\n'],
    curlSees: ['HTTP/2 200', 'content-type: text/html; charset=utf-8', '\r\n\r\n<h1>Hello World</h1>'],
    nghttpSees: ['recv (stream_id=13) :status: 200', 'recv (stream_id=13) content-type: text/html; charset=utf-8', '<h1>Hello World</h1>'],
  },
  {
    title: 'compatibility API server (createServer((req, res) => …))',
    server: 'compat-server',
    client: 'client',
    tls: false,
    clientSees: [':status: 200', 'content-type: text/plain; charset=utf-8', 'x-foo: bar', '\nok\n'],
    curlSees: ['HTTP/2 200', 'content-type: text/plain; charset=utf-8', 'x-foo: bar', '\r\n\r\nok'],
    nghttpSees: ['recv (stream_id=13) :status: 200', 'recv (stream_id=13) x-foo: bar', 'ok'],
  },
  {
    title: 'trailers (respond with waitForTrailers, wantTrailers, sendTrailers)',
    server: 'trailers-server',
    client: 'client',
    tls: false,
    clientSees: [':status: 200', 'trailer abc: some value to send', '\nsome data\n'],
    // curl -i writes trailers after the body.
    curlSees: ['HTTP/2 200', 'some dataabc: some value to send'],
    nghttpSees: ['recv (stream_id=13) :status: 200', 'some data', 'recv (stream_id=13) abc: some value to send', 'flags=0x05, stream_id=13>\n          ; END_STREAM | END_HEADERS'],
  },
  {
    title: 'server push (stream.pushStream) and a client of pushed streams',
    server: 'push-server',
    client: 'push-client',
    tls: false,
    clientSees: [':status: 200', 'pushed /pushed: 200', 'pushed data: some pushed data', 'data: some data'],
    // curl disables push (SETTINGS_ENABLE_PUSH 0): the program checks stream.pushAllowed.
    curlSees: ['HTTP/2 200', '\r\n\r\nsome data'],
    nghttpSees: ['recv PUSH_PROMISE frame', 'recv (stream_id=13) :path: /pushed', 'recv (stream_id=2) :status: 200', 'some pushed data', 'some data'],
  },
];

const IMPLS: Impl[] = ['node', 'ours'];
const TLS_MISSING = hasOpenssl() ? null : 'openssl is not installed (apt-get install openssl)';

/** `it`, or a pending test saying why not. */
function itUnless(reason: string | null, title: string, fn: () => Promise<void>): void {
  if (reason === null) it(title, fn);
  else it.skip(`${title} (skipped: ${reason})`);
}

/** Resolves with the exit code once the program exits; fails after `ms` with its output. */
function exitsBy(program: ExampleProcess, ms: number): Promise<number | null> {
  const { child } = program;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      reject(new Error(`still running ${ms} ms after its last request; output:\n${program.output()}`));
    }, ms);
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      resolve(code);
    };
    child.once('exit', onExit);
  });
}

describe('drop-in: node:http2 documented examples, node:http2 ⇄ h2duplex', function () {
  this.timeout(30_000);
  let variants: Variants;
  let certDir: string;
  const tlsEnv: Record<string, string> = {};

  before(function () {
    variants = generateVariants();
    certDir = mkdtempSync(join(tmpdir(), 'h2duplex-dropin-cert-'));
    if (TLS_MISSING === null) {
      const { key, cert } = selfSignedCertificate();
      writeFileSync(join(certDir, 'key.pem'), key);
      writeFileSync(join(certDir, 'cert.pem'), cert);
      Object.assign(tlsEnv, { TLS_KEY: join(certDir, 'key.pem'), TLS_CERT: join(certDir, 'cert.pem'), TLS_CA: join(certDir, 'cert.pem') });
    }
  });

  after(function () {
    variants.remove();
    rmSync(certDir, { recursive: true, force: true });
  });

  /** Starts `name`'s `impl` variant (a server) and resolves once it listens. */
  function startServer(impl: Impl, name: string): Promise<ExampleProcess> {
    return startProgram(relative(REPO_ROOT, variants.path(impl, name)), { env: { REQUESTS: '1', ...tlsEnv } });
  }

  /** Checks that a server stops by itself, cleanly, after its request. */
  async function expectStopped(server: ExampleProcess): Promise<void> {
    expect(await exitsBy(server, 5_000), server.output()).to.equal(0);
  }

  describe('the programs', function () {
    it('each has one import line from node:http2, and its two variants differ only in that line', function () {
      const names = PAIRS.flatMap((p) => [p.server, p.client]);
      expect(variants.names).to.have.members([...new Set(names)]);
      for (const name of variants.names) {
        const node = readFileSync(variants.path('node', name), 'utf8').split('\n');
        const ours = readFileSync(variants.path('ours', name), 'utf8').split('\n');
        expect(node.join('\n'), `${name}: the node variant is the source as written`).to.equal(readFileSync(join(PROGRAM_DIR, `${name}.ts`), 'utf8'));
        expect(ours.length).to.equal(node.length);
        const differing = node.flatMap((line, i) => (line === ours[i] ? [] : [i]));
        const { index } = importLine(node.join('\n'));
        expect(differing, name).to.deep.equal([index]);
        expect(node[index]).to.match(/ from 'node:http2';$/);
        expect(ours[index]).to.equal(node[index]?.replace(`'node:http2'`, `'h2duplex'`));
      }
    });

    it('h2duplex exports every name the programs import from node:http2', async function () {
      const root = (await import('../../src/index.js')) as Record<string, unknown>;
      for (const name of variants.names) {
        const { names } = importLine(readFileSync(join(PROGRAM_DIR, `${name}.ts`), 'utf8'));
        for (const imported of names) expect(typeof root[imported], `${name}.ts imports ${imported}`).to.equal('function');
      }
    });

    it('the h2duplex variants type-check against h2duplex (tsc, strict, as users would compile them)', async function () {
      const r = await run(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', variants.dir]);
      // Errors in src/ itself are npm run typecheck's to report; these are the programs'.
      const programErrors = (r.stdout + r.stderr).split('\n').filter((line) => /\/ours\/[\w-]+\.ts\(/.test(line));
      expect(programErrors).to.deep.equal([]);
    });
  });

  for (const pair of PAIRS) {
    describe(pair.title, function () {
      const tlsMissing = pair.tls ? TLS_MISSING : null;
      for (const serverImpl of IMPLS) {
        for (const clientImpl of IMPLS) {
          itUnless(tlsMissing, `${serverImpl} ${pair.server} ⇄ ${clientImpl} ${pair.client}`, async function () {
            const server = await startServer(serverImpl, pair.server);
            try {
              const client = await runProgram(relative(REPO_ROOT, variants.path(clientImpl, pair.client)), { env: { SERVER_URL: server.url, ...tlsEnv } });
              const output = `client stdout:\n${client.stdout}\nclient stderr:\n${client.stderr}\nserver output:\n${server.output()}`;
              expect(client.status, output).to.equal(0);
              expect(client.stderr, output).to.equal('');
              for (const seen of pair.clientSees) expect(client.stdout, output).to.include(seen);
              await expectStopped(server);
            } finally {
              if (server.alive()) await server.stop();
            }
          });
        }
      }

      for (const serverImpl of IMPLS) {
        const curlArgs = pair.tls ? ['-k', '--http2'] : ['--http2-prior-knowledge'];
        itUnless(tlsMissing ?? (hasCommand('curl') ? null : 'curl is not installed (apt-get install curl)'), `${serverImpl} ${pair.server} ⇄ curl ${curlArgs.join(' ')}`, async function () {
          const server = await startServer(serverImpl, pair.server);
          try {
            const r = await run('curl', ['-sS', '-i', ...curlArgs, server.url]);
            const output = `curl (${String(r.status)}):\n${r.stdout}\n${r.stderr}\nserver output:\n${server.output()}`;
            expect(r.status, output).to.equal(0);
            for (const seen of pair.curlSees) expect(r.stdout, output).to.include(seen);
            await expectStopped(server);
          } finally {
            if (server.alive()) await server.stop();
          }
        });
        itUnless(tlsMissing ?? (hasCommand('nghttp') ? null : 'nghttp is not installed (apt-get install nghttp2-client)'), `${serverImpl} ${pair.server} ⇄ nghttp -v`, async function () {
          const server = await startServer(serverImpl, pair.server);
          try {
            const r = await run(commandPath('nghttp'), ['-v', server.url]);
            const output = `nghttp (${String(r.status)}):\n${r.stdout}\n${r.stderr}\nserver output:\n${server.output()}`;
            expect(r.status, output).to.equal(0);
            for (const seen of pair.nghttpSees) expect(r.stdout, output).to.include(seen);
            await expectStopped(server);
          } finally {
            if (server.alive()) await server.stop();
          }
        });
      }
    });
  }
});
