/**
 * The memory-under-load soak (bench/soak.bench.ts) at a tiny duration: h2load runs 1 s against
 * our bench server and node:http2's anchor, and the table has both rows and the ratio row. No
 * timing or memory is asserted: a 1 s run on a shared machine means nothing.
 */
import { expect } from 'chai';
import { runSoakBench, soakTable, type SoakResult } from '../../bench/soak.bench.js';
import { SHARED_DIR } from '../helpers/shared.js';
import { describeWithCommand } from '../helpers/tools.js';

describeWithCommand('h2load', 'nghttp2-client', 'soak bench (bench/soak.bench.ts) at 1 s', function () {
  this.timeout(120_000);
  const shared = SHARED_DIR !== null;
  let result: SoakResult | undefined;

  before(async function () {
    if (shared) result = await runSoakBench({ duration: 1, gate: -1, pin: false, log: () => undefined });
  });

  it(shared ? 'gives a row for each server and the ratio row' : 'gives a row for each server (skipped: ../shared is missing, the node:http2 anchor lives there)', function () {
    if (!shared || result === undefined) this.skip();
    expect(result.rows.map((r) => r.server)).to.deep.equal(['h2duplex', 'node:http2']);
    for (const r of result.rows) expect(r.status, `${r.server}: ${r.status}`).to.equal('ok');
    const table = soakTable(result.rows).join('\n');
    expect(table).to.match(/^\| h2duplex \| \d+ \| [\d.]+ \|/m);
    expect(table).to.match(/^\| node:http2 \| \d+ \| [\d.]+ \|/m);
    expect(table).to.match(/^\| ratio ours ÷ node \| [\d.]+ /m);
  });
});
