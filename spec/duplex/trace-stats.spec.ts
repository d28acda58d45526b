/**
 * Debugging aids (issue #9): the `nghttp -v`-style frame trace (option `trace`, or
 * NODE_DEBUG=h2duplex) and `h2.stats`.
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { createPair } from '../../src/index.js';
import { FrameTrace } from '../../src/duplex/trace.js';
import { REPO_ROOT } from '../helpers/shared.js';
import { collect } from '../helpers/streams.js';

const GET: Array<[string, string]> = [[':method', 'GET'], [':path', '/'], [':scheme', 'http'], [':authority', 'pair']];
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));
/** A frame line as nghttp prints it. */
const FRAME_LINE = /^\[ {0,3}\d+\.\d{3}\] (send|recv) [A-Z_]+ frame <length=\d+, flags=0x[0-9a-f]{2}, stream_id=\d+>$/;

describe('H2Duplex: frame trace and stats', function () {
  it('traces every frame each way in nghttp -v format, with decoded headers', async function () {
    const lines: string[] = [];
    const { client, server } = createPair({ client: { trace: (line) => lines.push(line) } });
    server.on('stream', (stream) => {
      stream.respond([[':status', '200'], ['content-type', 'text/plain']]);
      stream.end('hello');
    });
    await collect(client.request(GET, { endStream: true }));
    await client.ping();
    await settle();
    for (const line of lines) expect(line).to.match(/^(\[ {0,3}\d+\.\d{3}\] (send|recv) |          )/);
    const frames = lines.filter((l) => FRAME_LINE.test(l)).map((l) => l.replace(/^\[[^\]]+\] /, '').replace(/ <.*/, ''));
    expect(frames.slice(0, 2)).to.deep.equal(['send SETTINGS frame', 'send SETTINGS frame']);
    expect(frames).to.include.members(['send HEADERS frame', 'recv HEADERS frame', 'recv DATA frame', 'send PING frame', 'recv PING frame', 'recv SETTINGS frame']);
    const text = lines.join('\n');
    expect(text).to.match(/send HEADERS frame <length=\d+, flags=0x05, stream_id=1>\n {10}; END_STREAM \| END_HEADERS\n {10}\(padlen=0\)\n {10}:method: GET/);
    expect(text).to.match(/recv \(stream_id=1\) :status: 200\n.*recv \(stream_id=1\) content-type: text\/plain\n.*recv HEADERS frame/);
    expect(text).to.match(/recv DATA frame <length=5, flags=0x01, stream_id=1>\n {10}; END_STREAM/);
    expect(text).to.match(/\[SETTINGS_INITIAL_WINDOW_SIZE\(0x04\):262144\]/);
    expect(text).to.match(/send WINDOW_UPDATE frame <length=4, flags=0x00, stream_id=0>\n {10}\(window_size_increment=983041\)/);
    client.destroy();
    server.destroy();
  });

  it('traces PRIORITY_UPDATE and ORIGIN as nghttp -v prints them, and SETTINGS_NO_RFC7540_PRIORITIES by name', async function () {
    const lines: string[] = [];
    const { client, server } = createPair({ client: { authority: 'http://localhost', trace: (line) => lines.push(line) }, server: { origins: ['https://a.example', 'https://b.example'], settings: { noRfc7540Priorities: true } } });
    server.on('stream', (stream) => {
      stream.respond({ ':status': 200 });
      stream.end('x');
    });
    const req = client.request({ ':path': '/' }, { priority: { urgency: 1 } });
    req.setPriority({ urgency: 0, incremental: true });
    await collect(req);
    const text = lines.join('\n');
    expect(text).to.match(/send PRIORITY_UPDATE frame <length=10, flags=0x00, stream_id=0>\n {10}\(prioritized_stream_id=1, priority_field_value=\[u=0, i\]\)/);
    expect(text).to.match(/recv ORIGIN frame <length=38, flags=0x00, stream_id=0>\n {10}\[https:\/\/a\.example\]\n {10}\[https:\/\/b\.example\]/);
    expect(text).to.match(/\[SETTINGS_NO_RFC7540_PRIORITIES\(0x09\):1\]/);
    expect(text).to.match(/priority: u=1/);
    client.destroy();
    server.destroy();
  });

  it('reports what it cannot parse and stops tracing that direction, never the connection', function () {
    const lines: string[] = [];
    const trace = new FrameTrace((line) => lines.push(line), false);
    trace.received(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    trace.received(Buffer.from('more'));
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/recv \(trace stopped: /);
  });

  it('is turned on by NODE_DEBUG=h2duplex', function () {
    const program = `import { createPair } from './src/index.ts';
const { client, server } = createPair();
setTimeout(() => { client.destroy(); server.destroy(); }, 50);`;
    const result = spawnSync('node', ['--import', 'tsx', '--input-type=module', '-e', program], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, NODE_DEBUG: 'h2duplex' } });
    expect(result.stderr).to.match(/H2DUPLEX \d+: \[ {2}\d\.\d{3}\] send SETTINGS frame <length=\d+, flags=0x00, stream_id=0>/);
  });

  it('counts frames and octets each way, open streams, windows and the last ping RTT', async function () {
    const { client, server } = createPair();
    server.on('stream', (stream) => {
      stream.respond([[':status', '200']]);
      stream.end(Buffer.alloc(100_000));
    });
    expect(client.stats.lastRtt).to.equal(null);
    const req = client.request(GET, { endStream: true });
    expect(client.stats.openStreams).to.equal(1);
    await collect(req);
    const rtt = await client.ping();
    await settle();
    const c = client.stats;
    const s = server.stats;
    expect(c.lastRtt).to.equal(rtt);
    expect(c.bytesSent).to.equal(s.bytesReceived);
    expect(s.bytesSent).to.equal(c.bytesReceived);
    expect(c.bytesReceived).to.be.above(100_000);
    expect(c.framesSent).to.equal(s.framesReceived);
    expect(s.framesSent).to.equal(c.framesReceived);
    expect(c.openStreams).to.equal(0);
    expect(c.inboundWindow).to.equal(server.connection.outboundFlowControlWindow);
    client.destroy();
    server.destroy();
  });
});
