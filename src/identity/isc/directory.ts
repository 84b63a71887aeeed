// Vendor organisations and users of the ISC simulator. Passwords are kept as scrypt hashes only; a password
// not chosen by the admin is generated and shown once.
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import type { IdentityDb } from '../db.ts';

const scrypt = (password: string, salt: Buffer, length: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCallback(password, salt, length, options, (error, key) => (error ? reject(error) : resolve(key))),
  );

const SCRYPT = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, KEY_LENGTH, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(key, expected);
}

/** A hash of nothing anyone knows: an unknown login costs the same time as a wrong password. */
const DECOY = hashPassword(randomBytes(16).toString('hex'));

export interface Organisation {
  id: number;
  raisonSociale: string;
  /** SIRET (14 digits) or SIREN (9 digits). */
  immatriculation: string;
  telephone: string | null;
  adresse: string | null;
}

export interface VendorUser {
  id: number;
  login: string;
  email: string;
  civilite: string | null;
  givenName: string;
  familyName: string;
  organisation: Organisation;
}

export interface OrganisationInput {
  raisonSociale?: string | undefined;
  immatriculation?: string | undefined;
  telephone?: string | undefined;
  adresse?: string | undefined;
}

export interface UserInput {
  login?: string | undefined;
  password?: string | undefined;
  email?: string | undefined;
  civilite?: string | undefined;
  givenName?: string | undefined;
  familyName?: string | undefined;
  /** The organisation's immatriculation. */
  organisation?: string | undefined;
}

export type DirectoryProblem =
  | 'required'
  | 'immatriculation_format'
  | 'immatriculation_exists'
  | 'telephone_format'
  | 'login_format'
  | 'login_exists'
  | 'password_short'
  | 'email_format'
  | 'civilite_invalid'
  | 'organisation_unknown'
  | 'too_long';

export class IscDirectoryError extends Error {
  constructor(readonly problems: Record<string, DirectoryProblem>) {
    super(
      Object.entries(problems)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', '),
    );
  }
}

const MAX = 200;
const clean = (v: string | undefined) => (v ?? '').trim();

export class IscDirectory {
  constructor(private readonly db: IdentityDb) {}

  async createOrganisation(input: OrganisationInput): Promise<Organisation> {
    const v = {
      raisonSociale: clean(input.raisonSociale),
      immatriculation: clean(input.immatriculation).replace(/\s+/g, ''),
      telephone: clean(input.telephone),
      adresse: clean(input.adresse),
    };
    const problems: Record<string, DirectoryProblem> = {};
    if (!v.raisonSociale) problems.raisonSociale = 'required';
    else if (v.raisonSociale.length > MAX) problems.raisonSociale = 'too_long';
    if (!v.immatriculation) problems.immatriculation = 'required';
    else if (!/^(\d{9}|\d{14})$/.test(v.immatriculation)) problems.immatriculation = 'immatriculation_format';
    else if (await this.organisation(v.immatriculation)) problems.immatriculation = 'immatriculation_exists';
    if (v.telephone && !/^\+?[\d .-]{6,20}$/.test(v.telephone)) problems.telephone = 'telephone_format';
    if (v.adresse.length > MAX) problems.adresse = 'too_long';
    if (Object.keys(problems).length) throw new IscDirectoryError(problems);
    const row = await this.db
      .insertInto('isc_organisations')
      .values({
        raison_sociale: v.raisonSociale,
        immatriculation: v.immatriculation,
        telephone: v.telephone || null,
        adresse: v.adresse || null,
        created_at: Date.now(),
      })
      .onConflict((oc) => oc.column('immatriculation').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!row) throw new IscDirectoryError({ immatriculation: 'immatriculation_exists' });
    return toOrganisation(row);
  }

