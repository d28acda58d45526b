/**
 * `npm run bench:hpack`: encode + decode header blocks per second, ours (hpack.js behind
 * HpackEncoder/HpackDecoder) next to Python's `hpack` (/usr/bin/python3) in the same run.
 * Header lists and scenarios are those of notes/hpack-js.md §6: "warm" (identical list every
 * block: all indexed) and "varying" (:path, etag, content-length change every block).
 *
 * Options: --blocks N (default 100000), --runs R (default 3; the median is reported).
 */
import { spawnSync } from 'node:child_process';
import { HpackDecoder, HpackEncoder } from '../src/hpack/index.js';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0';
const REQUEST: Array<[string, string]> = [
  [':method', 'GET'],
  [':scheme', 'https'],
  [':authority', 'api.example.com'],
  [':path', '/v1/users/12345/orders?limit=20&offset=40'],
  ['user-agent', UA],
  ['accept', 'application/json, text/plain, */*'],
  ['accept-encoding', 'gzip, deflate, br'],
  ['accept-language', 'en-US,en;q=0.9'],
];
const RESPONSE: Array<[string, string]> = [
  [':status', '200'],
  ['content-type', 'application/json; charset=utf-8'],
  ['content-length', '18342'],
  ['date', 'Tue, 24 Nov 2026 22:00:00 GMT'],
  ['server', 'example-h2/0.1'],
  ['cache-control', 'private, max-age=0, must-revalidate'],
  ['etag', '"5f3c1a9e0b7d4c2a8e6f1b3d5a7c9e0f1234"'],
  ['vary', 'accept-encoding, origin'],
];

/** The list for block i: fixed ("warm") or with three fields changing ("varying"). */
function listFor(base: Array<[string, string]>, scenario: string, i: number): Array<[string, string]> {
  if (scenario === 'warm') return base;
  return base.map(([n, v]) => {
    if (n === ':path') return [n, `/v1/users/${i}/orders?limit=20&offset=${i % 97}`];
    if (n === 'etag') return [n, `"${(i * 2654435761).toString(16)}-${i}"`];
    if (n === 'content-length') return [n, String(1000 + (i % 50000))];
    return [n, v];
  });
}

function args(): { blocks: number; runs: number } {
  const a = process.argv.slice(2);
  const get = (flag: string, d: number) => {
    const i = a.indexOf(flag);
    return i >= 0 ? Number(a[i + 1]) : d;
  };
  return { blocks: get('--blocks', 100_000), runs: get('--runs', 3) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

function benchOurs(base: Array<[string, string]>, scenario: string, blocks: number): number {
  const lists = Array.from({ length: Math.min(blocks, 4096) }, (_, i) => listFor(base, scenario, i).map(([name, value]) => ({ name, value })));
  const enc = new HpackEncoder();
  const dec = new HpackDecoder();
  for (let i = 0; i < 5000; i++) dec.decode(enc.encode(lists[i % lists.length] ?? []));
  const start = process.hrtime.bigint();
  for (let i = 0; i < blocks; i++) {
    const fields = dec.decode(enc.encode(lists[i % lists.length] ?? [])).fields;
    if (fields.length !== base.length) throw new Error('round trip lost fields');
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return blocks / seconds;
}

const PYTHON = String.raw`
import json, sys, time
from hpack import Encoder, Decoder
cfg = json.loads(sys.argv[1])
base, scenario, blocks = cfg['base'], cfg['scenario'], cfg['blocks']
def list_for(i):
    if scenario == 'warm':
        return base
    out = []
    for n, v in base:
        if n == ':path': v = '/v1/users/%d/orders?limit=20&offset=%d' % (i, i % 97)
        elif n == 'etag': v = '"%x-%d"' % ((i * 2654435761) & 0xffffffffffff, i)
        elif n == 'content-length': v = str(1000 + i % 50000)
        out.append((n, v))
    return out
lists = [list_for(i) for i in range(min(blocks, 4096))]
e, d = Encoder(), Decoder()
for i in range(2000):
    d.decode(e.encode(lists[i % len(lists)]))
t = time.perf_counter()
for i in range(blocks):
    d.decode(e.encode(lists[i % len(lists)]))
print(blocks / (time.perf_counter() - t))
`;

function benchPython(base: Array<[string, string]>, scenario: string, blocks: number): number | null {
  const r = spawnSync('/usr/bin/python3', ['-c', PYTHON, JSON.stringify({ base, scenario, blocks })], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  return Number(r.stdout.trim());
}

const { blocks, runs } = args();
const pyBlocks = Math.max(1000, Math.floor(blocks / 10));
console.log(`bench:hpack — encode+decode blocks/s, median of ${runs} runs; ours ${blocks} blocks, python ${pyBlocks} blocks per run`);
console.log(`node ${process.version}\n`);
console.log('scenario  list      ours (blocks/s)  python hpack (blocks/s)  ratio');
let pythonMissing = false;
for (const scenario of ['warm', 'varying']) {
  for (const [name, base] of [
    ['request', REQUEST],
    ['response', RESPONSE],
  ] as const) {
    const ours = median(Array.from({ length: runs }, () => benchOurs(base, scenario, blocks)));
    const pyRuns = Array.from({ length: runs }, () => benchPython(base, scenario, pyBlocks));
    const py = pyRuns.includes(null) ? null : median(pyRuns as number[]);
    if (py === null) pythonMissing = true;
    const ratio = py === null ? 'n/a' : `${(ours / py).toFixed(1)}x`;
    console.log(
      `${scenario.padEnd(9)} ${name.padEnd(9)} ${Math.round(ours).toLocaleString('en-US').padStart(15)}  ${(py === null ? 'n/a' : Math.round(py).toLocaleString('en-US')).padStart(23)}  ${ratio}`,
    );
  }
}
if (pythonMissing) console.log('\npython: /usr/bin/python3 with hpack not found (apt-get install python3-hpack)');
