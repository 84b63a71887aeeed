// Rules of the account form (manual §2.2.2): NIL required, at least one IdNat, and the IdNat formats of
// Pro Santé Connect (RPPS, ADELI, EDIT test identities) and of structures (FINESS, SIREN, SIRET).
import { t, type MessageKey } from '../i18n/messages.ts';
import { idnatProblem } from '../identity/psc/identities.ts';

export interface AccountInput {
  nil: string;
  idnatPsc?: string | undefined;
  idnatAuthCli?: string | undefined;
}

export type AccountField = 'nil' | 'idnatPsc' | 'idnatAuthCli';

export interface FieldError {
  field: AccountField;
  code: string;
  message: string;
}

export interface NormalisedAccount {
  nil: string;
  idnatPsc: string | null;
  idnatAuthCli: string | null;
}

/** Checks and normalises the form; errors are per field, in French, and never lose what was typed. */
export function validateAccount(
  input: AccountInput,
  now: Date = new Date(),
): { ok: true; value: NormalisedAccount } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const fail = (field: AccountField, code: string, key: MessageKey, params: Record<string, string | number> = {}) =>
    errors.push({ field, code, message: t(key, params) });
  const nil = input.nil.trim();
  const idnatPsc = input.idnatPsc?.trim() || null;
  const idnatAuthCli = input.idnatAuthCli?.trim() || null;

  if (!nil) fail('nil', 'required', 'account.error.nilRequired');
  else if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/.test(nil)) fail('nil', 'format', 'account.error.nilFormat');

  if (!idnatPsc && !idnatAuthCli) fail('idnatPsc', 'one_required', 'account.error.oneIdnatRequired');
  if (idnatPsc) {
    const problem = idnatPscProblem(idnatPsc, now);
    if (problem) fail('idnatPsc', problem.code, problem.key, problem.params);
  }
  if (idnatAuthCli) {
    const problem = idnatAuthCliProblem(idnatAuthCli);
    if (problem) fail('idnatAuthCli', problem.code, problem.key);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { nil, idnatPsc, idnatAuthCli } };
}

type Problem = { code: string; key: MessageKey; params?: Record<string, string | number> };

/**
 * IdNat of a person: `8` + RPPS (11 digits) — which includes the manual's EDIT test format `87AAMMJJHHMM`,
 * whose date must be real and not in the future —, `0` + ADELI (9 digits), or an EDIT identity `ANS` +
 * timestamp (requirements.md §2.5).
 */
export function idnatPscProblem(idnat: string, now: Date = new Date()): Problem | undefined {
  if (/^87\d{10}$/.test(idnat)) {
    // The PSC simulator's own rule (French wall-clock time), so that the form accepts what EDIT accepts.
    const problem = idnatProblem(idnat, now);
    if (problem === 'idnat_date')
      return { code: 'test_date_invalid', key: 'account.error.idnatPscTestDate', params: { idnat } };
    if (problem === 'idnat_future')
      return { code: 'test_date_future', key: 'account.error.idnatPscTestFuture', params: { idnat } };
    return undefined;
  }
  if (/^8\d{11}$/.test(idnat) || /^0\d{9}$/.test(idnat) || /^ANS\d{14}$/.test(idnat)) return undefined;
  return { code: 'format', key: 'account.error.idnatPscFormat', params: { idnat } };
}

/** IdNat of a structure: `1` + FINESS (9 digits; the manual's example has 10), `2` + SIREN (9), `3` + SIRET (14). */
export function idnatAuthCliProblem(idnat: string): Problem | undefined {
  if (/^1\d{9,10}$/.test(idnat) || /^2\d{9}$/.test(idnat) || /^3\d{14}$/.test(idnat)) return undefined;
  return { code: 'format', key: 'account.error.idnatAuthCliFormat' };
}
