import { describe, expect, it } from 'vitest';
import { validateAccount } from '../../src/accounts/validation.ts';

const now = new Date('2026-11-28T12:00:00Z');

describe('account form rules', () => {
  it('accepts the IdNat formats of persons and structures', () => {
    for (const idnatPsc of ['810001234567', '899700771191', '872311221327', '0123456789', 'ANS20231122132732']) {
      expect(validateAccount({ nil: 'DEV935997', idnatPsc }, now)).toMatchObject({ ok: true });
    }
    for (const idnatAuthCli of ['1750000001', '10123456789', '2123456789', '312345678901234']) {
      expect(validateAccount({ nil: '4242', idnatAuthCli }, now)).toMatchObject({ ok: true });
    }
  });

  it('requires the NIL and at least one IdNat, with a French message per field', () => {
    const result = validateAccount({ nil: '  ', idnatPsc: '', idnatAuthCli: ' ' }, now);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.field, e.code])).toEqual([
      ['nil', 'required'],
      ['idnatPsc', 'one_required'],
    ]);
    expect(result.errors[0]!.message).toMatch(/obligatoire/);
  });

  it.each([
    ['871302301200', 'test_date_invalid'], // 30 February
    ['872611281260', 'test_date_invalid'], // minute 60
    ['872712010000', 'test_date_future'],
    ['7123', 'format'],
    ['81000123456', 'format'],
  ])('refuses the IdNat PSC %s (%s)', (idnatPsc, code) => {
    const result = validateAccount({ nil: 'x', idnatPsc }, now);
    expect(result).toMatchObject({ ok: false, errors: [{ field: 'idnatPsc', code }] });
  });

  it('judges the 87AAMMJJHHMM date as the PSC simulator does: French wall-clock time, no slack', () => {
    // now is 13:00 in Paris: 12:59 is past, 15:00 is two hours ahead (a day's slack in UTC used to let it in).
    expect(validateAccount({ nil: 'x', idnatPsc: '872611281259' }, now)).toMatchObject({ ok: true });
    expect(validateAccount({ nil: 'x', idnatPsc: '872611281500' }, now)).toMatchObject({
      ok: false,
      errors: [{ field: 'idnatPsc', code: 'test_date_future' }],
    });
  });

  it('refuses a structure IdNat without its prefix', () => {
    expect(validateAccount({ nil: 'x', idnatAuthCli: '123456789' }, now)).toMatchObject({
      ok: false,
      errors: [{ field: 'idnatAuthCli', code: 'format' }],
    });
    expect(validateAccount({ nil: 'x y', idnatAuthCli: '1750000001' }, now)).toMatchObject({
      ok: false,
      errors: [{ field: 'nil', code: 'format' }],
    });
  });
});
