/**
 * Differential tests: the same scripted exchange runs through Python's h2 (/usr/bin/python3,
 * Debian python3-h2) and through our H2Connection; the bytes each step emits and the events
 * (class and key fields) must be equal. Scripts are small step lists interpreted by both.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { ErrorCodes, H2Configuration, H2Connection, ProtocolError, type Event } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';

type Step =
  | ['init']
  | ['headers', number, Array<[string, string]>, boolean]
  | ['data', number, string, boolean]
  | ['recv', string]
  | ['ack', number, number]
  | ['ping', string]
  | ['reset', number, number]
  | ['close', number]
  | ['settings', Array<[number, number]>]
  | ['window', number, number]
  | ['end', number]
  | ['push', number, number, Array<[string, string]>]
  | ['prio', number, number, number, boolean];

interface Script {
  name: string;
  client: boolean;
  steps: Step[];
}

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n').toString('hex');
const REQ: Array<[string, string]> = [
  [':method', 'GET'],
  [':path', '/'],
  [':scheme', 'https'],
  [':authority', 'example.com'],
];
const POST: Array<[string, string]> = [
  [':method', 'POST'],
  [':path', '/upload'],
  [':scheme', 'https'],
  [':authority', 'example.com'],
];
const h = (b: Buffer) => b.toString('hex');
const EMPTY_SETTINGS = h(rawFrame(4, 0, 0));
const SETTINGS_ACK = h(rawFrame(4, 1, 0));
// A request HEADERS block exactly as h2 encodes REQ on a fresh connection (notes §9 case 5), END_STREAM.
const REQ_HEADERS = '00000d01050000000182848741882f91d35d055c87a7';
const RESP_200 = h(rawFrame(1, 4, 1, '88'));
const PUSHED: Array<[string, string]> = [
  [':method', 'GET'],
  [':path', '/style.css'],
  [':scheme', 'https'],
  [':authority', 'example.com'],
];
// PUSH_PROMISE on stream 1 promising stream 2, with REQ's block (fresh HPACK context).
const PUSH_PROMISE_2 = h(rawFrame(5, 4, 1, '00000002' + '82848741882f91d35d055c87a7'));

const SCRIPTS: Script[] = [
  { name: 'client preface and SETTINGS', client: true, steps: [['init']] },
  { name: 'server SETTINGS', client: false, steps: [['init']] },
  { name: 'client GET with END_STREAM', client: true, steps: [['init'], ['recv', EMPTY_SETTINGS], ['headers', 1, REQ, true]] },
  {
    name: 'client POST with DATA in two frames',
    client: true,
    steps: [['init'], ['recv', EMPTY_SETTINGS + SETTINGS_ACK], ['headers', 1, POST, false], ['data', 1, '61'.repeat(16384), false], ['data', 1, '62'.repeat(100), true]],
  },
  { name: 'server answers a GET with 200 and a body', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + REQ_HEADERS], ['headers', 1, [[':status', '200'], ['content-type', 'text/plain']], false], ['data', 1, '6869', true]] },
  { name: 'server sends trailers', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + REQ_HEADERS], ['headers', 1, [[':status', '200']], false], ['data', 1, '6869', false], ['headers', 1, [['x-trailer', 'done']], true]] },
  { name: 'server sends a 103 then a 200', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + REQ_HEADERS], ['headers', 1, [[':status', '103'], ['link', '</a.css>']], false], ['headers', 1, [[':status', '200']], true]] },
  { name: 'client receives a response with a body', client: true, steps: [['init'], ['recv', EMPTY_SETTINGS], ['headers', 1, REQ, true], ['recv', RESP_200 + h(rawFrame(0, 1, 1, '68656c6c6f'))]] },
  { name: 'client receives a 1xx then a response', client: true, steps: [['init'], ['recv', EMPTY_SETTINGS], ['headers', 1, REQ, true], ['recv', h(rawFrame(1, 4, 1, '08 03 31 30 30'.replace(/ /g, ''))) + h(rawFrame(1, 5, 1, '88'))]] },
  { name: 'PING is answered', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + h(rawFrame(6, 0, 0, '0102030405060708'))]] },
  { name: 'PING ACK is reported', client: true, steps: [['init'], ['ping', '0102030405060708'], ['recv', h(rawFrame(6, 1, 0, '0102030405060708'))]] },
  { name: 'SETTINGS change and its ACK', client: true, steps: [['init'], ['settings', [[4, 100000], [1, 8192]]], ['recv', EMPTY_SETTINGS + SETTINGS_ACK + SETTINGS_ACK]] },
  { name: 'remote SETTINGS with unknown ids', client: false, steps: [['init'], ['recv', PREFACE + h(rawFrame(4, 0, 0, '0003 0000000a 0004 000003e8 0077 00000001'))]] },
  { name: 'reset by us', client: true, steps: [['init'], ['recv', EMPTY_SETTINGS], ['headers', 1, REQ, false], ['reset', 1, 8]] },
  { name: 'reset by the peer', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + h(rawFrame(1, 4, 1, '82848741882f91d35d055c87a7')) + h(rawFrame(3, 0, 1, '00000008'))]] },
  { name: 'window updates after acknowledged data', client: true, steps: [['init'], ['recv', EMPTY_SETTINGS], ['headers', 1, REQ, true], ['recv', RESP_200 + h(rawFrame(0, 0, 1, Buffer.alloc(16384))) + h(rawFrame(0, 0, 1, Buffer.alloc(16384)))], ['ack', 32766, 1], ['ack', 1, 1]] },
  { name: 'window update received', client: true, steps: [['init'], ['recv', EMPTY_SETTINGS], ['headers', 1, REQ, false], ['recv', h(rawFrame(8, 0, 0, '00000400')) + h(rawFrame(8, 0, 1, '00000010'))]] },
  { name: 'incrementFlowControlWindow', client: true, steps: [['init'], ['window', 1000, 0]] },
  { name: 'GOAWAY sent', client: false, steps: [['init'], ['close', 0]] },
  { name: 'GOAWAY received', client: true, steps: [['init'], ['recv', EMPTY_SETTINGS + h(rawFrame(7, 0, 0, '00000000 00000002 6279 65'.replace(/ /g, '')))]] },
  { name: 'endStream', client: true, steps: [['init'], ['recv', EMPTY_SETTINGS], ['headers', 1, POST, false], ['end', 1]] },
  // Malformed input: the GOAWAY bytes and error codes must match.
  { name: 'DATA on stream 0', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + h(rawFrame(0, 0, 0, '00'))]] },
  { name: 'oversized DATA frame', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + h(rawFrame(0, 0, 1, Buffer.alloc(16385)))]] },
  { name: 'PING of 7 octets', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + h(rawFrame(6, 0, 0, '00000000000000'))]] },
  { name: 'SETTINGS on a stream', client: false, steps: [['init'], ['recv', PREFACE + h(rawFrame(4, 0, 1))]] },
  { name: 'SETTINGS ENABLE_PUSH=2', client: false, steps: [['init'], ['recv', PREFACE + h(rawFrame(4, 0, 0, '0002 00000002'))]] },
  { name: 'SETTINGS INITIAL_WINDOW_SIZE over 2^31-1', client: false, steps: [['init'], ['recv', PREFACE + h(rawFrame(4, 0, 0, '0004 80000000'))]] },
  { name: 'SETTINGS MAX_FRAME_SIZE too small', client: false, steps: [['init'], ['recv', PREFACE + h(rawFrame(4, 0, 0, '0005 00000001'))]] },
  { name: 'WINDOW_UPDATE of 0 on the connection', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + h(rawFrame(8, 0, 0, '00000000'))]] },
  { name: 'connection window overflow', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + h(rawFrame(8, 0, 0, '7fffffff'))]] },
  { name: 'WINDOW_UPDATE on an idle stream', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + h(rawFrame(8, 0, 5, '00000001'))]] },
  { name: 'DATA on an idle stream', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + h(rawFrame(0, 0, 3, '00'))]] },
  { name: 'HEADERS interrupted by PING', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + h(rawFrame(1, 0, 1, '82')) + h(rawFrame(6, 0, 0, Buffer.alloc(8)))]] },
  { name: 'PUSH_PROMISE sent to a server', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + h(rawFrame(5, 4, 1, '00000002 82'.replace(/ /g, '')))]] },
  { name: 'an even stream id from a client', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + h(rawFrame(1, 5, 2, '82848741882f91d35d055c87a7'))]] },
  { name: 'a decreasing stream id', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + h(rawFrame(1, 5, 5, '82848741882f91d35d055c87a7')) + h(rawFrame(1, 5, 3, '82848741882f91d35d055c87a7'))]] },
  { name: 'HPACK garbage', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + h(rawFrame(1, 5, 1, 'ff'))]] },
  { name: 'DATA on a half-closed (remote) stream', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + REQ_HEADERS + h(rawFrame(0, 0, 1, '78'))]] },
  { name: 'DATA after the peer reset the stream', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + h(rawFrame(1, 4, 1, '82848741882f91d35d055c87a7')) + h(rawFrame(3, 0, 1, '00000008')) + h(rawFrame(0, 0, 1, '78'))]] },
  { name: 'HEADERS on a stream that ended both ways', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + REQ_HEADERS], ['headers', 1, [[':status', '200']], true], ['recv', h(rawFrame(1, 5, 1, '82848741882f91d35d055c87a7'))]] },
  // Push and priority.
  {
    name: 'server pushes a stylesheet',
    client: false,
    steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + REQ_HEADERS], ['push', 1, 2, PUSHED], ['headers', 2, [[':status', '200']], false], ['data', 2, '6869', true], ['headers', 1, [[':status', '200']], true]],
  },
  { name: 'server pushes after the client disabled push', client: false, steps: [['init'], ['recv', PREFACE + h(rawFrame(4, 0, 0, '0002 00000000')) + REQ_HEADERS], ['push', 1, 2, PUSHED]] },
  { name: 'server pushes on a pushed stream', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + REQ_HEADERS], ['push', 1, 2, PUSHED], ['push', 2, 4, PUSHED]] },
  {
    name: 'client receives a promise and the pushed response',
    client: true,
    steps: [['init'], ['recv', EMPTY_SETTINGS], ['headers', 1, REQ, true], ['recv', PUSH_PROMISE_2 + h(rawFrame(1, 4, 2, '88')) + h(rawFrame(0, 1, 2, '6869')) + RESP_200]],
  },
  { name: 'client refuses a promise on a stream it reset', client: true, steps: [['init'], ['recv', EMPTY_SETTINGS], ['headers', 1, REQ, true], ['reset', 1, 8], ['recv', PUSH_PROMISE_2]] },
  { name: 'client resets a promised stream', client: true, steps: [['init'], ['recv', EMPTY_SETTINGS], ['headers', 1, REQ, true], ['recv', PUSH_PROMISE_2], ['reset', 2, 8]] },
  { name: 'client sends PRIORITY', client: true, steps: [['init'], ['prio', 1, 32, 0, true], ['prio', 3, 256, 1, false]] },
  { name: 'server receives PRIORITY', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + h(rawFrame(2, 0, 3, '80000001 1f'))]] },
  { name: 'server receives HEADERS with priority', client: false, steps: [['init'], ['recv', PREFACE + EMPTY_SETTINGS + h(rawFrame(1, 0x25, 1, '00000000 0f 82848741882f91d35d055c87a7'))]] },
];

/**
 * Cases where we follow RFC 9113 instead of h2 4.1 (README "Behaviour and defaults"):
 * HPACK failures are COMPRESSION_ERROR (h2: PROTOCOL_ERROR).
 */
