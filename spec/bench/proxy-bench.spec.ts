/**
 * The proxy benchmarks (bench/proxy.bench.ts) at a tiny scale: every scenario runs h2load through
 * both proxies to nghttpd and produces its row. No timing is asserted: only that each row has
 * finite values from both proxies and no failed request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { type ProxyRow, runProxyBench } from '../../bench/proxy.bench.js';
import { describeWithCommand } from '../helpers/tools.js';

describeWithCommand('h2load', 'nghttp2-client', 'proxy bench (bench/proxy.bench.ts)', function () {
  describeWithCommand('nghttpd', 'nghttp2-server', 'P1–P3 at a tiny scale', function () {
    this.timeout(120_000);
    let docroot: string;
    let rows: ProxyRow[];

    before(async function () {
      docroot = mkdtempSync(join(tmpdir(), 'h2duplex-proxy-bench-spec-'));
      // 200 GETs (P1), a 1 MiB download (P2), 20 uploads (P3); no gate, no pinning.
      rows = await runProxyBench({ scale: 0.001, bulkBytes: 1 << 20, repeats: 1, gate: -1, pin: false, docroot, log: () => undefined });
    });

    after(function () {
      rmSync(docroot, { recursive: true, force: true });
    });

    it('gives one row per scenario', function () {
      expect(rows.map((r) => `${r.scenario} ${r.metric} ${r.what}`)).to.deep.equal([
        'P1 req/s 200 GET /, 10 connections × 100 streams',
        'P2 MB/s 1 MiB download, h2load -w 30 -W 30',
        'P3 req/s 20 POST / 64 KiB bodies, 10 connections × 10 streams',
      ]);
    });

    for (const scenario of ['P1', 'P2', 'P3'] as const) {
      it(`${scenario}: both proxies measured, nothing failed`, function () {
        const r = rows.find((row) => row.scenario === scenario);
        expect(r, scenario).to.not.equal(undefined);
        if (r === undefined) return;
        expect(r.failed, r.notes.join('; ')).to.equal(0);
        expect(r.ours).to.be.greaterThan(0);
        expect(r.node).to.be.greaterThan(0);
        expect(Number.isFinite(r.ratio)).to.equal(true);
        expect(r.oursRuns).to.have.length(1);
        expect(r.nodeRuns).to.have.length(1);
        expect(Number.isFinite(r.oursCpu) && Number.isFinite(r.nodeCpu)).to.equal(true);
      });
    }
  });
});
