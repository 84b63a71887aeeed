// The platform's own people: vendor organisations and their users (known from their ISC login, or added by the
// operator), agency reviewers and operators. Distinct from the ISC simulator's directory, which plays the
// identity provider: this one is what the accounts, the API and the roles rely on, whichever ISC is used.
import type { Kysely } from 'kysely';
import { t, type MessageKey } from '../i18n/messages.ts';
import type { Database } from '../store/schema.ts';

export type Role = 'vendor' | 'reviewer' | 'admin';
const ROLES: readonly Role[] = ['vendor', 'reviewer', 'admin'];

export interface Organisation {
  id: number;
  raisonSociale: string;
  /** SIRET (14 digits) or SIREN (9): how ISC names the organisation in its claims. */
  immatriculation: string;
  telephone: string | null;
  adresse: string | null;
}

export interface PlatformUser {
  id: number;
  login: string;
  iscSubject: string | null;
  civilite: string | null;
  givenName: string | null;
  familyName: string | null;
  email: string | null;
  role: Role;
  /** A vendor's organisation; null for reviewers and admins. */
  organisation: Organisation | null;
}

export interface OrganisationInput {
  raisonSociale?: string | null | undefined;
  immatriculation?: string | null | undefined;
  telephone?: string | null | undefined;
  adresse?: string | null | undefined;
}

export interface UserInput {
  login?: string | undefined;
  role?: string | undefined;
  /** The organisation's immatriculation (vendors only). */
  organisation?: string | undefined;
  civilite?: string | undefined;
  givenName?: string | undefined;
  familyName?: string | undefined;
  email?: string | undefined;
  iscSubject?: string | undefined;
}

/** The claims ISC shares with the platform (README, Industriels Santé Connect). */
export interface IscClaims {
  sub: string;
  preferred_username?: string;
  civilite?: string | null;
  given_name?: string | null;
  family_name?: string | null;
  email?: string | null;
  organisation?: {
    raison_sociale?: string | null;
    immatriculation?: string | null;
    telephone?: string | null;
    adresse?: string | null;
  };
}

export class PlatformDirectoryError extends Error {
  /** Field → French message. */
  constructor(readonly problems: Record<string, string>) {
    super(
      Object.entries(problems)
        .map(([k, v]) => `${k}: ${v}`)
        .join(' '),
    );
  }
}

const clean = (v: string | null | undefined) => (v ?? '').trim();
const problem = (key: MessageKey) => t(key);
const LOGIN = /^[a-z0-9][a-z0-9._-]{1,63}$/;

export class PlatformDirectory {
  constructor(private readonly db: Kysely<Database>) {}

