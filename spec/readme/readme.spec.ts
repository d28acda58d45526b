/**
 * README.md's code is code that runs. Every TypeScript block in it is the whole of a file under
 * examples/ (named by an HTML comment, `<!-- examples/readme/server.ts -->`, on the line before
 * the block, which renders as nothing), and this spec runs each of those files as a user would
 * paste and run it: in its own process, with `import … from 'h2duplex'`. The servers among
 * them meet clients that reset the TCP connection at every stage of an exchange and must keep
 * serving; the proxy meets aborted downloads and must leave no stream open upstream.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { fetchOnce } from '../../examples/client.js';
import { ABRUPT_STAGE_TITLES, ABRUPT_STAGES, type AbruptStage, abruptClient, H2C_ABRUPT_STAGE_TITLES, H2C_ABRUPT_STAGES, h2cAbruptClient } from '../helpers/abrupt-clients.js';
import { describeProxyAborts } from '../helpers/aborted-downloads.js';
import { type ExampleProcess, runProgram, startProgram } from '../helpers/example-process.js';
import { REPO_ROOT } from '../helpers/shared.js';
import { commandPath, hasCommand, run } from '../helpers/tools.js';

/** A fenced code block of a Markdown document. */
interface Block {
  lang: string;
  /** 1-based line of the opening fence. */
  line: number;
  text: string;
  /** The file named by `<!-- path -->` on the line before the fence, if any. */
  include: string | null;
}

const INCLUDE = /^<!-- (examples\/[\w./-]+\.ts) -->$/;

function fencedBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i] ?? '');
    if (open === null) continue;
    const start = i;
    let end = i + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end] ?? '')) end++;
    const include = INCLUDE.exec(lines[start - 1] ?? '');
    blocks.push({ lang: open[1] ?? '', line: start + 1, text: lines.slice(start + 1, end).join('\n') + '\n', include: include?.[1] ?? null });
    i = end;
  }
  return blocks;
}

const README = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const TS_BLOCKS = fencedBlocks(README).filter((b) => b.lang === 'ts' || b.lang === 'typescript');

/** The README's programs and how each is run (every included file must have an entry). */
const PROGRAMS = [
  'examples/readme/server.ts',
  'examples/readme/client.ts',
  'examples/readme/compat-koa.ts',
  'examples/readme/duplex-server.ts',
  'examples/readme/duplex-client.ts',
  'examples/readme/proxy.ts',
  'examples/readme/test-double.ts',
  'examples/readme/h2c-server.ts',
  'examples/readme/h2c-client.ts',
  'examples/readme/core-server.ts',
  'examples/readme/lower-layers.ts',
];

