import { afterEach, describe, expect, it, vi } from 'vitest';
import { insKey, runnerUserId, testInsMatricule } from '../../src/accounts/identifiers.ts';
import { nextRunAt, ProvisioningSchedule } from '../../src/accounts/schedule.ts';
import { hashSecret, newSecret } from '../../src/auth/secret.ts';
import { silentLogger } from '../../src/util/log.ts';

describe('account identifiers', () => {
  it('draws runner user ids of 12 upper-case letters and digits, like CTRW3E0R0175', () => {
    const ids = Array.from({ length: 200 }, runnerUserId);
    for (const id of ids) expect(id).toMatch(/^[A-Z0-9]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('draws 15-digit INS matricules shaped like a NIR, with a valid control key', () => {
    for (let i = 0; i < 200; i++) {
      const matricule = testInsMatricule();
      expect(matricule).toMatch(/^[12]\d{2}(0[1-9]|1[0-2])\d{8}\d{2}$/);
      expect(matricule.slice(5, 7)).not.toBe('20');
      expect(Number(matricule.slice(13))).toBe(97 - Number(BigInt(matricule.slice(0, 13)) % 97n));
    }
    // A published example: NIR 1 84 12 76 451 089, key 46.
    expect(insKey('1841276451089')).toBe(46);
  });
});

describe('API secrets', () => {
  it('are random and kept as their SHA-256 only', () => {
    const secret = newSecret('motco_');
    expect(secret).toMatch(/^motco_[\w-]{43}$/);
    expect(newSecret('motco_')).not.toBe(secret);
    expect(hashSecret(secret)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSecret(secret)).not.toContain(secret.slice(6, 20));
  });
});

describe('provisioning schedule', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('finds the next local HH:MM strictly after now', () => {
    const at = (d: number, h: number, m: number, s = 0) => new Date(2026, 10, d, h, m, s);
    expect(nextRunAt(at(28, 1, 30), '02:00')).toEqual(at(28, 2, 0));
    expect(nextRunAt(at(28, 2, 0), '02:00')).toEqual(at(29, 2, 0));
    expect(nextRunAt(at(28, 23, 59, 59), '00:00')).toEqual(at(29, 0, 0));
    expect(nextRunAt(at(30, 12, 0), '02:00')).toEqual(new Date(2026, 11, 1, 2, 0));
  });

  it('runs the batch each night at the configured time, and not after stop', async () => {
    vi.useFakeTimers({ now: new Date(2026, 10, 28, 1, 59, 0) });
    const run = vi.fn(async () => ({ provisioned: [], failed: [] }));
    const schedule = new ProvisioningSchedule({ provisioning: 'nightly', nightlyAt: '02:00' }, run, silentLogger);
    schedule.start();
    expect(schedule.nextRun()).toEqual(new Date(2026, 10, 28, 2, 0));
    await vi.advanceTimersByTimeAsync(59_000);
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(run).toHaveBeenCalledTimes(1);
    expect(schedule.nextRun()).toEqual(new Date(2026, 10, 29, 2, 0));
    await vi.advanceTimersByTimeAsync(24 * 3600 * 1000);
    expect(run).toHaveBeenCalledTimes(2);
    await schedule.stop();
    await vi.advanceTimersByTimeAsync(24 * 3600 * 1000);
    expect(run).toHaveBeenCalledTimes(2);
    expect(schedule.nextRun()).toBeNull();
  });

  it('in immediate mode, runs once at start to finish what was left waiting', async () => {
    const run = vi.fn(async () => ({ provisioned: [], failed: [] }));
    const schedule = new ProvisioningSchedule({ provisioning: 'immediate', nightlyAt: '02:00' }, run, silentLogger);
    schedule.start();
    await schedule.stop();
    expect(run).toHaveBeenCalledTimes(1);
    expect(schedule.nextRun()).toBeNull();
  });
});
