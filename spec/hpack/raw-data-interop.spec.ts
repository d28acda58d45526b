/**
 * Our encoder round-trips every story of hpack-test-case/raw-data through our decoder, with
 * the peer's SETTINGS_HEADER_TABLE_SIZE changing along the way, and Python's `hpack`
 * (/usr/bin/python3, Debian python3-hpack) decodes the same blocks to the same headers.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HpackDecoder, HpackEncoder } from '../../src/hpack/index.js';
import { SHARED_DIR } from '../helpers/shared.js';

/** Peer table sizes applied every 7 blocks (notes/hpack-js.md §3.2's "tsc" sequence). */
const TABLE_SIZES = [4096, 1365, 2730, 0, 4096, 512, 4096];

interface EncodedCase {
  header_table_size: number | null;
  wire: string;
  headers: Array<[string, string]>;
}

function loadStories(dir: string): Array<{ file: string; lists: Array<Array<[string, string]>> }> {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const story = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { cases: Array<{ headers: Array<Record<string, string>> }> };
      return { file, lists: story.cases.map((c) => c.headers.map((h) => Object.entries(h)[0] as [string, string])) };
    });
}

function encodeStory(lists: Array<Array<[string, string]>>): EncodedCase[] {
  const enc = new HpackEncoder();
  return lists.map((headers, i) => {
    let size: number | null = null;
    if (i > 0 && i % 7 === 0) {
      size = TABLE_SIZES[(i / 7) % TABLE_SIZES.length] ?? 4096;
      enc.setPeerMaxTableSize(size);
    }
    const wire = enc.encode(headers.map(([name, value]) => ({ name, value, neverIndex: name === 'cookie' && value.length < 20 })));
    return { header_table_size: size, wire: wire.toString('hex'), headers };
  });
}

const PYTHON_DECODE = `
import json, sys
from hpack import Decoder
stories = json.load(sys.stdin)
bad = 0
for cases in stories:
    d = Decoder()
    for c in cases:
        if c['header_table_size'] is not None:
            d.max_allowed_table_size = c['header_table_size']
        got = [[n.decode('latin1'), v.decode('latin1')] for n, v in d.decode(bytes.fromhex(c['wire']), raw=True)]
        if got != c['headers']:
            bad += 1
print(json.dumps({'blocks': sum(len(c) for c in stories), 'bad': bad}))
`;

function pythonHasHpack(): boolean {
  const r = spawnSync('/usr/bin/python3', ['-c', 'import hpack'], { encoding: 'utf8' });
  return r.status === 0;
}

describe('raw-data round trips', function () {
  const dir = SHARED_DIR === null ? null : join(SHARED_DIR, 'hpack-test-case', 'raw-data');
  if (dir === null) {
    it.skip('needs ../shared/hpack-test-case/raw-data');
    return;
  }
  const stories = loadStories(dir);
  const encoded = stories.map((s) => encodeStory(s.lists));

  it('round-trips every raw-data story through our decoder, with table size changes', function () {
    expect(stories.length).to.equal(32);
    let blocks = 0;
    encoded.forEach((cases, i) => {
      const dec = new HpackDecoder({ maxHeaderListSize: Infinity });
      for (const c of cases) {
        if (c.header_table_size !== null) dec.setMaxTableSize(c.header_table_size);
        const got = dec.decode(Buffer.from(c.wire, 'hex')).fields.map((f) => [f.name, f.value]);
        expect(got, stories[i]?.file).to.deep.equal(c.headers);
        blocks += 1;
      }
    });
    expect(blocks).to.be.greaterThan(3000);
  });

  it("decodes to the same headers with Python's hpack", function () {
    if (!pythonHasHpack()) {
      console.log('      skipped: /usr/bin/python3 has no hpack module (apt-get install python3-hpack)');
      this.skip();
    }
    const r = spawnSync('/usr/bin/python3', ['-c', PYTHON_DECODE], { input: JSON.stringify(encoded), encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(r.status, r.stderr).to.equal(0);
    const result = JSON.parse(r.stdout) as { blocks: number; bad: number };
    expect(result.blocks).to.be.greaterThan(3000);
    expect(result.bad).to.equal(0);
  });
});
