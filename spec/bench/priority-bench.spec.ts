/**
 * The priority scenarios of `npm run bench` (S1p, S4p: bench/priority.bench.ts) run and produce
 * their rows, at a tiny scale (200 small GETs, a 1 MiB download, one round, no quiet gate, no
 * warm-up, BENCHMARKS.md untouched). Only that: the numbers of a tiny run on a shared machine
 * mean nothing, so nothing here is about timing.
 */
import { expect } from 'chai';
import { SHARED_DIR } from '../helpers/shared.js';
import { describeWithCommand, runBench } from '../helpers/tools.js';

describeWithCommand('h2load', 'nghttp2-client', 'bench: priority scenarios (S1p, S4p) at a tiny scale', function () {
  this.timeout(120_000);
  const shared = SHARED_DIR !== null;

  it(shared ? 'S1p and S4p run in all three columns and each gives its row' : 'S1p and S4p give their rows (skipped: ../shared is missing, the node:http2 anchor lives there)', async function () {
    if (!shared) this.skip();
    const { status, output } = await runBench(['-s', 'S1p,S4p', '-r', '1', '--scale', '0.001', '--bulk', '/bytes/1048576', '--gate', '-1', '--warmup', '0', '--no-write']);
    expect(status, output).to.equal(0);
    // Every column answered every request over h2c (a run that did not is 'n/a').
    expect(output, output).to.match(/^\| S1p \| req\/s \| \d+ \(`u=1, i`\) \| \d+ \| \d+ \| [\d.]+ \| [\d.]+ \|/m);
    expect(output, output).to.match(/^\| S4p \| MB\/s \| [\d.]+ \(`u=0`\) \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \|/m);
    expect(output, output).not.to.match(/\(failed: /);
    // Each column ran, each scenario in it: one line per run.
    expect(output, output).to.match(/^# priority h2duplex\+priority S1p round 1: \d+ req\/s, .*, ok$/m);
    expect(output, output).to.match(/^# priority node-http2 S4p round 1: [\d.]+ MB\/s, .*, ok$/m);
    // Only the priority part ran: the h2c harness and the core loop were not chosen.
    expect(output).not.to.match(/^\| S1 \|/m);
  });
});
