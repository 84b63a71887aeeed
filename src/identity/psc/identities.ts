// PSC test identities, as the EDIT tool creates them in the PSC sandbox: an IdNat, a civilité, names and a
// profession. The IdNat is either `8` + an 11-digit RPPS number, or the MOTCO2 manual's test format
// `87AAMMJJHHMM` (87 + the creation date and time, which must be a real moment, not in the future).
// Each identity belongs to an organisation: the vendor's who created it, or the one whose product account names
// it as IdNat PSC; one without an owner (created by the operator) is for the operator and admins only, until an
// account names it (src/accounts/accounts.ts claims it then). Only an identity's organisation sees it, picks it
// on the e-CPS login and approves its CIBA requests.
import { t } from '../../i18n/messages.ts';
import type { IdentityDb } from '../db.ts';

export const CIVILITES = ['M', 'Mme'] as const;
export type Civilite = (typeof CIVILITES)[number];

/** Professions (code of the TRE_G15 nomenclature → French label). */
export const PROFESSIONS: Record<string, string> = {
  '10': 'Médecin',
  '21': 'Pharmacien',
  '40': 'Chirurgien-dentiste',
  '50': 'Sage-femme',
  '60': 'Infirmier',
  '70': 'Masseur-kinésithérapeute',
};

export interface PscIdentity {
  idnat: string;
  civilite: Civilite | null;
  givenName: string;
  familyName: string;
  /** Profession code (PROFESSIONS), if given. */
  profession: string | null;
  /** The owning organisation (platform organisation id); null: the operator's. */
  organisationId: number | null;
  createdAt: number;
}

/**
 * Whose identities a caller may see and use: an organisation's vendors their own, the platform (admins, operator) all.
 */
export type IdentityScope = { organisationId: number } | 'all';

function inScope(identity: PscIdentity, scope: IdentityScope): boolean {
  return scope === 'all' || identity.organisationId === scope.organisationId;
}

export interface IdentityInput {
  idnat?: string | undefined;
  civilite?: string | undefined;
  givenName?: string | undefined;
  familyName?: string | undefined;
  profession?: string | undefined;
}

/** Why an input was refused, field by field: a stable code each (the pages and the CLI word it). */
export type IdentityProblem =
  | 'idnat_missing'
  | 'idnat_format'
  | 'idnat_date'
  | 'idnat_future'
  | 'idnat_exists'
  | 'idnat_other_organisation'
  | 'civilite_invalid'
  | 'given_missing'
  | 'family_missing'
  | 'name_too_long'
  | 'profession_invalid';

export class IdentityError extends Error {
  constructor(readonly problems: Partial<Record<keyof IdentityInput, IdentityProblem>>) {
    super(
      Object.entries(problems)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', '),
    );
  }
}

/** The French message of each problem, per field (pages, API and CLI word them alike). */
export function problemMessages(error: IdentityError): Partial<Record<keyof IdentityInput, string>> {
  return Object.fromEntries(Object.entries(error.problems).map(([k, code]) => [k, t(`psc.identity.${code}`)]));
}

/** Checks an IdNat; `now` decides what "in the future" means for the 87AAMMJJHHMM format. */
export function idnatProblem(idnat: string, now = new Date()): IdentityProblem | undefined {
  if (!idnat) return 'idnat_missing';
  if (!/^8\d{11}$/.test(idnat)) return 'idnat_format';
  if (!idnat.startsWith('87')) return undefined;
  const [yy, mm, dd, hh, mi] = [2, 4, 6, 8, 10].map((i) => Number(idnat.slice(i, i + 2))) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const year = 2000 + yy;
  const daysInMonth = new Date(Date.UTC(year, mm, 0)).getUTCDate();
  if (mm < 1 || mm > 12 || dd < 1 || dd > daysInMonth || hh > 23 || mi > 59) return 'idnat_date';
  // The creation time is French wall-clock time: compare it with the current time in Paris, digit for digit.
  return idnat.slice(2) > parisStamp(now) ? 'idnat_future' : undefined;
}

