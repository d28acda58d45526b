import { expect } from 'chai';
import { ChangedSetting, InvalidSettingsValueError, SettingCodes, Settings } from '../../src/index.js';

describe('Settings (h2 settings.py)', function () {
  it('starts with h2 defaults in h2 order, then the initial values in the order given', function () {
    const s = new Settings(false, new Map([[SettingCodes.MAX_CONCURRENT_STREAMS, 100], [SettingCodes.MAX_HEADER_LIST_SIZE, 65536]]));
    expect([...s]).to.deep.equal([
      [1, 4096],
      [2, 0],
      [4, 65535],
      [5, 16384],
      [8, 0],
      [3, 100],
      [6, 65536],
    ]);
    expect(s.size).to.equal(7);
    expect(s.keys()).to.deep.equal([1, 2, 4, 5, 8, 3, 6]);
    expect(new Settings(true).enablePush).to.equal(1);
  });

  it('an initial value for a default code changes it in place', function () {
    const s = new Settings(true, { [SettingCodes.INITIAL_WINDOW_SIZE]: 1 << 20 });
    expect(s.keys()).to.deep.equal([1, 2, 4, 5, 8]);
    expect(s.initialWindowSize).to.equal(1 << 20);
  });

  it('keeps set() values pending until acknowledged, oldest first, and reports what changed', function () {
    const s = new Settings(false);
    s.maxConcurrentStreams = 10;
    s.maxConcurrentStreams = 20;
    s.initialWindowSize = 100;
    // A new code is listed once it has a value; its place in the order is taken at set().
    expect(s.has(SettingCodes.MAX_CONCURRENT_STREAMS)).to.equal(false);
    expect(s.maxConcurrentStreams).to.equal(2 ** 32 + 1);
    const first = s.acknowledge();
    expect([...first.values()]).to.deep.equal([new ChangedSetting(4, 65535, 100), new ChangedSetting(3, null, 10)]);
    expect(s.maxConcurrentStreams).to.equal(10);
    expect([...s.acknowledge().values()]).to.deep.equal([new ChangedSetting(3, 10, 20)]);
    expect(s.acknowledge().size).to.equal(0);
    expect(s.keys()).to.deep.equal([1, 2, 4, 5, 8, 3]);
  });

  it('two instances with the same order do not share values', function () {
    const a = new Settings(false, { [SettingCodes.MAX_CONCURRENT_STREAMS]: 1 });
    const b = new Settings(false, { [SettingCodes.MAX_CONCURRENT_STREAMS]: 2 });
    a.maxConcurrentStreams = 5;
    a.acknowledge();
    expect(a.maxConcurrentStreams).to.equal(5);
    expect(b.maxConcurrentStreams).to.equal(2);
  });

  it('delete() removes a code and its pending values; a later set() adds it at the end', function () {
    const s = new Settings(false, { [SettingCodes.MAX_HEADER_LIST_SIZE]: 100, [SettingCodes.MAX_CONCURRENT_STREAMS]: 7 });
    s.maxHeaderListSize = 200;
    s.maxHeaderListSize = null;
    expect(s.maxHeaderListSize).to.equal(null);
    expect(s.delete(SettingCodes.MAX_HEADER_LIST_SIZE)).to.equal(false);
    expect(s.acknowledge().size).to.equal(0);
    s.maxHeaderListSize = 300;
    s.acknowledge();
    expect([...s].slice(5)).to.deep.equal([
      [3, 7],
      [6, 300],
    ]);
  });

  it('takes any number of unknown codes, each order its own (a peer may make them up)', function () {
    const all = Array.from({ length: 200 }, (_, i) => {
      const code = 0x100 + i;
      return new Settings(false, { [code]: i });
    });
    all.forEach((s, i) => {
      expect(s.get(0x100 + i)).to.equal(i);
      expect(s.keys()).to.deep.equal([1, 2, 4, 5, 8, 0x100 + i]);
    });
  });

  it('keeps the first 32 codes a peer made up and ignores the rest (RFC 9113 §6.5.2), in order, each as cheap as the first', function () {
    const s = new Settings(false);
    const codes = Array.from({ length: 5000 }, (_, i) => 0x100 + i);
    // 5000 SETTINGS frames' worth, each acknowledged: the work per frame does not grow.
    for (const code of codes) {
      s.set(code, code & 0xff);
      s.acknowledge();
    }
    s.maxConcurrentStreams = 9;
    expect([...s.acknowledge().keys()]).to.deep.equal([3]);
    expect(s.keys()).to.deep.equal([1, 2, 4, 5, 8, ...codes.slice(0, 32), 3]);
    expect(s.get(0x100 + 31)).to.equal(31);
    expect(s.get(0x100 + 32)).to.equal(undefined);
    expect(s.maxConcurrentStreams).to.equal(9);
    expect(s.delete(0x100)).to.equal(true);
    expect(s.has(0x100)).to.equal(false);
    expect(s.size).to.equal(5 + 31 + 1);
  });

  it('refuses a value out of its RFC range', function () {
    expect(() => new Settings(false).set(SettingCodes.ENABLE_PUSH, 2)).to.throw(InvalidSettingsValueError);
    expect(() => new Settings(false, { [SettingCodes.MAX_FRAME_SIZE]: 100 })).to.throw(InvalidSettingsValueError);
  });
});