const RFC_OVER_H2: Record<string, { code: number }> = {
  'HPACK garbage': { code: ErrorCodes.COMPRESSION_ERROR },
};

const PYTHON = String.raw`
import json, sys
from h2.connection import H2Connection
from h2.config import H2Configuration
from h2.exceptions import ProtocolError
scripts = json.load(sys.stdin)
def ev(e):
    d = {'type': type(e).__name__}
    for k in ('stream_id', 'error_code', 'remote_reset', 'delta', 'last_stream_id', 'flow_controlled_length', 'weight', 'depends_on', 'exclusive', 'pushed_stream_id', 'parent_stream_id'):
        if hasattr(e, k): d[k] = int(getattr(e, k)) if getattr(e, k) is not None else None
    if hasattr(e, 'data') and e.data is not None: d['data'] = e.data.hex()
    if hasattr(e, 'ping_data'): d['ping_data'] = e.ping_data.hex()
    if hasattr(e, 'additional_data'): d['additional_data'] = None if e.additional_data is None else e.additional_data.hex()
    if hasattr(e, 'headers') and e.headers is not None: d['headers'] = [[n.decode('latin1'), v.decode('latin1')] for n, v in e.headers]
    if hasattr(e, 'changed_settings'): d['changed'] = [[int(k), v.original_value, v.new_value] for k, v in e.changed_settings.items()]
    return d
results = []
for s in scripts:
    c = H2Connection(H2Configuration(client_side=s['client'], header_encoding=None))
    out = []
    for step in s['steps']:
        op = step[0]; r = {'events': [], 'error': None}
        try:
            if op == 'init': c.initiate_connection()
            elif op == 'headers': c.send_headers(step[1], [(n, v) for n, v in step[2]], end_stream=step[3])
            elif op == 'data': c.send_data(step[1], bytes.fromhex(step[2]), end_stream=step[3])
            elif op == 'recv': r['events'] = [ev(e) for e in c.receive_data(bytes.fromhex(step[1]))]
            elif op == 'ack': c.acknowledge_received_data(step[1], step[2])
            elif op == 'ping': c.ping(bytes.fromhex(step[1]))
            elif op == 'reset': c.reset_stream(step[1], step[2])
            elif op == 'close': c.close_connection(step[1])
            elif op == 'settings': c.update_settings(dict(step[1]))
            elif op == 'window': c.increment_flow_control_window(step[1], stream_id=(step[2] or None))
            elif op == 'end': c.end_stream(step[1])
            elif op == 'push': c.push_stream(step[1], step[2], [(n, v) for n, v in step[3]])
            elif op == 'prio': c.prioritize(step[1], weight=step[2], depends_on=step[3], exclusive=step[4])
        except ProtocolError as e:
            r['error'] = {'type': type(e).__name__, 'code': int(e.error_code) if getattr(e, 'error_code', None) is not None else None}
        r['bytes'] = c.data_to_send().hex()
        out.append(r)
    results.append(out)
print(json.dumps(results))
`;

