/**
 * The benchmarks measure our servers compiled as a user deploys them: `tsc -p
 * tsconfig.bench.json` into .bench-build/, run with plain `node`. Under tsx every arrow
 * function carries a dictionary `name` property (esbuild's keepNames), which inflated our
 * per-connection memory by ~3 KiB, a cost compiled code does not have.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../spec/helpers/shared.js';

/** Compiles the bench servers (h2c, and TLS for S1t/S4t), the memory probe and the core loop; returns their paths. */
export function compileBenchServer(): { server: string; tlsServer: string; probe: string; core: string } {
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO_ROOT, 'tsconfig.bench.json')], { stdio: 'inherit' });
  const build = join(REPO_ROOT, '.bench-build', 'bench');
  return { server: join(build, 'bench-server.js'), tlsServer: join(build, 'bench-tls-server.js'), probe: join(build, 'memory-probe.js'), core: join(build, 'core.bench.js') };
}

/**
 * Compiles the client benchmarks' load clients (bench/clients/, bench/client.bench.ts) the same
 * way, with a config extending tsconfig.bench.json written to a temporary folder; returns the
 * entry points.
 */
export function compileBenchClients(): { node: string; ours: string } {
  const dir = mkdtempSync(join(tmpdir(), 'h2duplex-clients-tsc-'));
  const config = join(dir, 'tsconfig.json');
  const clients = join(REPO_ROOT, 'bench', 'clients');
  writeFileSync(config, JSON.stringify({ extends: join(REPO_ROOT, 'tsconfig.bench.json'), compilerOptions: { typeRoots: [join(REPO_ROOT, 'node_modules', '@types')] }, include: [], files: [join(clients, 'node-http2.ts'), join(clients, 'h2duplex.ts')] }));
  try {
    execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], { stdio: 'inherit' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const build = join(REPO_ROOT, '.bench-build', 'bench', 'clients');
  return { node: join(build, 'node-http2.js'), ours: join(build, 'h2duplex.js') };
}

/**
 * Compiles examples/proxy.ts (and what it imports) the same way, for the proxy benchmarks
 * (bench/proxy.bench.ts); returns the entry point, run as `UPSTREAM=… PORT=… node proxy.js`.
 */
export function compileBenchProxy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'h2duplex-proxy-tsc-'));
  const config = join(dir, 'tsconfig.json');
  writeFileSync(config, JSON.stringify({ extends: join(REPO_ROOT, 'tsconfig.bench.json'), compilerOptions: { typeRoots: [join(REPO_ROOT, 'node_modules', '@types')] }, include: [], files: [join(REPO_ROOT, 'examples', 'proxy.ts')] }));
  try {
    execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', config], { stdio: 'inherit' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return join(REPO_ROOT, '.bench-build', 'examples', 'proxy.js');
}
