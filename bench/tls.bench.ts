/**
 * The TLS scenarios of `npm run bench` (issue #19): h2load over TLS (ALPN h2, a self-signed
 * P-256 certificate made with openssl at bench time) against our `createSecureServer()`
 * (bench/bench-tls-server.ts, compiled) and node:http2's (bench/anchors/node-tls-server.mjs),
 * in the same invocation.
 *
 *   S1t  h2load -n 200000 -c 10 -m 100 GET /                        (as S1)
 *   S4t  h2load -n 1 -c 1 -m 1 -w 30 -W 30 GET /bytes/1073741824     (as S4)
 *
 * Not run by ../shared/bench/run-h2load.sh, which speaks h2c only (its URLs are http://), and
 * ../shared is read-only: bench/h2load-runs.ts runs it by that script's rules (pinning, warm-up,
 * quiet gate and reruns, medians). Both servers stay up for the whole run and the rounds
 * interleave them (round 1: S1t node, S1t ours, S4t node, S4t ours; round 2 starts with ours), so
 * slow drift of a shared machine hits both alike; the idle one costs nothing while the other is
 * measured. What is TLS's own: the certificate, https URLs with ALPN h2 checked, and the cipher
 * h2load reports.
 *
 * Used by bench/h2load.bench.ts (`npm run bench -- -s S1t,S4t`), which writes the TLS section
 * of BENCHMARKS.md from {@link tlsSection}.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { selfSignedCertificate } from '../examples/self-signed.js';
import { REPO_ROOT } from '../spec/helpers/shared.js';
import { type H2loadBenchOptions, type H2loadSummary, metricOf, runH2loadBench, s1Requests, summaryLine } from './h2load-runs.js';
import { fmt } from './measure.js';

/** The TLS scenario names, as `-s` takes them. */
export const TLS_SCENARIOS: readonly string[] = ['S1t', 'S4t'];

/** The heading of BENCHMARKS.md's TLS section (after the h2c table, before the memory section). */
export const TLS_SECTION = '## TLS (`npm run bench`: S1t, S4t)';

/** What one TLS benchmark run measures and how. */
export interface TlsBenchOptions extends H2loadBenchOptions {
  /** Our compiled TLS server (bench/compiled.ts). */
  ourServer: string;
  /** Run our server under `node --cpu-prof`, writing the profile into this folder. */
  cpuProfDir?: string;
}

/** One row of the TLS table. */
export interface TlsRow {
  scenario: string;
  metric: 'req/s' | 'MB/s';
  ours: H2loadSummary;
  node: H2loadSummary;
}

/** What {@link runTlsBench} returns. */
export interface TlsResult {
  rows: TlsRow[];
  /** The negotiated protocol and cipher h2load reported, e.g. "TLSv1.3 TLS_AES_256_GCM_SHA384". */
  tls: string;
  pinNote: string;
}

/** Runs the scenarios against both servers; prints one line per run and returns the medians. */
export async function runTlsBench(options: TlsBenchOptions): Promise<TlsResult> {
  const { key, cert } = selfSignedCertificate();
  const keyPath = join(options.out, 'tls-key.pem');
  const certPath = join(options.out, 'tls-cert.pem');
  writeFileSync(keyPath, key);
  writeFileSync(certPath, cert);
  const tlsArgs = ['PORT', `--key=${keyPath}`, `--cert=${certPath}`];
  const prof = options.cpuProfDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`];

  let tls = '';
  const { summary, pinNote } = await runH2loadBench(
    {
      name: 'tls',
      scenarios: TLS_SCENARIOS,
      tls: true,
      servers: [
        { label: 'node-http2', command: [process.execPath, join(REPO_ROOT, 'bench', 'anchors', 'node-tls-server.mjs'), ...tlsArgs] },
        { label: 'h2duplex', command: [process.execPath, ...prof, options.ourServer, ...tlsArgs] },
      ],
      columns: [
        { name: 'node-http2', server: 'node-http2' },
        { name: 'h2duplex', server: 'h2duplex' },
      ],
      onOutput: (text) => {
        tls ||= `${/TLS Protocol: (\S+)/.exec(text)?.[1] ?? '?'} ${/Cipher: (\S+)/.exec(text)?.[1] ?? '?'}`;
      },
    },
    options,
  );
  const rows = options.scenarios.map((scenario): TlsRow => ({ scenario, metric: metricOf(scenario), ours: summary('h2duplex', scenario), node: summary('node-http2', scenario) }));
  return { rows, tls, pinNote };
}

/** The TLS table: the h2c table's columns, plus h2load's CPU % (near 100: the client, not the server, set the pace). */
export function tlsTable(result: TlsResult): string[] {
  const lines = [
    '| scenario | metric | h2duplex | node:http2 | ratio | h2duplex CPU % | node:http2 CPU % | h2load CPU % (vs h2duplex / vs node:http2) |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const { scenario, metric, ours, node } of result.rows) {
    const digits = metric === 'MB/s' ? 1 : 0;
    const failed = ours.failed + node.failed > 0 ? ` (failed: ${ours.failed} / ${node.failed})` : '';
    lines.push(`| ${scenario} | ${metric} | ${fmt(ours.value, digits)} | ${fmt(node.value, digits)} | ${fmt(ours.value / node.value, 2)} | ${fmt(ours.serverCpu, 0)} | ${fmt(node.serverCpu, 0)} | ${fmt(ours.clientCpu, 0)} / ${fmt(node.clientCpu, 0)}${failed} |`);
  }
  return lines;
}

/** Medians with their ranges, for the console. */
export function tlsDetails(result: TlsResult): string[] {
  return result.rows.flatMap(({ scenario, ours, node }) => [summaryLine('tls', scenario, 'h2duplex', ours), summaryLine('tls', scenario, 'node:http2', node)]);
}

/** BENCHMARKS.md's TLS section. */
export function tlsSection(result: TlsResult, how: { command: string; repeats: number; scale: number; bulk: string }): string {
  return [
    TLS_SECTION,
    '',
    `Latest \`${how.command}\`: ${new Date().toISOString()} on Node ${process.version}, ${how.repeats} repeat(s), scale ${how.scale}, bulk ${how.bulk}; ${result.tls}, ALPN h2.`,
    "h2load over TLS (a self-signed P-256 certificate made with openssl at bench time) against our `createSecureServer()`",
    '(`bench/bench-tls-server.ts`, compiled, the h2c bench server\'s routes) and node:http2\'s (`bench/anchors/node-tls-server.mjs`),',
    `both in the same invocation by \`bench/tls.bench.ts\` (${result.pinNote}, quiet gate, rounds interleaved, medians).`,
    `S1t: \`h2load -n ${s1Requests(how.scale)} -c 10 -m 100\` GET /; S4t: \`h2load -n 1 -c 1 -m 1 -w 30 -W 30\` GET ${how.bulk}.`,
    'Both servers encrypt and decrypt in OpenSSL; node:http2 hands the plaintext to nghttp2 without entering JS, ours',
    "receives it as `tls.TLSSocket` data piped into H2Duplex and writes through `TLSSocket.write`. Ratio > 1: we are better;",
    'h2load CPU % near 100 means the client, not the server, set the pace.',
    '',
    ...tlsTable(result),
    '',
  ].join('\n');
}
