/**
 * The priority scenarios of `npm run bench` (issue #20: "the scheduler costs nothing measurable
 * on S1/S4 when no priorities are used"): h2load with and without an RFC 9218 `priority` request
 * header against our compiled bench server (bench/bench-server.ts, bench/compiled.ts), and
 * without it against node:http2's anchor (../shared/bench/anchors/node-http2-server.mjs), in the
 * same invocation. Three columns per scenario: ours with the header, ours without, node:http2
 * without; two ratios: ours with ÷ ours without (what the priority path costs) and ours without ÷
 * node:http2 (the S1/S4 ratio of the h2c table, measured alongside).
 *
 *   S1p  h2load -n 200000 -c 10 -m 100 GET /                     -H 'priority: u=1, i'   (S1)
 *   S4p  h2load -n 1 -c 1 -m 1 -w 30 -W 30 GET /bytes/1073741824  -H 'priority: u=0'      (S4)
 *
 * With the header our server reads the field on every request and schedules the stream at that
 * urgency (send-order.ts: urgency 1's round robin for S1p, urgency 0's sequential list for S4p)
 * instead of the unsignalled default (urgency 3's round robin); every stream of a run has the
 * same urgency, so none is ever throttled as less urgent: the difference is the priority path
 * itself. node:http2 does not schedule by RFC 9218 (nghttp2 does only when the server sends
 * SETTINGS_NO_RFC7540_PRIORITIES, which node does not), so it runs without the header.
 *
 * Not run by ../shared/bench/run-h2load.sh, which cannot add request headers, and ../shared is
 * read-only: bench/h2load-runs.ts runs it by that script's rules, as it does the TLS scenarios
 * (pinning, warm-up: ours with and without the header, quiet gate and reruns, medians). Both
 * servers stay up for the whole run and the rounds interleave the three columns, rotating their
 * order each round (round 1: node, ours, ours with priorities; round 2: ours, ours with
 * priorities, node; …), so slow drift of a shared machine hits all alike.
 *
 * Used by bench/h2load.bench.ts (`npm run bench -- -s S1p,S4p`), which writes the Priorities
 * section of BENCHMARKS.md with {@link writePrioritySection}.
 */
import { type H2loadBenchOptions, type H2loadSummary, metricOf, runH2loadBench, s1Requests, summaryLine } from './h2load-runs.js';
import { fmt, writeBenchmarksSection } from './measure.js';

/** The priority scenario names, as `-s` takes them. */
export const PRIORITY_SCENARIOS: readonly string[] = ['S1p', 'S4p'];

/** The heading of BENCHMARKS.md's Priorities section. */
export const PRIORITY_SECTION = '## Priorities (`npm run bench`: S1p, S4p)';

/** The `priority` header each scenario's "with priorities" column sends (RFC 9218 §5). */
export const PRIORITY_HEADERS: Readonly<Record<string, string>> = { S1p: 'u=1, i', S4p: 'u=0' };

/** What one priority benchmark run measures and how. */
export interface PriorityBenchOptions extends H2loadBenchOptions {
  /** Our compiled h2c bench server (bench/compiled.ts). */
  ourServer: string;
  /** node:http2's h2c anchor, ../shared/bench/anchors/node-http2-server.mjs. */
  nodeServer: string;
}

/** One row of the priority table. */
export interface PriorityRow {
  scenario: string;
  metric: 'req/s' | 'MB/s';
  /** The `priority` header of the first column. */
  header: string;
  /** Our server, requests with the `priority` header. */
  withPriority: H2loadSummary;
  /** Our server, the same requests without it. */
  ours: H2loadSummary;
  /** node:http2's anchor, without it. */
  node: H2loadSummary;
}

/** What {@link runPriorityBench} returns. */
export interface PriorityResult {
  rows: PriorityRow[];
  pinNote: string;
}

/** Runs the scenarios in the three columns; prints one line per run and returns the medians. */
export async function runPriorityBench(options: PriorityBenchOptions): Promise<PriorityResult> {
  const { summary, pinNote } = await runH2loadBench(
    {
      name: 'priority',
      scenarios: PRIORITY_SCENARIOS,
      tls: false,
      servers: [
        { label: 'node-http2', command: [process.execPath, options.nodeServer, 'PORT'] },
        { label: 'h2duplex', command: [process.execPath, options.ourServer, 'PORT'] },
      ],
      columns: [
        { name: 'node-http2', server: 'node-http2' },
        { name: 'h2duplex', server: 'h2duplex' },
        { name: 'h2duplex+priority', server: 'h2duplex', args: (scenario) => ['-H', `priority: ${PRIORITY_HEADERS[scenario] ?? ''}`] },
      ],
    },
    options,
  );
  const rows = options.scenarios.map(
    (scenario): PriorityRow => ({
      scenario,
      metric: metricOf(scenario),
      header: PRIORITY_HEADERS[scenario] ?? '',
      withPriority: summary('h2duplex+priority', scenario),
      ours: summary('h2duplex', scenario),
      node: summary('node-http2', scenario),
    }),
  );
  return { rows, pinNote };
}