interface StepResult {
  bytes: string;
  events: Array<Record<string, unknown>>;
  error: { type: string; code: number | null } | null;
}

function summarize(e: Event): Record<string, unknown> {
  const d: Record<string, unknown> = { type: e.constructor.name };
  const o = e as unknown as Record<string, unknown>;
  for (const [ours, theirs] of [
    ['streamId', 'stream_id'],
    ['errorCode', 'error_code'],
    ['remoteReset', 'remote_reset'],
    ['delta', 'delta'],
    ['lastStreamId', 'last_stream_id'],
    ['flowControlledLength', 'flow_controlled_length'],
    ['weight', 'weight'],
    ['dependsOn', 'depends_on'],
    ['exclusive', 'exclusive'],
    ['pushedStreamId', 'pushed_stream_id'],
    ['parentStreamId', 'parent_stream_id'],
  ] as const) {
    const v = o[ours];
    if (v !== undefined) d[theirs] = typeof v === 'boolean' ? Number(v) : v;
  }
  if (Buffer.isBuffer(o['data'])) d['data'] = o['data'].toString('hex');
  if (Buffer.isBuffer(o['pingData'])) d['ping_data'] = o['pingData'].toString('hex');
  if ('additionalData' in o) d['additional_data'] = Buffer.isBuffer(o['additionalData']) ? o['additionalData'].toString('hex') : null;
  if (Array.isArray(o['headers'])) d['headers'] = o['headers'];
  if (o['changedSettings'] instanceof Map) {
    d['changed'] = [...(o['changedSettings'] as Map<number, { originalValue: number | null; newValue: number }>).entries()].map(([k, v]) => [k, v.originalValue, v.newValue]);
  }
  return d;
}