/** AAMMJJHHMM of a moment in Europe/Paris. */
function parisStamp(date: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('fr-FR', {
      timeZone: 'Europe/Paris',
      year: '2-digit',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(date)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}${parts.month}${parts.day}${parts.hour}${parts.minute}`;
}

/** A test IdNat in the manual's format for a creation moment (now by default). */
export function testIdnat(date = new Date()): string {
  return `87${parisStamp(date)}`;
}

const MAX_NAME = 100;

export class PscIdentities {
  constructor(private readonly db: IdentityDb) {}

  /**
   * Validates and creates; throws IdentityError with every problem found. The owner is `organisationId` (a vendor
   * creating it), else the organisation of an account that already names the IdNat, else nobody (the operator).
   */
  async create(input: IdentityInput, o: { organisationId?: number | null; now?: Date } = {}): Promise<PscIdentity> {
    const now = o.now ?? new Date();
    const idnat = (input.idnat ?? '').trim();
    const givenName = (input.givenName ?? '').trim();
    const familyName = (input.familyName ?? '').trim();
    const civilite = (input.civilite ?? '').trim();
    const profession = (input.profession ?? '').trim();
    const problems: IdentityError['problems'] = {};
    const idProblem = idnatProblem(idnat, now);
    let owner = o.organisationId ?? null;
    if (idProblem) problems.idnat = idProblem;
    else if (await this.find(idnat)) problems.idnat = 'idnat_exists';
    else {
      const named = await this.namedBy(idnat);
      if (named !== undefined && owner !== null && named !== owner) problems.idnat = 'idnat_other_organisation';
      owner ??= named ?? null;
    }
    if (civilite && !(CIVILITES as readonly string[]).includes(civilite)) problems.civilite = 'civilite_invalid';
    if (!givenName) problems.givenName = 'given_missing';
    else if (givenName.length > MAX_NAME) problems.givenName = 'name_too_long';
    if (!familyName) problems.familyName = 'family_missing';
    else if (familyName.length > MAX_NAME) problems.familyName = 'name_too_long';
    if (profession && !(profession in PROFESSIONS)) problems.profession = 'profession_invalid';
    if (Object.keys(problems).length) throw new IdentityError(problems);
    const row = {
      idnat,
      civilite: civilite || null,
      given_name: givenName,
      family_name: familyName,
      profession: profession || null,
      organisation_id: owner,
      created_at: Date.now(),
    };
    const inserted = await this.db
      .insertInto('psc_identities')
      .values(row)
      .onConflict((oc) => oc.column('idnat').doNothing())
      .returningAll()
      .executeTakeFirst();
    // Another process may have created the same IdNat between the check and the insert.
    if (!inserted) throw new IdentityError({ idnat: 'idnat_exists' });
    return toIdentity(inserted);
  }

  async find(idnat: string): Promise<PscIdentity | undefined> {
    const row = await this.db.selectFrom('psc_identities').selectAll().where('idnat', '=', idnat).executeTakeFirst();
    return row ? toIdentity(row) : undefined;
  }

  /** The identity when the scope may use it; another organisation's answers as one that does not exist. */
  async findIn(idnat: string, scope: IdentityScope): Promise<PscIdentity | undefined> {
    const identity = await this.find(idnat);
    return identity && inScope(identity, scope) ? identity : undefined;
  }

  async list(scope: IdentityScope = 'all'): Promise<PscIdentity[]> {
    let query = this.db.selectFrom('psc_identities').selectAll().orderBy('id');
    if (scope !== 'all') query = query.where('organisation_id', '=', scope.organisationId);
    return (await query.execute()).map(toIdentity);
  }

  /** A product account of the organisation names this IdNat: an identity nobody owns becomes its. */
  async claim(idnat: string, organisationId: number): Promise<void> {
    await this.db
      .updateTable('psc_identities')
      .set({ organisation_id: organisationId })
      .where('idnat', '=', idnat)
      .where('organisation_id', 'is', null)
      .execute();
  }

  /** The organisation of a product account naming the IdNat as IdNat PSC, now or in a waiting modification. */
  private async namedBy(idnat: string): Promise<number | undefined> {
    const rows = await this.db
      .selectFrom('product_accounts')
      .select(['organisation_id', 'idnat_psc', 'pending'])
      .where((eb) => eb.or([eb('idnat_psc', '=', idnat), eb('pending', 'is not', null)]))
      .execute();
    const row = rows.find(
      (r) =>
        r.idnat_psc === idnat ||
        (r.pending !== null && (JSON.parse(r.pending) as { idnatPsc?: string | null }).idnatPsc === idnat),
    );
    return row ? Number(row.organisation_id) : undefined;
  }
}

function toIdentity(row: {
  idnat: string;
  civilite: string | null;
  given_name: string;
  family_name: string;
  profession: string | null;
  organisation_id: number | null;
  created_at: number;
}): PscIdentity {
  return {
    idnat: row.idnat,
    civilite: row.civilite as Civilite | null,
    givenName: row.given_name,
    familyName: row.family_name,
    profession: row.profession,
    organisationId: row.organisation_id === null ? null : Number(row.organisation_id),
    createdAt: Number(row.created_at),
  };
}

/** The claims PSC gives about an identity (names as in PSC BAS tokens and userinfo). */
export function pscClaims(identity: PscIdentity): Record<string, unknown> {
  return {
    SubjectNameID: identity.idnat,
    preferred_username: identity.idnat,
    given_name: identity.givenName,
    family_name: identity.familyName,
    ...(identity.civilite
      ? { SubjectRefPro: { codeCivilite: identity.civilite, exercices: exercices(identity) } }
      : { SubjectRefPro: { exercices: exercices(identity) } }),
    otherIds: [{ identifiant: identity.idnat, origine: identity.idnat.startsWith('87') ? 'EDIT' : 'RPPS', qualite: 1 }],
  };
}

function exercices(identity: PscIdentity): Record<string, unknown>[] {
  if (!identity.profession) return [];
  return [
    {
      codeProfession: identity.profession,
      libelleProfession: PROFESSIONS[identity.profession],
      nomDexercice: identity.familyName,
      prenomDexercice: identity.givenName,
    },
  ];
}
