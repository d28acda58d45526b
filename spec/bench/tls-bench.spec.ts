/**
 * The TLS scenarios of `npm run bench` (S1t, S4t: bench/tls.bench.ts) run and produce their
 * rows, at a tiny scale (200 small GETs, a 1 MiB download, one round, no quiet gate, no
 * warm-up, BENCHMARKS.md untouched). Only that: the numbers of a tiny run on a shared machine
 * mean nothing, so nothing here is about timing.
 */
import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { REPO_ROOT } from '../helpers/shared.js';
import { describeWithCommand, hasCommand } from '../helpers/tools.js';

/** Runs `npm run bench` (bench/h2load.bench.ts under tsx) with `args`; resolves with its exit status and output. */
function bench(args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/h2load.bench.ts', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('close', (status) => resolve({ status, output }));
  });
}

describeWithCommand('h2load', 'nghttp2-client', 'bench: TLS scenarios (S1t, S4t) at a tiny scale', function () {
  this.timeout(120_000);
  const openssl = hasCommand('openssl');

  it(openssl ? 'S1t and S4t run against both servers and each gives its row' : 'S1t and S4t give their rows (skipped: openssl is not installed; apt-get install openssl)', async function () {
    if (!openssl) this.skip();
    const { status, output } = await bench(['-s', 'S1t,S4t', '-r', '1', '--scale', '0.001', '--bulk', '/bytes/1048576', '--gate', '-1', '--warmup', '0', '--no-write']);
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