/** The priority table: three columns, the two ratios, each column's server CPU % and h2load CPU %. */
export function priorityTable(result: PriorityResult): string[] {
  const lines = [
    '| scenario | metric | h2duplex with `priority` | h2duplex without | node:http2 without | with ÷ without | ours ÷ node:http2 | server CPU % (with / without / node) | h2load CPU % (with / without / node) |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const { scenario, metric, header, withPriority, ours, node } of result.rows) {
    const digits = metric === 'MB/s' ? 1 : 0;
    const failedCount = withPriority.failed + ours.failed + node.failed;
    const failed = failedCount > 0 ? ` (failed: ${withPriority.failed} / ${ours.failed} / ${node.failed})` : '';
    lines.push(
      `| ${scenario} | ${metric} | ${fmt(withPriority.value, digits)} (\`${header}\`) | ${fmt(ours.value, digits)} | ${fmt(node.value, digits)} | ${fmt(withPriority.value / ours.value, 3)} | ${fmt(ours.value / node.value, 2)} | ${fmt(withPriority.serverCpu, 0)} / ${fmt(ours.serverCpu, 0)} / ${fmt(node.serverCpu, 0)} | ${fmt(withPriority.clientCpu, 0)} / ${fmt(ours.clientCpu, 0)} / ${fmt(node.clientCpu, 0)}${failed} |`,
    );
  }
  return lines;
}

/** Medians with their ranges, for the console. */
export function priorityDetails(result: PriorityResult): string[] {
  return result.rows.flatMap(({ scenario, header, withPriority, ours, node }) => [
    summaryLine('priority', scenario, `h2duplex with priority: ${header}`, withPriority),
    summaryLine('priority', scenario, 'h2duplex without', ours),
    summaryLine('priority', scenario, 'node:http2 without', node),
  ]);
}

/** Replaces (or appends) BENCHMARKS.md's Priorities section; every other section is kept as it is. */
export function writePrioritySection(result: PriorityResult, how: { command: string; repeats: number; scale: number; bulk: string }): void {
  const section = [
    PRIORITY_SECTION,
    '',
    `Latest \`${how.command}\`: ${new Date().toISOString()} on Node ${process.version}, ${how.repeats} repeat(s), scale ${how.scale}, bulk ${how.bulk}.`,
    'What RFC 9218 priorities cost our send scheduler (issue #20): h2load with and without a `priority` request header against',
    'our compiled h2c bench server (`bench/bench-server.ts`, `bench/compiled.ts`), and without it against node:http2\'s anchor',
    `(\`../shared/bench/anchors/node-http2-server.mjs\`), all in the same invocation by \`bench/priority.bench.ts\` (${result.pinNote},`,
    'quiet gate, rounds interleaved with the order rotating, medians).',
    `S1p: \`h2load -n ${s1Requests(how.scale)} -c 10 -m 100\` GET / (S1), with \`-H 'priority: ${PRIORITY_HEADERS['S1p'] ?? ''}'\`; S4p: \`h2load -n 1 -c 1 -m 1 -w 30 -W 30\``,
    `GET ${how.bulk} (S4), with \`-H 'priority: ${PRIORITY_HEADERS['S4p'] ?? ''}'\`. With the header our server parses the field on each request and`,
    'schedules the stream at that urgency instead of the unsignalled default (urgency 3, round robin); all streams of a run share',
    'one urgency, so none is throttled as less urgent. "with ÷ without" is the cost of the priority path (1.000: none; < 1: it',
    'costs), receiving the one more request header (HPACK, the header object) included; "ours ÷ node:http2" compares the runs',
    'without the header (> 1: we are better). node:http2 does not schedule by RFC 9218 (it does not send',
    'SETTINGS_NO_RFC7540_PRIORITIES) and runs without the header.',
    '',
    ...priorityTable(result),
    '',
  ].join('\n');
  writeBenchmarksSection(PRIORITY_SECTION, section);
}