  async createOrganisation(input: OrganisationInput): Promise<Organisation> {
    const v = organisationValues(input);
    const problems = organisationProblems(v);
    if (!problems.immatriculation && (await this.organisation(v.immatriculation)))
      problems.immatriculation = problem('isc.problem.immatriculation_exists');
    if (Object.keys(problems).length) throw new PlatformDirectoryError(problems);
    const now = Date.now();
    const row = await this.db
      .insertInto('organisations')
      .values({
        raison_sociale: v.raisonSociale,
        immatriculation: v.immatriculation,
        telephone: v.telephone || null,
        adresse: v.adresse || null,
        created_at: now,
        updated_at: now,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toOrganisation(row);
  }

  async organisation(immatriculation: string): Promise<Organisation | undefined> {
    const row = await this.db
      .selectFrom('organisations')
      .selectAll()
      .where('immatriculation', '=', immatriculation.replace(/\s+/g, ''))
      .executeTakeFirst();
    return row && toOrganisation(row);
  }

  async organisations(): Promise<Organisation[]> {
    return (await this.db.selectFrom('organisations').selectAll().orderBy('id').execute()).map(toOrganisation);
  }

  async createUser(input: UserInput): Promise<PlatformUser> {
    const login = clean(input.login).toLowerCase();
    const role = clean(input.role) || 'vendor';
    const immatriculation = clean(input.organisation).replace(/\s+/g, '');
    const problems: Record<string, string> = {};
    if (!login) problems.login = problem('isc.problem.required');
    else if (!LOGIN.test(login)) problems.login = problem('isc.problem.login_format');
    else if (await this.user(login)) problems.login = problem('isc.problem.login_exists');
    if (!ROLES.includes(role as Role)) problems.role = t('directory.roleInvalid', { roles: ROLES.join(', ') });
    const organisation = immatriculation ? await this.organisation(immatriculation) : undefined;
    if (role === 'vendor' && !immatriculation) problems.organisation = t('directory.organisationRequired');
    else if (immatriculation && !organisation) problems.organisation = problem('isc.problem.organisation_unknown');
    else if (role !== 'vendor' && organisation) problems.organisation = t('directory.organisationForVendors');
    const civilite = clean(input.civilite);
    if (civilite && !['M', 'Mme'].includes(civilite)) problems.civilite = problem('isc.problem.civilite_invalid');
    const email = clean(input.email);
    if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) problems.email = problem('isc.problem.email_format');
    if (Object.keys(problems).length) throw new PlatformDirectoryError(problems);
    const now = Date.now();
    const row = await this.db
      .insertInto('platform_users')
      .values({
        login,
        isc_subject: clean(input.iscSubject) || null,
        civilite: civilite || null,
        given_name: clean(input.givenName) || null,
        family_name: clean(input.familyName) || null,
        email: email || null,
        organisation_id: organisation?.id ?? null,
        role,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return (await this.userById(Number(row.id)))!;
  }

  /**
   * The user behind an ISC login, created or brought up to date from the claims (the account site's login
   * calls this, then starts a session). Found by ISC subject; failing that, an agency reviewer or an admin
   * the operator created with the person's ISC login and e-mail address (`motco user add --login <ISC login>
   * --email <address> --role reviewer`) is bound to that subject at their first login, keeping their role —
   * both must match: ISC e-mails each login's code to that address, so a namesake's login alone is not enough.
   * Anyone else is a new vendor of the claimed organisation.
   */
  async fromIscClaims(claims: IscClaims): Promise<PlatformUser> {
    const claimed = claims.organisation ?? {};
    const v = organisationValues({
      raisonSociale: claimed.raison_sociale,
      immatriculation: claimed.immatriculation,
      telephone: claimed.telephone,
      adresse: claimed.adresse,
    });
    const problems = organisationProblems(v);
    if (Object.keys(problems).length) throw new PlatformDirectoryError(problems);
    const now = Date.now();
    const organisation = await this.db
      .insertInto('organisations')
      .values({
        raison_sociale: v.raisonSociale,
        immatriculation: v.immatriculation,
        telephone: v.telephone || null,
        adresse: v.adresse || null,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.column('immatriculation').doUpdateSet({
          raison_sociale: v.raisonSociale,
          telephone: v.telephone || null,
          adresse: v.adresse || null,
          updated_at: now,
        }),
      )
      .returning('id')
      .executeTakeFirstOrThrow();
    const profile = {
      civilite: claims.civilite ?? null,
      given_name: claims.given_name ?? null,
      family_name: claims.family_name ?? null,
      email: claims.email ?? null,
      organisation_id: Number(organisation.id),
      updated_at: now,
    };
    const existing =
      (await this.db
        .selectFrom('platform_users')
        .select(['id', 'role'])
        .where('isc_subject', '=', claims.sub)
        .executeTakeFirst()) ??
      (await this.db
        .selectFrom('platform_users')
        .select(['id', 'role'])
        .where('login', '=', clean(claims.preferred_username).toLowerCase())
        .where((eb) => eb(eb.fn('lower', ['email']), '=', clean(claims.email).toLowerCase()))
        .where('isc_subject', 'is', null)
        .where('role', 'in', ['reviewer', 'admin'])
        .executeTakeFirst());
    if (existing) {
      // An operator may have made an ISC user a reviewer or an admin: only vendors follow the claimed organisation.
      await this.db
        .updateTable('platform_users')
        .set({
          ...(existing.role === 'vendor' ? profile : { ...profile, organisation_id: null }),
          isc_subject: claims.sub,
        })
        .where('id', '=', existing.id)
        .execute();
      return (await this.userById(Number(existing.id)))!;
    }
    const login = await this.freeLogin(clean(claims.preferred_username ?? claims.sub).toLowerCase());
    const row = await this.db
      .insertInto('platform_users')
      .values({ ...profile, login, isc_subject: claims.sub, role: 'vendor', created_at: now })
      .returning('id')
      .executeTakeFirstOrThrow();
    return (await this.userById(Number(row.id)))!;
  }

  async user(login: string): Promise<PlatformUser | undefined> {
    const row = await this.userRows().where('platform_users.login', '=', login.trim().toLowerCase()).executeTakeFirst();
    return row && toUser(row);
  }

  async userById(id: number): Promise<PlatformUser | undefined> {
    const row = await this.userRows().where('platform_users.id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async users(): Promise<PlatformUser[]> {
    return (await this.userRows().orderBy('platform_users.id').execute()).map(toUser);
  }

  /** The operator account the local admin token belongs to, created at first start. */
  async ensureAdmin(login = 'admin'): Promise<PlatformUser> {
    const now = Date.now();
    await this.db
      .insertInto('platform_users')
      .values({
        login,
        isc_subject: null,
        civilite: null,
        given_name: null,
        family_name: null,
        email: null,
        organisation_id: null,
        role: 'admin',
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('login').doNothing())
      .execute();
    const admin = (await this.user(login))!;
    if (admin.role !== 'admin') throw new Error(t('directory.adminLoginTaken', { login }));
    return admin;
  }

  private userRows() {
    return this.db
      .selectFrom('platform_users')
      .leftJoin('organisations', 'organisations.id', 'platform_users.organisation_id')
      .select([
        'platform_users.id',
        'platform_users.login',
        'platform_users.isc_subject',
        'platform_users.civilite',
        'platform_users.given_name',
        'platform_users.family_name',
        'platform_users.email',
        'platform_users.role',
        'organisations.id as org_id',
        'organisations.raison_sociale',
        'organisations.immatriculation',
        'organisations.telephone',
        'organisations.adresse',
      ]);
  }

  /** The login ISC gave, or with a number appended when a local user already has it. */
  private async freeLogin(base: string): Promise<string> {
    const stem =
      base
        .replace(/[^a-z0-9._-]+/g, '-')
        .replace(/^[^a-z0-9]+/, '')
        .slice(0, 56) || 'utilisateur';
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? stem : `${stem}${n}`;
      if (!(await this.user(candidate))) return candidate;
    }
  }
}

function organisationValues(input: OrganisationInput) {
  return {
    raisonSociale: clean(input.raisonSociale),
    immatriculation: clean(input.immatriculation).replace(/\s+/g, ''),
    telephone: clean(input.telephone),
    adresse: clean(input.adresse),
  };
}

function organisationProblems(v: ReturnType<typeof organisationValues>): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!v.raisonSociale) problems.raisonSociale = problem('isc.problem.required');
  else if (v.raisonSociale.length > 200) problems.raisonSociale = problem('isc.problem.too_long');
  if (!v.immatriculation) problems.immatriculation = problem('isc.problem.required');
  else if (!/^(\d{9}|\d{14})$/.test(v.immatriculation))
    problems.immatriculation = problem('isc.problem.immatriculation_format');
  if (v.telephone && !/^\+?[\d .-]{6,20}$/.test(v.telephone))
    problems.telephone = problem('isc.problem.telephone_format');
  if (v.adresse.length > 200) problems.adresse = problem('isc.problem.too_long');
  return problems;
}

function toOrganisation(row: {
  id: number;
  raison_sociale: string;
  immatriculation: string;
  telephone: string | null;
  adresse: string | null;
}): Organisation {
  return {
    id: Number(row.id),
    raisonSociale: row.raison_sociale,
    immatriculation: row.immatriculation,
    telephone: row.telephone,
    adresse: row.adresse,
  };
}

function toUser(row: {
  id: number;
  login: string;
  isc_subject: string | null;
  civilite: string | null;
  given_name: string | null;
  family_name: string | null;
  email: string | null;
  role: string;
  org_id: number | null;
  raison_sociale: string | null;
  immatriculation: string | null;
  telephone: string | null;
  adresse: string | null;
}): PlatformUser {
  return {
    id: Number(row.id),
    login: row.login,
    iscSubject: row.isc_subject,
    civilite: row.civilite,
    givenName: row.given_name,
    familyName: row.family_name,
    email: row.email,
    role: row.role as Role,
    organisation:
      row.org_id === null
        ? null
        : toOrganisation({
            id: row.org_id,
            raison_sociale: row.raison_sociale!,
            immatriculation: row.immatriculation!,
            telephone: row.telephone,
            adresse: row.adresse,
          }),
  };
}
