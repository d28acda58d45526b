/**
 * The client benchmarks (bench/client.bench.ts) at a tiny scale: every scenario runs against
 * nghttpd with both clients and produces its row. No timing is asserted: only that each row
 * has finite values from both clients and no failed request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type ClientRow, runClientBench } from '../../bench/client.bench.js';
import { describeWithCommand } from '../helpers/tools.js';

describeWithCommand('nghttpd', 'nghttp2-server', 'client bench: C1–C4 at a tiny scale (bench/client.bench.ts)', function () {
  this.timeout(120_000);
  let docroot: string;
  let rows: ClientRow[];

  before(async function () {
    docroot = mkdtempSync(join(tmpdir(), 'h2duplex-client-bench-spec-'));
    // 200 GETs for C1 and C2, 20 uploads for C4, a 1 MiB download for C3; no gate, no pinning.
    rows = await runClientBench({ scale: 0.002, bulkBytes: 1 << 20, repeats: 1, gate: -1, pin: false, docroot, log: () => undefined });
  });

  after(function () {
    rmSync(docroot, { recursive: true, force: true });
  });

  it('gives one row per scenario, metric and window', function () {
    expect(rows.map((r) => `${r.scenario} ${r.metric} ${r.what}`)).to.deep.equal([
      'C1 req/s GET /, 1 connection × 100 streams',
      'C2 req/s GET /, 10 connections × 100 streams',
      'C3 MB/s 1 MiB download, 64 KiB windows',
      'C3 MB/s 1 MiB download, 16 MiB windows',
      'C4 req/s POST / 64 KiB bodies, 10 connections × 10 streams',
      'C4 MB/s up POST / 64 KiB bodies, 10 connections × 10 streams',
    ]);
  });

  for (const scenario of ['C1', 'C2', 'C3', 'C4'] as const) {
    it(`${scenario}: both clients measured, nothing failed`, function () {
      for (const r of rows.filter((row) => row.scenario === scenario)) {
        expect(r.failed, `${r.what}: ${r.notes.join('; ')}`).to.equal(0);
        expect(r.ours).to.be.greaterThan(0);
        expect(r.node).to.be.greaterThan(0);
        expect(Number.isFinite(r.ratio)).to.equal(true);
        expect(r.oursRuns).to.have.length(1);
        expect(r.nodeRuns).to.have.length(1);
        expect(Number.isFinite(r.oursCpu) && Number.isFinite(r.nodeCpu)).to.equal(true);
      }
    });
  }
});
