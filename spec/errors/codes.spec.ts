/**
 * Every error class we export carries a stable `code` of its own, and docs/errors.md, the table
 * users read, lists every class with its code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import * as api from '../../src/index.js';
import { H2Error } from '../../src/index.js';
import { REPO_ROOT } from '../helpers/shared.js';

type ErrorClass = (abstract new (...args: never[]) => Error) & { code?: string };

/** The exported classes that make errors. */
function errorClasses(): Array<[string, ErrorClass]> {
  return Object.entries(api as Record<string, unknown>).filter((entry): entry is [string, ErrorClass] => {
    const value: unknown = entry[1];
    return typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof Error;
  });
}

describe('error codes (docs/errors.md)', function () {
  const doc = readFileSync(path.join(REPO_ROOT, 'docs/errors.md'), 'utf8');
  const rows = doc.split('\n').filter((line) => line.startsWith('| `ERR_'));

  it('exports the error classes users catch', function () {
    const names = errorClasses().map(([name]) => name);
    for (const name of ['H2Error', 'ProtocolError', 'StreamResetError', 'ConnectionClosedError', 'UsageError', 'InvalidArgumentError', 'OutOfRangeError']) expect(names).to.include(name);
  });

  it('gives every H2Error class a code of its own, documented next to the class', function () {
    const seen = new Map<string, string>();
    for (const [name, cls] of errorClasses()) {
      if (!(cls.prototype instanceof H2Error) && cls !== (H2Error as unknown)) continue;
      // A UsageError always carries one of UsageCodes (the next case), never its class default.
      if (name === 'UsageError') continue;
      expect(Object.hasOwn(cls, 'code'), `${name} declares its own static code`).to.equal(true);
      const code = cls.code ?? '';
      expect(code, name).to.match(/^ERR_H2_[A-Z0-9_]+$/);
      expect(seen.get(code), `${code} is used by ${name} and ${String(seen.get(code))}`).to.equal(undefined);
      seen.set(code, name);
      expect(rows.some((row) => row.startsWith(`| \`${code}\` | \`${name}\``)), `docs/errors.md has a row "| \`${code}\` | \`${name}\`"`).to.equal(true);
    }
  });

  it('puts the class code on instances, and a more precise one where given', function () {
    expect(new api.ProtocolError('x').code).to.equal('ERR_H2_PROTOCOL');
    expect(new api.FlowControlError('x').code).to.equal('ERR_H2_FLOW_CONTROL');
    expect(new api.StreamClosedError(1).code).to.equal('ERR_H2_STREAM_CLOSED');
    expect(new api.StreamResetError(1, 8, true).code).to.equal('ERR_H2_STREAM_RESET');
    expect(new api.StreamResetError(1, 8, false, { code: 'ERR_H2_STREAM_IDLE_TIMEOUT' }).code).to.equal('ERR_H2_STREAM_IDLE_TIMEOUT');
    expect(new api.ConnectionClosedError('x').code).to.equal('ERR_H2_CONNECTION_CLOSED');
    expect(new api.AckTimeoutError('x').code).to.equal('ERR_H2_ACK_TIMEOUT');
    expect(new api.InvalidArgumentError('x').code).to.equal('ERR_H2_INVALID_ARG');
    expect(new api.InvalidArgumentError('x', 'ERR_H2_INVALID_OPTION')).to.be.instanceOf(TypeError);
    expect(new api.OutOfRangeError('x')).to.be.instanceOf(RangeError).and.have.property('code', 'ERR_H2_OUT_OF_RANGE');
  });

  it('documents every UsageError code', function () {
    for (const code of Object.values(api.UsageCodes)) {
      expect(rows.some((row) => row.startsWith(`| \`${code}\` | \`UsageError\``)), code).to.equal(true);
    }
  });

  it('documents every code that appears in src/ (every layer, every way it is set)', function () {
    const files = readdirSync(path.join(REPO_ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
    expect(files.length).to.be.greaterThan(50);
    const src = files.map((file) => readFileSync(path.join(REPO_ROOT, 'src', file), 'utf8')).join('\n');
    const codes = new Set([...src.matchAll(/'(ERR_H2_[A-Z0-9_]+)'/g)].map(([, code]) => String(code)));
    expect(codes).to.include('ERR_H2_ALPN_MISMATCH');
    for (const code of codes) expect(rows.some((row) => row.startsWith(`| \`${code}\``)), code).to.equal(true);
  });
});
