// Pure pieces of the identity side: IdNat rules, telling tokens apart, password hashes.
import { describe, expect, it } from 'vitest';
import { hashPassword, passwordMatches } from '../../src/identity/isc/directory.ts';
import { idnatProblem, testIdnat } from '../../src/identity/psc/identities.ts';
import { tokenKind } from '../../src/identity/tokens.ts';

describe('IdNat of PSC test identities', () => {
  const now = new Date('2026-11-29T10:30:00Z'); // 11:30 in Paris

  it('accepts 8 + RPPS and 87AAMMJJHHMM up to the current minute in Paris', () => {
    expect(idnatProblem('810003456789', now)).toBeUndefined();
    expect(idnatProblem('899700771191', now)).toBeUndefined();
    expect(idnatProblem('872611291130', now)).toBeUndefined();
    expect(idnatProblem('872402291200', now)).toBeUndefined(); // 29 February 2024
    expect(testIdnat(now)).toBe('872611291130');
  });

  it.each([
    ['', 'idnat_missing'],
    ['81000345678', 'idnat_format'],
    ['010003456789', 'idnat_format'],
    ['8100034567890', 'idnat_format'],
    ['87261129113a', 'idnat_format'],
    ['872302291200', 'idnat_date'],
    ['872613011200', 'idnat_date'],
    ['872611292400', 'idnat_date'],
    ['872611291160', 'idnat_date'],
    ['872611291131', 'idnat_future'],
    ['872701010000', 'idnat_future'],
  ])('%s → %s', (idnat, problem) => {
    expect(idnatProblem(idnat, now)).toBe(problem);
  });
});

describe('token kinds', () => {
  it.each([
    [{ typ: 'at+jwt' }, { scope: 'openid' }, 'access_token'],
    [{ typ: 'JWT' }, { typ: 'Bearer', aud: 'account' }, 'access_token'],
    [{ typ: 'JWT' }, { typ: 'ID', aud: 'client' }, 'id_token'],
    [{ typ: 'JWT' }, { typ: 'Refresh', aud: 'https://issuer' }, 'refresh_token'],
    [{ typ: 'JWT' }, { typ: 'Offline' }, 'refresh_token'],
    [{}, { nonce: 'n', aud: 'client' }, 'id_token'],
    [{}, { aud: 'client', sub: 'x' }, 'id_token'],
    [{}, { scope: 'openid scope_all', aud: 'api' }, 'access_token'],
    [{}, { sub: 'x' }, 'unknown'],
  ] as [Record<string, unknown>, Record<string, unknown>, string][])('%j %j → %s', (header, payload, kind) => {
    expect(tokenKind(header, payload)).toBe(kind);
  });
});

describe('ISC password hashes', () => {
  it('verifies the right password only and never stores it in clear', async () => {
    const hash = await hashPassword('mot de passe');
    expect(hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(hash).not.toContain('mot de passe');
    expect(await passwordMatches('mot de passe', hash)).toBe(true);
    expect(await passwordMatches('mot de passe ', hash)).toBe(false);
  });
});
