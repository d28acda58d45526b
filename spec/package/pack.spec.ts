/**
 * The published package: `npm pack` holds only what users need, and the tarball installs into
 * a scratch project where ESM `import`, CommonJS `require()` (Node ≥ 20.19 loads ESM from
 * require) and the TypeScript declarations all work, for the root and for the subpaths
 * `h2duplex/frame` and `h2duplex/hpack` (package.json "exports"); and node's documented HTTP/2
 * programs (spec/dropin/), importing 'h2duplex', type-check against the installed declarations
 * and run on the installed build with `tsx` in the scratch project, as users run them.
 */
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { hasOpenssl, selfSignedCertificate } from '../../examples/self-signed.js';
import { installDropinPrograms, type InstalledPrograms, runTsx, type RunningServer, startTsx, tsxMissing } from '../helpers/pack-dropin.js';
import { REPO_ROOT } from '../helpers/shared.js';
import type { Impl } from '../dropin/variants.js';

function sh(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 180_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${String(result.status)}):\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** The scratch project's folder the drop-in programs are copied to. */
const DROPIN = 'dropin';

describe('npm package', function () {
  this.timeout(240_000);
  let scratch = '';
  let files: string[] = [];
  /** The drop-in programs' variants, copied into the scratch project (dropin/node/, dropin/ours/). */
  let programs: InstalledPrograms;

  before(function () {
    scratch = mkdtempSync(join(tmpdir(), 'h2duplex-pack-'));
    const packed = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', scratch], REPO_ROOT)) as Array<{ filename: string; size: number; unpackedSize: number; files: Array<{ path: string }> }>;
    const info = packed[0];
    if (info === undefined) throw new Error('npm pack reported nothing');
    files = info.files.map((f) => f.path);
    console.log(`      ${info.filename}: ${(info.size / 1024).toFixed(1)} KiB packed, ${(info.unpackedSize / 1024).toFixed(1)} KiB unpacked, ${files.length} files`);
    const project = join(scratch, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }));
    // The dependencies come from npm's cache when `npm ci` ran before (CI), else the registry.
    sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(scratch, info.filename)], project);
    programs = installDropinPrograms(project, DROPIN);
  });

  after(function () {
    if (scratch !== '') rmSync(scratch, { recursive: true, force: true });
  });

  it('holds only the build, its declarations, and the package documents', function () {
    expect(files).to.include.members(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/index.js', 'dist/index.d.ts']);
    expect(files).to.include.members(['dist/frame/index.js', 'dist/frame/index.d.ts', 'dist/hpack/index.js', 'dist/hpack/index.d.ts']);
    // The README links these: they must resolve inside node_modules/h2duplex.
    expect(files).to.include.members(['docs/errors.md', 'docs/security.md', 'docs/performance.md', 'docs/conformance.md']);
    expect(files.some((f) => f.endsWith('.map')), 'no source maps into sources we do not ship').to.equal(false);
    const unexpected = files.filter((f) => !/^(package\.json|README\.md|LICENSE|CHANGELOG\.md|docs\/[a-z0-9-]+\.md|dist\/.+\.(js|d\.ts))$/.test(f));
    expect(unexpected, 'files outside dist/ and the documents').to.deep.equal([]);
    expect(files.some((f) => f.startsWith('spec/') || f.startsWith('src/') || f.startsWith('bench/'))).to.equal(false);
  });

  /** A program that opens a client/server pair in memory and fetches one response through it. */
  const exchange = (load: string) => `${load}
const { client, server } = createPair();
server.on('stream', (stream) => { stream.respond([[':status', '200']]); stream.end('hello'); });
const req = client.request([[':method', 'GET'], [':path', '/'], [':scheme', 'http'], [':authority', 'scratch']], { endStream: true });
let body = '';
req.on('data', (d) => (body += d));
req.on('end', () => { console.log(body + ' ' + typeof H2Connection); client.destroy(); server.destroy(); });
`;

  it('is imported from an ES module', function () {
    const file = join(scratch, 'project', 'esm.mjs');
    writeFileSync(file, exchange("import { createPair, H2Connection } from 'h2duplex';"));
    expect(sh('node', [file], join(scratch, 'project')).trim()).to.equal('hello function');
  });

  /** The README's lower-layers program: HPACK-encode a header block, frame it, parse and decode it. */
  const lowerLayers = (load: string) => `${load}
const block = new HpackEncoder().encode([{ name: ':method', value: 'GET' }, { name: ':path', value: '/' }]);
const writer = new FrameWriter();
new HeadersFrame(1, block, true).serializeInto(writer);
const reader = new FrameReader();
reader.feed(writer.take());
const frame = reader.next();
console.log(new HpackDecoder().decode(frame.headerBlock).fields.map((f) => f.name + '=' + f.value).join(' '), frame.endStream, 'FrameReader' in root);
`;

  it('imports the frame and HPACK layers from h2duplex/frame and h2duplex/hpack, not from the root', function () {
    const file = join(scratch, 'project', 'layers.mjs');
    writeFileSync(file, lowerLayers("import { FrameReader, FrameWriter, HeadersFrame } from 'h2duplex/frame';\nimport { HpackDecoder, HpackEncoder } from 'h2duplex/hpack';\nimport * as root from 'h2duplex';"));
    expect(sh('node', [file], join(scratch, 'project')).trim()).to.equal(':method=GET :path=/ true false');
  });

  it('is required from CommonJS (require(esm), Node >= 20.19)', function () {
    const file = join(scratch, 'project', 'cjs.cjs');
    writeFileSync(file, exchange("const { createPair, H2Connection } = require('h2duplex');"));
    const result = spawnSync('node', [file], { cwd: join(scratch, 'project'), encoding: 'utf8' });
    expect(result.stdout.trim(), result.stderr).to.equal('hello function');
    const layers = join(scratch, 'project', 'layers.cjs');
    writeFileSync(layers, lowerLayers("const { FrameReader, FrameWriter, HeadersFrame } = require('h2duplex/frame');\nconst { HpackDecoder, HpackEncoder } = require('h2duplex/hpack');\nconst root = require('h2duplex');"));
    const subpaths = spawnSync('node', [layers], { cwd: join(scratch, 'project'), encoding: 'utf8' });
    expect(subpaths.stdout.trim(), subpaths.stderr).to.equal(':method=GET :path=/ true false');
  });

  /**
   * One `tsc` run over the scratch project (several seconds): check.ts and layers.ts below, and
   * the drop-in programs' h2duplex variants (ES modules: dropin/ours/package.json), checked
   * against the installed declarations rather than src/ (spec/dropin/ does that). Its error lines
   * (those not indented) are parted by file between the two tests that read them.
   */
  let typecheck: { status: number | null; errors: string[] } | undefined;
  function typecheckProject(): { status: number | null; errors: string[] } {
    if (typecheck !== undefined) return typecheck;
    const project = join(scratch, 'project');
    writeFileSync(
      join(project, 'check.ts'),
      `import { H2Connection, H2Configuration, RequestReceived, createPair, type H2Stream } from 'h2duplex';
const c = new H2Connection(new H2Configuration({ clientSide: false }));
c.initiateConnection();
const bytes: Buffer = c.dataToSend();
const { server } = createPair();
server.on('stream', (stream: H2Stream) => stream.respond([[':status', '204']], { endStream: true }));
server.on('RequestReceived', (event: RequestReceived) => event.streamId.toFixed());
export { bytes };
`,
    );
    writeFileSync(
      join(project, 'layers.ts'),
      `import { type Frame, FrameReader, type FrameReaderOptions, FrameWriter, HeadersFrame } from 'h2duplex/frame';
import { type DecodedField, HpackDecoder, HpackEncoder } from 'h2duplex/hpack';
import { ProtocolError } from 'h2duplex';
// @ts-expect-error -- the frame layer is not on the root
import { FrameReader as RootFrameReader } from 'h2duplex';
// @ts-expect-error -- nor is HPACK
import { HpackEncoder as RootHpackEncoder } from 'h2duplex';
const options: FrameReaderOptions = { expectPreface: false };
const writer = new FrameWriter();
new HeadersFrame(1, new HpackEncoder().encode([{ name: ':path', value: '/' }]), true).serializeInto(writer);
const reader = new FrameReader(options);
reader.feed(writer.take());
const frame: Frame | null = reader.next();
const fields: DecodedField[] = frame instanceof HeadersFrame ? new HpackDecoder().decode(frame.headerBlock).fields : [];
const isProtocolError = (err: unknown): boolean => err instanceof ProtocolError;
export { fields, isProtocolError };
`,
    );
    // Node's own types come with the package (@types/readable-stream depends on @types/node); no
    // other @types are visible, so a type our declarations need but do not bring would fail here.
    const dropin = programs.names.map((name) => relative(project, programs.path('ours', name)));
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', strict: true, noEmit: true, types: ['node'] }, files: ['check.ts', 'layers.ts', ...dropin] }));
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { cwd: project, encoding: 'utf8', timeout: 180_000 });
    const errors = `${r.stdout}\n${r.stderr}`.split('\n').filter((line) => /^\S/.test(line));
    typecheck = { status: r.status, errors };
    return typecheck;
  }
  const inDropin = (line: string): boolean => line.startsWith(`${DROPIN}/`);

  it('ships declarations a TypeScript project type-checks against', function () {
    const { status, errors } = typecheckProject();
    expect(errors.filter((line) => !inDropin(line)), 'tsc errors outside the drop-in programs').to.deep.equal([]);
    // A failed run with no error lines at all is not the drop-in programs' failure either.
    if (status !== 0) expect(errors.some(inDropin), `tsc exited ${String(status)} and printed no error line`).to.equal(true);
  });

  /**
   * The drop-in programs on the installed build: each runs as `tsx file.ts` with the scratch
   * project as the working directory, so 'h2duplex' is the tarball's dist/ as the project
   * resolves it (checked first), not the repository's sources or build.
   */
  describe('drop-in programs (spec/dropin/) run on the installed package with tsx', function () {
    this.timeout(30_000);
    const tsxReason = tsxMissing();
    const tlsReason = hasOpenssl() ? null : 'openssl is not installed (apt-get install openssl)';
    const tlsEnv: Record<string, string> = {};
    const project = (): string => join(scratch, 'project');

    /** `it`, or a pending test whose title says why not. */
    function itUnless(reason: string | null, title: string, fn: () => Promise<void>): void {
      if (reason === null) it(title, fn);
      else it.skip(`${title} (skipped: ${reason})`);
    }

    /** Servers started here, stopped after the tests if one timed out while it ran. */
    const servers: RunningServer[] = [];
    after(async function () {
      await Promise.all(servers.filter((server) => server.alive()).map((server) => server.stop()));
    });

    before(function () {
      if (tlsReason !== null) return;
      const { key, cert } = selfSignedCertificate();
      writeFileSync(join(project(), 'key.pem'), key);
      writeFileSync(join(project(), 'cert.pem'), cert);
      Object.assign(tlsEnv, { TLS_KEY: join(project(), 'key.pem'), TLS_CERT: join(project(), 'cert.pem'), TLS_CA: join(project(), 'cert.pem') });
    });

    it("type-check against the installed package's declarations (h2duplex variants, tsc strict)", function () {
      expect(typecheckProject().errors.filter(inDropin)).to.deep.equal([]);
    });

    itUnless(tsxReason, "resolve 'h2duplex' to the scratch project's node_modules/h2duplex/dist/, installed from the tarball", async function () {
      const r = await runTsx(programs.resolver, project());
      expect(r.status, r.stderr).to.equal(0);
      const resolved = r.stdout.trim();
      const installed = join(project(), 'node_modules', 'h2duplex');
      expect(resolved).to.equal(pathToFileURL(join(installed, 'dist', 'index.js')).href);
      // Extracted from the tarball: a real folder, not a link back to the repository.
      expect(lstatSync(installed).isSymbolicLink()).to.equal(false);
      expect(relative(REPO_ROOT, realpathSync(fileURLToPath(resolved))).startsWith('..'), 'outside the repository').to.equal(true);
    });

    /** What the client program prints for each server program (spec/dropin/dropin.spec.ts). */
    const PAIRS = [
      { server: 'core-server', tls: true, clientSees: [':status: 200', 'content-type: text/html; charset=utf-8', '\n<h1>Hello World</h1>\n'] },
      { server: 'compat-server', tls: false, clientSees: [':status: 200', 'content-type: text/plain; charset=utf-8', 'x-foo: bar', '\nok\n'] },
    ];
    const CLIENTS: Impl[] = ['ours', 'node'];

    for (const pair of PAIRS) {
      for (const clientImpl of CLIENTS) {
        itUnless(tsxReason ?? (pair.tls ? tlsReason : null), `ours ${pair.server} ⇄ ${clientImpl} client`, async function () {
          const server = await startTsx(programs.path('ours', pair.server), project(), { REQUESTS: '1', ...tlsEnv });
          servers.push(server);
          try {
            const client = await runTsx(programs.path(clientImpl, 'client'), project(), { SERVER_URL: server.url, ...tlsEnv });
            const output = (): string => `client (${String(client.signal ?? client.status)}) stdout:\n${client.stdout}\nclient stderr:\n${client.stderr}\nserver stdout:\n${server.stdout()}\nserver stderr:\n${server.stderr()}`;
            expect(client.status, output()).to.equal(0);
            expect(client.stderr, output()).to.equal('');
            for (const seen of pair.clientSees) expect(client.stdout, output()).to.include(seen);
            // The server stops by itself after its one response ($REQUESTS), cleanly.
            const exit = await server.exited(5_000);
            if (exit === null) expect.fail(`the server still runs 5 s after its one response\n${output()}`);
            expect([exit.status, exit.signal], output()).to.deep.equal([0, null]);
            expect(exit.stderr, output()).to.equal('');
          } finally {
            if (server.alive()) await server.stop();
          }
        });
      }
    }
  });
});