describe('README.md', function () {
  it('has TypeScript blocks', function () {
    expect(TS_BLOCKS.length).to.be.above(0);
  });

  it('shows each TypeScript block as the whole of a file under examples/, verbatim', function () {
    for (const block of TS_BLOCKS) {
      expect(block.include, `README.md:${block.line}: a TypeScript block without <!-- examples/….ts --> on the line before it`).to.not.equal(null);
      const file = readFileSync(join(REPO_ROOT, block.include ?? ''), 'utf8');
      expect(block.text, `README.md:${block.line} differs from ${String(block.include)}`).to.equal(file);
    }
  });

  it('includes exactly the programs this spec runs', function () {
    expect(TS_BLOCKS.map((b) => b.include).sort()).to.deep.equal([...PROGRAMS].sort());
  });

  it('keeps the set-up commands: npm install && npm start, npm install && npm test', function () {
    const sh = fencedBlocks(README)
      .filter((b) => b.lang === 'sh')
      .map((b) => b.text.trim());
    expect(sh).to.include('npm install && npm start');
    expect(sh).to.include('npm install && npm test');
  });

  it('cites only what ships with the package or is public (no ../shared, API.md, notes/ or STYLE.md)', function () {
    for (const internal of ['../shared', 'API.md', 'notes/', 'notes §', 'STYLE.md', 'the brief']) {
      expect(README.includes(internal), `README.md mentions ${internal}`).to.equal(false);
    }
  });

  it('ships documents and doc comments that cite nothing users do not have (docs/*.md, CHANGELOG.md, src/)', function () {
    const shipped = ['CHANGELOG.md', ...readdirSync(join(REPO_ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
    const sources = (dir: string): string[] =>
      readdirSync(join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : []));
    for (const file of [...shipped, ...sources('src')]) {
      const text = readFileSync(join(REPO_ROOT, file), 'utf8');
      for (const internal of ['../shared', 'API.md', 'notes/', 'notes §', 'STYLE.md', 'the brief']) {
        expect(text.includes(internal), `${file} mentions ${internal}`).to.equal(false);
      }
    }
  });
});

/** A server the README shows: it answers, outlives every abrupt client, and answers again. */
function describeSurvivingServer(file: string, fresh: (url: string) => Promise<void>, request?: (stage: AbruptStage) => Array<[string, string]>): void {
  describe(`${file}: clients that reset the connection`, function () {
    this.timeout(60_000);
    let server: ExampleProcess;
    before(async function () {
      server = await startProgram(file);
    });
    after(async function () {
      await server.stop();
    });

    async function stillServing(): Promise<void> {
      try {
        await fresh(server.url);
      } catch (err) {
        throw new Error(`no answer (process ${server.alive() ? 'running' : 'gone'}): ${String(err)}\n${server.output()}`);
      }
      expect(server.alive(), `${file} exited:\n${server.output()}`).to.equal(true);
    }

    it('answers a request', async function () {
      await stillServing();
    });

    for (const stage of ABRUPT_STAGES) {
      it(`survives clients that reset ${ABRUPT_STAGE_TITLES[stage]}, and answers the next request`, async function () {
        for (let i = 0; i < 3; i++) await abruptClient({ port: server.port, ...(request === undefined ? {} : { request }) }, stage);
        await stillServing();
      });
    }
  });
}

async function fetchHello(url: string): Promise<void> {
  const r = await fetchOnce(`${url}/`);
  expect(r.status).to.equal(200);
  expect(r.body.toString()).to.equal('hello\n');
}

describe('README programs', function () {
  this.timeout(60_000);

  describeSurvivingServer('examples/readme/server.ts', fetchHello);

  for (const [client, server] of [['examples/readme/client.ts', 'examples/readme/server.ts'], ['examples/readme/duplex-client.ts', 'examples/readme/duplex-server.ts']] as const) {
    it(`${client}: GETs from ${server} and prints the response`, async function () {
      const running = await startProgram(server);
      try {
        const r = await runProgram(client, { args: [`${running.url}/`] });
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout).to.include("':status': 200");
        expect(r.stdout).to.match(/hello\n$/);
      } finally {
        await running.stop();
      }
    });

    it(`${client}: fails with a message, not a hang, when nothing listens`, async function () {
      const r = await runProgram(client, { args: ['http://127.0.0.1:1/'] });
      expect(r.status).to.not.equal(0);
      expect(r.stderr).to.include('ECONNREFUSED');
    });
  }

  describeSurvivingServer('examples/readme/duplex-server.ts', fetchHello);

  describeSurvivingServer('examples/readme/compat-koa.ts', async (url) => {
    const r = await fetchOnce(`${url}/`);
    expect(r.status).to.equal(200);
    expect(JSON.parse(r.body.toString())).to.deep.equal({ hello: 'world', over: 'HTTP/2.0' });
    const boom = await fetchOnce(`${url}/boom`);
    expect(boom.status).to.equal(500);
  });

  describeProxyAborts('examples/readme/proxy.ts: aborted downloads reach the upstream', async (origin) => {
    const proxy = await startProgram('examples/readme/proxy.ts', { env: { UPSTREAM: origin.url } });
    return { url: proxy.url, origin, upstreamConnections: () => [...origin.connections], alive: () => proxy.alive(), stop: () => proxy.stop() };
  });

  describe('examples/readme/proxy.ts: clients that reset the connection', function () {
    let origin: ExampleProcess;
    let proxy: ExampleProcess;
    before(async function () {
      origin = await startProgram('examples/server.ts');
      proxy = await startProgram('examples/readme/proxy.ts', { env: { UPSTREAM: origin.url } });
    });
    after(async function () {
      await proxy.stop();
      await origin.stop();
    });
    for (const stage of ABRUPT_STAGES) {
      it(`survives clients that reset ${ABRUPT_STAGE_TITLES[stage]}, and answers the next request`, async function () {
        const path = stage === 'mid-body' ? '/echo' : stage === 'mid-response' ? '/bytes/100000000' : '/';
        for (let i = 0; i < 3; i++) {
          await abruptClient(
            {
              port: proxy.port,
              request: () => [
                [':method', stage === 'mid-body' ? 'POST' : 'GET'],
                [':scheme', 'http'],
                [':authority', 'proxy'],
                [':path', path],
              ],
            },
            stage,
          );
        }
        const r = await fetchOnce(`${proxy.url}/bytes/70000`);
        expect(r.status).to.equal(200);
        expect(r.body.length).to.equal(70000);
        expect(proxy.alive(), proxy.output()).to.equal(true);
      });
    }
  });

  it('examples/readme/test-double.ts: runs its exchange in memory and exits 0', async function () {
    const r = await runProgram('examples/readme/test-double.ts');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('ECHO hello\nECHO world\nBYE\n');
  });

  describe('examples/readme/h2c-server.ts and h2c-client.ts', function () {
    let server: ExampleProcess;
    before(async function () {
      server = await startProgram('examples/readme/h2c-server.ts');
    });
    after(async function () {
      await server.stop();
    });

    it('h2c-client.ts upgrades and prints the response to the upgraded request', async function () {
      const r = await runProgram('examples/readme/h2c-client.ts', { args: [`${server.url}/`] });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.include("':status': 200");
      expect(r.stdout).to.match(/hello over h2c\n$/);
    });

    if (hasCommand('curl')) {
      it('answers curl --http2 (upgrade) over HTTP/2 and curl --http1.1 over HTTP/1.1', async function () {
        const h2 = await run(commandPath('curl'), ['-sS', '--http2', '-w', '%{http_version}', `${server.url}/`]);
        expect(h2.stdout).to.equal('hello over h2c\n2');
        const h1 = await run(commandPath('curl'), ['-sS', '--http1.1', '-w', '%{http_version}', `${server.url}/`]);
        expect(h1.stdout).to.match(/1\.1$/);
      });
    } else {
      it.skip('skipped: curl is not installed (apt-get install curl)');
    }

    for (const stage of H2C_ABRUPT_STAGES) {
      it(`survives h2c clients that reset ${H2C_ABRUPT_STAGE_TITLES[stage]}, and upgrades the next one`, async function () {
        for (let i = 0; i < 3; i++) await h2cAbruptClient(server.port, stage);
        const r = await runProgram('examples/readme/h2c-client.ts', { args: [`${server.url}/`] });
        expect(r.status, `${r.stderr}\n${server.output()}`).to.equal(0);
        expect(server.alive(), server.output()).to.equal(true);
      });
    }
  });

  describeSurvivingServer('examples/readme/core-server.ts', fetchHello);

  it('examples/readme/lower-layers.ts: encodes, frames, parses and decodes a header block', async function () {
    const r = await runProgram('examples/readme/lower-layers.ts');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.include("name: ':method'").and.include("value: 'GET'").and.include("name: 'authorization'");
  });
});
