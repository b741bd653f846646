import { jest } from '@jest/globals';
import { TtlCache } from './ttl-cache.js';

describe('TtlCache', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('should reuse a value within its time and load it again after', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-20T10:00:00Z') });
    const sut = new TtlCache<number>(60_000);
    let loads = 0;
    const load = () => Promise.resolve(++loads);

    expect(await sut.get('a', load)).toBe(1);
    jest.setSystemTime(new Date('2026-11-20T10:00:59Z'));
    expect(await sut.get('a', load)).toBe(1);
    expect(await sut.get('b', load)).toBe(2);
    jest.setSystemTime(new Date('2026-11-20T10:01:01Z'));
    expect(await sut.get('a', load)).toBe(3);
  });

  it('should not keep a failed load', async () => {
    const sut = new TtlCache<number>(60_000);
    await expect(sut.get('a', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await sut.get('a', () => Promise.resolve(7))).toBe(7);
  });

  it('should read the time from the source it is given', async () => {
    let now = 1_000_000;
    const sut = new TtlCache<number>(60_000, 100, () => now);
    let loads = 0;
    const load = () => Promise.resolve(++loads);

    expect(await sut.get('a', load)).toBe(1);
    now += 60_000;
    expect(await sut.get('a', load)).toBe(1);
    now += 1;
    expect(await sut.get('a', load)).toBe(2);
  });
});