  /** Creates a user; returns the password too when it was generated (shown once, never kept in clear). */
  async createUser(input: UserInput): Promise<{ user: VendorUser; generatedPassword?: string }> {
    const v = {
      login: clean(input.login),
      email: clean(input.email),
      civilite: clean(input.civilite),
      givenName: clean(input.givenName),
      familyName: clean(input.familyName),
      organisation: clean(input.organisation).replace(/\s+/g, ''),
    };
    const problems: Record<string, DirectoryProblem> = {};
    if (!v.givenName) problems.givenName = 'required';
    else if (v.givenName.length > MAX) problems.givenName = 'too_long';
    if (!v.familyName) problems.familyName = 'required';
    else if (v.familyName.length > MAX) problems.familyName = 'too_long';
    if (!v.email) problems.email = 'required';
    else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email) || v.email.length > MAX) problems.email = 'email_format';
    if (v.civilite && !['M', 'Mme'].includes(v.civilite)) problems.civilite = 'civilite_invalid';
    if (input.password !== undefined && input.password !== '' && input.password.length < 8)
      problems.password = 'password_short';
    const organisation = v.organisation ? await this.organisation(v.organisation) : undefined;
    if (!v.organisation) problems.organisation = 'required';
    else if (!organisation) problems.organisation = 'organisation_unknown';
    let login = v.login;
    if (login) {
      if (!/^[a-z0-9][a-z0-9._-]{1,63}$/.test(login)) problems.login = 'login_format';
      else if (await this.user(login)) problems.login = 'login_exists';
    } else if (!problems.givenName && !problems.familyName) {
      login = await this.freeLogin(`${v.givenName}.${v.familyName}`);
    }
    if (Object.keys(problems).length) throw new IscDirectoryError(problems);
    const generatedPassword = input.password ? undefined : randomBytes(12).toString('base64url');
    const row = await this.db
      .insertInto('isc_users')
      .values({
        login,
        password_hash: await hashPassword(input.password || generatedPassword!),
        email: v.email,
        civilite: v.civilite || null,
        given_name: v.givenName,
        family_name: v.familyName,
        organisation_id: organisation!.id,
        created_at: Date.now(),
      })
      .onConflict((oc) => oc.column('login').doNothing())
      .returning('login')
      .executeTakeFirst();
    if (!row) throw new IscDirectoryError({ login: 'login_exists' });
    return { user: (await this.user(row.login))!, ...(generatedPassword ? { generatedPassword } : {}) };
  }

  /** The user if login and password match; the same work is done for an unknown login. */
  async authenticate(login: string, password: string): Promise<VendorUser | undefined> {
    const row = await this.db
      .selectFrom('isc_users')
      .select(['login', 'password_hash'])
      .where('login', '=', login.trim())
      .executeTakeFirst();
    const ok = await passwordMatches(password, row?.password_hash ?? (await DECOY));
    return row && ok ? this.user(row.login) : undefined;
  }

  async user(login: string): Promise<VendorUser | undefined> {
    const row = await this.userRows().where('isc_users.login', '=', login).executeTakeFirst();
    return row && toUser(row);
  }

  async userById(id: number): Promise<VendorUser | undefined> {
    const row = await this.userRows().where('isc_users.id', '=', id).executeTakeFirst();
    return row && toUser(row);
  }

  async users(): Promise<VendorUser[]> {
    return (await this.userRows().orderBy('isc_users.id').execute()).map(toUser);
  }

  async organisation(immatriculation: string): Promise<Organisation | undefined> {
    const row = await this.db
      .selectFrom('isc_organisations')
      .selectAll()
      .where('immatriculation', '=', immatriculation)
      .executeTakeFirst();
    return row && toOrganisation(row);
  }

  async organisations(): Promise<Organisation[]> {
    return (await this.db.selectFrom('isc_organisations').selectAll().orderBy('id').execute()).map(toOrganisation);
  }

  private userRows() {
    return this.db
      .selectFrom('isc_users')
      .innerJoin('isc_organisations', 'isc_organisations.id', 'isc_users.organisation_id')
      .select([
        'isc_users.id',
        'isc_users.login',
        'isc_users.email',
        'isc_users.civilite',
        'isc_users.given_name',
        'isc_users.family_name',
        'isc_organisations.id as org_id',
        'isc_organisations.raison_sociale',
        'isc_organisations.immatriculation',
        'isc_organisations.telephone',
        'isc_organisations.adresse',
      ]);
  }

  /** prenom.nom in lower-case ASCII, with a number appended if taken. */
  private async freeLogin(base: string): Promise<string> {
    const stem =
      base
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/[^a-z0-9.]+/g, '-')
        .replace(/^[-.]+|[-.]+$/g, '')
        .slice(0, 56) || 'utilisateur';
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? stem : `${stem}${n}`;
      if (!(await this.user(candidate))) return candidate;
    }
  }
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
  email: string;
  civilite: string | null;
  given_name: string;
  family_name: string;
  org_id: number;
  raison_sociale: string;
  immatriculation: string;
  telephone: string | null;
  adresse: string | null;
}): VendorUser {
  return {
    id: Number(row.id),
    login: row.login,
    email: row.email,
    civilite: row.civilite,
    givenName: row.given_name,
    familyName: row.family_name,
    organisation: toOrganisation({
      id: row.org_id,
      raison_sociale: row.raison_sociale,
      immatriculation: row.immatriculation,
      telephone: row.telephone,
      adresse: row.adresse,
    }),
  };
}

/** The claims ISC shares with the tool, as listed on its consent page. */
export function iscClaims(user: VendorUser): Record<string, unknown> {
  return {
    sub: user.login,
    preferred_username: user.login,
    ...(user.civilite ? { civilite: user.civilite } : {}),
    given_name: user.givenName,
    family_name: user.familyName,
    email: user.email,
    email_verified: true,
    organisation: {
      raison_sociale: user.organisation.raisonSociale,
      telephone: user.organisation.telephone,
      adresse: user.organisation.adresse,
      immatriculation: user.organisation.immatriculation,
    },
  };
}
