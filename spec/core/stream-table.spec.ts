/**
 * StreamTable: values by stream id in an open-addressed table, checked against a Map doing the
 * same operations: growth, deletion by backward shift across the table's end, sweeps that
 * delete while they walk.
 */
import { expect } from 'chai';
import { EMPTY_STREAM_TABLE, StreamTable } from '../../src/core/stream-table.js';

/** A small deterministic PRNG (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The table's entries as [id, value] pairs sorted by id. */
function entriesOf(table: StreamTable<string>): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  table.forEach((list, value, id) => list.push([id, value]), out);
  return out.sort((a, b) => a[0] - b[0]);
}

function expectSame(table: StreamTable<string>, oracle: Map<number, string>): void {
  expect(table.size).to.equal(oracle.size);
  expect(entriesOf(table)).to.deep.equal([...oracle].sort((a, b) => a[0] - b[0]));
  for (const [id, value] of oracle) expect(table.get(id)).to.equal(value);
}

describe('StreamTable', function () {
  it('adds, replaces, finds and deletes like a Map', function () {
    const table = new StreamTable<string>();
    expect(table.get(1)).to.equal(undefined);
    expect(table.has(1)).to.equal(false);
    table.set(1, 'a').set(3, 'b').set(2, 'c');
    table.set(3, 'B');
    expect(table.size).to.equal(3);
    expect(table.get(3)).to.equal('B');
    expect(table.delete(3)).to.equal(true);
    expect(table.delete(3)).to.equal(false);
    expect(table.has(3)).to.equal(false);
    expect(table.values()).to.deep.equal(['a', 'c']);
  });

  it('matches a Map over 20,000 random operations on a sliding window of ids (growth, runs that wrap, backward shifts)', function () {
    const next = random(7);
    const table = new StreamTable<string>();
    const oracle = new Map<number, string>();
    let highest = 1;
    for (let i = 0; i < 20_000; i++) {
      const r = next();
      if (r < 0.45) {
        // A new stream: ids climb, of both parities, as a client's and a server's push do.
        highest += 1 + Math.floor(next() * 3);
        table.set(highest, `v${highest}`);
        oracle.set(highest, `v${highest}`);
      } else if (r < 0.9) {
        const id = highest - Math.floor(next() * 64);
        expect(table.delete(id)).to.equal(oracle.delete(id));
      } else {
        const id = highest - Math.floor(next() * 64);
        expect(table.get(id)).to.equal(oracle.get(id));
      }
      if (i % 997 === 0) expectSame(table, oracle);
    }
    expectSame(table, oracle);
  });

  it('sweep visits every entry once and deletes those the visitor picks, even where runs wrap the table', function () {
    const next = random(11);
    for (let round = 0; round < 200; round++) {
      const table = new StreamTable<string>();
      const oracle = new Map<number, string>();
      const count = 1 + Math.floor(next() * 40);
      for (let i = 0; i < count; i++) {
        const id = 1 + Math.floor(next() * (2 ** 31 - 2));
        table.set(id, `v${id}`);
        oracle.set(id, `v${id}`);
      }
      const seen: number[] = [];
      const drop = (id: number): boolean => id % 3 === 0;
      table.sweep((visited, _value, id) => {
        visited.push(id);
        return drop(id);
      }, seen);
      expect(seen.sort((a, b) => a - b)).to.deep.equal([...oracle.keys()].sort((a, b) => a - b));
      for (const id of [...oracle.keys()]) if (drop(id)) oracle.delete(id);
      expectSame(table, oracle);
    }
  });

  it('shrinks after a burst and grows again, keeping every entry', function () {
    const table = new StreamTable<string>();
    const oracle = new Map<number, string>();
    for (let id = 1; id <= 4001; id += 2) {
      table.set(id, `v${id}`);
      oracle.set(id, `v${id}`);
    }
    expect(table.capacity).to.equal(4096);
    // Delete all but every 50th, half through delete() and half through a sweep.
    for (let id = 1; id <= 2001; id += 2) if (id % 100 !== 1) expect(table.delete(id)).to.equal(oracle.delete(id));
    table.sweep((o, _value, id) => id % 100 !== 1 && o.delete(id), oracle);
    expectSame(table, oracle);
    expect(table.size).to.equal(41);
    expect(table.capacity).to.be.at.most(256); // halved while deletes took it below an eighth full
    expect(table.capacity).to.be.at.least(82); // never below twice what it holds
    for (let id = 4003; id <= 6001; id += 2) {
      table.set(id, `v${id}`);
      oracle.set(id, `v${id}`);
    }
    expectSame(table, oracle);
  });

  it('values() is sorted by id: for each side, the order its streams opened', function () {
    const table = new StreamTable<number>();
    for (const id of [9, 2, 7, 4, 1, 1000001]) table.set(id, id);
    expect(table.values()).to.deep.equal([1, 2, 4, 7, 9, 1000001]);
  });

  it('refuses stream 0 and ids past 2^31 − 1 (an internal error, not a silent miss)', function () {
    const table = new StreamTable<string>();
    expect(() => table.set(0, 'x')).to.throw(RangeError);
    expect(() => table.set(2 ** 31, 'x')).to.throw(RangeError);
    expect(table.get(0)).to.equal(undefined);
    table.set(2 ** 31 - 1, 'last');
    expect(table.get(2 ** 31 - 1)).to.equal('last');
  });

  it('the shared empty table refuses writes', function () {
    expect(EMPTY_STREAM_TABLE.size).to.equal(0);
    expect(() => (EMPTY_STREAM_TABLE as StreamTable<string>).set(1, 'x')).to.throw(/shared empty StreamTable/);
  });
});