function runOurs(script: Script): StepResult[] {
  // escalateStreamErrors and strictPreface false: h2's behaviour (ours is stricter by default).
  const c = new H2Connection(new H2Configuration({ clientSide: script.client, escalateStreamErrors: false, strictPreface: false }));
  return script.steps.map((step) => {
    const r: StepResult = { bytes: '', events: [], error: null };
    try {
      switch (step[0]) {
        case 'init':
          c.initiateConnection();
          break;
        case 'headers':
          c.sendHeaders(step[1], step[2], { endStream: step[3] });
          break;
        case 'data':
          c.sendData(step[1], Buffer.from(step[2], 'hex'), { endStream: step[3] });
          break;
        case 'recv':
          r.events = c.receiveData(Buffer.from(step[1], 'hex')).map(summarize);
          break;
        case 'ack':
          c.acknowledgeReceivedData(step[1], step[2]);
          break;
        case 'ping':
          c.ping(Buffer.from(step[1], 'hex'));
          break;
        case 'reset':
          c.resetStream(step[1], step[2]);
          break;
        case 'close':
          c.closeConnection(step[1]);
          break;
        case 'settings':
          c.updateSettings(new Map(step[1]));
          break;
        case 'window':
          c.incrementFlowControlWindow(step[1], step[2] === 0 ? undefined : step[2]);
          break;
        case 'end':
          c.endStream(step[1]);
          break;
        case 'push':
          c.pushStream(step[1], step[2], step[3]);
          break;
        case 'prio':
          c.prioritize(step[1], { weight: step[2], dependsOn: step[3], exclusive: step[4] });
          break;
      }
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      r.error = { type: err.constructor.name, code: err.errorCode };
    }
    r.bytes = c.dataToSend().toString('hex');
    return r;
  });
}

