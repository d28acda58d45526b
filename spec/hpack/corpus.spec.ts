/**
 * Every story of the public hpack-test-case corpus (../shared/hpack-test-case) decodes with
 * our HpackDecoder, block by block with the dynamic table carried across a story, honouring
 * each case's `header_table_size` (SETTINGS_HEADER_TABLE_SIZE sent and acknowledged just
 * before the case; `null` means absent).
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HpackDecoder } from '../../src/hpack/index.js';
import { SHARED_DIR } from '../helpers/shared.js';

interface CorpusCase {
  seqno: number;
  header_table_size?: number | null;
  wire?: string;
  headers: Array<Record<string, string>>;
}

const CORPUS = SHARED_DIR === null ? null : join(SHARED_DIR, 'hpack-test-case');

/** Folders with encoded `wire` (raw-data holds header lists only). */
function encodedFolders(root: string): string[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'raw-data')
    .map((d) => d.name)
    .sort();
}

describe('hpack-test-case corpus', function () {
  if (CORPUS === null) {
    it.skip('needs ../shared/hpack-test-case (not found beside the repository)');
    return;
  }
  const root = CORPUS;
  let stories = 0;
  let blocks = 0;

  for (const folder of encodedFolders(root)) {
    it(`decodes every story in ${folder} exactly`, function () {
      const files = readdirSync(join(root, folder)).filter((f) => f.endsWith('.json')).sort();
      expect(files.length).to.be.greaterThan(0);
      for (const file of files) {
        const story = JSON.parse(readFileSync(join(root, folder, file), 'utf8')) as { cases: CorpusCase[] };
        const decoder = new HpackDecoder({ maxHeaderListSize: Infinity });
        for (const c of story.cases) {
          if (typeof c.header_table_size === 'number') decoder.setMaxTableSize(c.header_table_size);
          const got = decoder.decode(Buffer.from(c.wire ?? '', 'hex')).fields.map((f) => [f.name, f.value]);
          const want = c.headers.map((h) => Object.entries(h)[0]);
          expect(got, `${folder}/${file} seqno ${c.seqno}`).to.deep.equal(want);
          blocks += 1;
        }
        stories += 1;
      }
    });
  }

  after(function () {
    // Reported so the closing note can quote the count.
    console.log(`      corpus: ${stories} stories, ${blocks} blocks decoded`);
  });
});
