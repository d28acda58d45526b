/**
 * The TLS scenarios of `npm run bench` (S1t, S4t: bench/tls.bench.ts) run and produce their
 * rows, at a tiny scale (200 small GETs, a 1 MiB download, one round, no quiet gate, no
 * warm-up, BENCHMARKS.md untouched). Only that: the numbers of a tiny run on a shared machine
 * mean nothing, so nothing here is about timing.
 */
import { expect } from 'chai';
import { describeWithCommand, hasCommand, runBench } from '../helpers/tools.js';

describeWithCommand('h2load', 'nghttp2-client', 'bench: TLS scenarios (S1t, S4t) at a tiny scale', function () {
  this.timeout(120_000);
  const openssl = hasCommand('openssl');

  it(openssl ? 'S1t and S4t run against both servers and each gives its row' : 'S1t and S4t give their rows (skipped: openssl is not installed; apt-get install openssl)', async function () {
    if (!openssl) this.skip();
    const { status, output } = await runBench(['-s', 'S1t,S4t', '-r', '1', '--scale', '0.001', '--bulk', '/bytes/1048576', '--gate', '-1', '--warmup', '0', '--no-write']);
    expect(status, output).to.equal(0);
    // Both servers answered every request over TLS with ALPN h2 (a run that did not is 'n/a').
    expect(output, output).to.match(/^\| S1t \| req\/s \| \d+ \| \d+ \| [\d.]+ \|/m);
    expect(output, output).to.match(/^\| S4t \| MB\/s \| [\d.]+ \| [\d.]+ \| [\d.]+ \|/m);
    expect(output, output).to.match(/# TLS \(ALPN h2, TLSv1\.[23] /);
    expect(output, output).not.to.match(/\(failed: /);
    // Only the TLS part ran: the h2c harness and the core loop were not chosen.
    expect(output).not.to.match(/^\| S1 \|/m);
  });
});