function pythonH2(): string | null {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import h2, sys; sys.stdout.write(h2.__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout : null;
}

describe('differential: Python h2 vs our core', function () {
  const version = pythonH2();
  if (version === null) {
    it.skip('needs /usr/bin/python3 with h2 (apt-get install python3-h2)');
    return;
  }
  const r = spawnSync('/usr/bin/python3', ['-c', PYTHON], { input: JSON.stringify(SCRIPTS), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`python harness failed: ${r.stderr}`);
  const theirs = JSON.parse(r.stdout) as StepResult[][];

  SCRIPTS.forEach((script, i) => {
    it(`matches h2 ${version}: ${script.name}`, function () {
      const ours = runOurs(script);
      const expected = theirs[i] ?? [];
      const deviation = RFC_OVER_H2[script.name];
      ours.forEach((step, j) => {
        const want = expected[j];
        const where = `step ${j} (${script.steps[j]?.[0] ?? '?'})`;
        if (deviation !== undefined && want?.error !== null && want?.error !== undefined) {
          expect(step.error?.code, `${where}: RFC code`).to.equal(deviation.code);
          expect(step.bytes.slice(-8), `${where}: GOAWAY code`).to.equal(deviation.code.toString(16).padStart(8, '0'));
          return;
        }
        expect(step.bytes, `${where}: bytes`).to.equal(want?.bytes);
        expect(step.events, `${where}: events`).to.deep.equal(want?.events);
        expect(step.error?.code ?? null, `${where}: error code`).to.equal(want?.error?.code ?? null);
      });
    });
  });
});
