/**
 * A throwaway self-signed certificate for 127.0.0.1/localhost, made with the `openssl`
 * command (Debian: `apt-get install openssl`). Used by the TLS example and the TLS specs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True when the `openssl` command can be run. */
export function hasOpenssl(): boolean {
  return spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
}

/** A key and certificate (PEM) valid for 1 day, for CN=localhost with 127.0.0.1 as an IP SAN. */
export function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  if (!hasOpenssl()) throw new Error('the openssl command is missing: install it (apt-get install openssl) to create a self-signed certificate');
  const dir = mkdtempSync(join(tmpdir(), 'h2duplex-cert-'));
  try {
    const keyPath = join(dir, 'key.pem');
    const certPath = join(dir, 'cert.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyPath, '-out', certPath],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(keyPath), cert: readFileSync(certPath) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
