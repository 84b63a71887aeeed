// Product accounts (manual §2.2.2–2.2.3): one per vendor product (NIL), with an IdNat PSC (personal
// mailbox) and/or an IdNat AUTH_CLI (applicative mailbox and ORG_AUTH_CLI certificate). Creation and
// modifications are recorded here; the provisioning batch (provisioning.ts) turns them into mailboxes and
// certificates. Nothing here deletes a mailbox: a replaced one is detached and keeps its mail.
import type { Kysely, Selectable } from 'kysely';
import type { Config } from '../config/config.ts';
import { t } from '../i18n/messages.ts';
import { identityDb } from '../identity/db.ts';
import { mailboxColumnOwners, type MailboxOwners } from '../identity/owners.ts';
import { PscIdentities } from '../identity/psc/identities.ts';
import type { MailboxStore } from '../mail/mailbox/store.ts';
import type { ClientCertificateFiles } from '../pki/index.ts';
import type { AccountDirectory, RunnerAccount } from '../runner/runner.ts';
import type { Database } from '../store/schema.ts';
import type { Logger } from '../util/log.ts';
import type { Organisation } from './directory.ts';
import { runnerUserId, testInsMatricule } from './identifiers.ts';
import { idnatMailbox, Provisioning, type BatchReport, type CertificateIssuer } from './provisioning.ts';
import { validateAccount, type AccountInput, type FieldError, type NormalisedAccount } from './validation.ts';

export type AccountStatus = 'creating' | 'available' | 'unavailable';
export type MailboxRole = 'personal' | 'applicative' | 'patient';

/** The three values of the account form. */
export type AccountValues = NormalisedAccount;

export interface PendingModification extends AccountValues {
  requestedAt: number;
  requestedBy: string;
}

export interface AccountCertificate {
  idnat: string;
  serialNumber: string;
  notAfter: number;
  /** Where the PEM and PKCS#12 files are, under the data folder. */
  files: ClientCertificateFiles;
  pkcs12Password: string;
}

export interface ProductAccount extends AccountValues {
  id: number;
  organisation: Organisation;
  status: AccountStatus;
  /** The manual's wording: En cours de création, Disponible, Indisponible. */
  statusLabel: string;
  /** A modification waiting for the batch; the account is unavailable meanwhile. */
  pending: PendingModification | null;
  runnerUserId: string;
  /** <test INS matricule>@<patient domain> */
  patientAddress: string;
  /** Current mailboxes (addresses), once provisioned. */
  mailboxes: { personal: string | null; applicative: string | null; patient: string | null };
  /** Mailboxes a modification replaced: kept with their mail, no longer used by the account. */
  formerMailboxes: { address: string; role: MailboxRole; attachedAt: number; detachedAt: number }[];
  certificate: AccountCertificate | null;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
  provisionedAt: number | null;
}

export type AccountResult = { ok: true; account: ProductAccount } | { ok: false; errors: FieldError[] };

/** The own test passwords of an account's current mailboxes (never part of ProductAccount: its owner's eyes only). */
export type MailboxPasswords = Record<MailboxRole, string | null>;

/** A mailbox an organisation's account has or had, as the webmail offers it to the organisation's vendors. */
export interface OrganisationMailbox {
  address: string;
  role: MailboxRole;
  nil: string;
  current: boolean;
}

export interface AccountsOptions {
  config: Config;
  db: Kysely<Database>;
  mailboxes: MailboxStore;
  /** The test PKI, opened when a certificate is first needed (the CLI does not open it otherwise). */
  certificates: () => Promise<CertificateIssuer>;
  log: Logger;
}

export class Accounts {
  readonly provisioning: Provisioning;
  /** The PSC simulator's test identities: an account may name only its organisation's (or nobody's, then claims it). */
  private readonly pscIdentities: PscIdentities;

  constructor(private readonly o: AccountsOptions) {
    this.provisioning = new Provisioning(o);
    this.pscIdentities = new PscIdentities(identityDb(o.db));
  }

  async get(id: number): Promise<ProductAccount | undefined> {
    const row = await this.rows().where('product_accounts.id', '=', id).executeTakeFirst();
    return row && (await this.hydrate([row]))[0];
  }

  async byNil(nil: string): Promise<ProductAccount | undefined> {
    const row = await this.rows().where('product_accounts.nil', '=', nil.trim()).executeTakeFirst();
    return row && (await this.hydrate([row]))[0];
  }

  /** Every account, or an organisation's. */
  async list(filter: { organisationId?: number } = {}): Promise<ProductAccount[]> {
    let q = this.rows();
    if (filter.organisationId !== undefined)
      q = q.where('product_accounts.organisation_id', '=', filter.organisationId);
    return this.hydrate(await q.orderBy('product_accounts.id').execute());
  }

  async idsOf(organisationId: number): Promise<number[]> {
    const rows = await this.o.db
      .selectFrom('product_accounts')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .execute();
    return rows.map((r) => Number(r.id));
  }

  /** Personal and applicative mailboxes an organisation's accounts have or had: whose sessions are its own. */
  async mailboxesOf(organisationId: number): Promise<string[]> {
    const rows = await this.o.db
      .selectFrom('account_mailboxes')
      .innerJoin('product_accounts', 'product_accounts.id', 'account_mailboxes.account_id')
      .innerJoin('mailboxes', 'mailboxes.id', 'account_mailboxes.mailbox_id')
      .select('mailboxes.address')
      .where('product_accounts.organisation_id', '=', organisationId)
      .where('account_mailboxes.role', 'in', ['personal', 'applicative'])
      .execute();
    return rows.map((r) => r.address);
  }

  /**
   * Every mailbox an organisation's accounts have or had, patient ones included, current ones first: what its
   * vendors may open in the webmail from the account site.
   */
  async organisationMailboxes(organisationId: number): Promise<OrganisationMailbox[]> {
    const rows = await this.o.db
      .selectFrom('account_mailboxes')
      .innerJoin('product_accounts', 'product_accounts.id', 'account_mailboxes.account_id')
      .innerJoin('mailboxes', 'mailboxes.id', 'account_mailboxes.mailbox_id')
      .select(['mailboxes.address', 'account_mailboxes.role', 'account_mailboxes.detached_at', 'product_accounts.nil'])
      .where('product_accounts.organisation_id', '=', organisationId)
      .orderBy('product_accounts.id')
      .orderBy('account_mailboxes.id')
      .execute();
    const all = rows.map((r) => ({
      address: r.address,
      role: r.role as MailboxRole,
      nil: r.nil,
      current: r.detached_at === null,
    }));
    return [...all.filter((m) => m.current), ...all.filter((m) => !m.current)];
  }

  /** The passwords of the account's current mailboxes. */
  async passwords(account: ProductAccount): Promise<MailboxPasswords> {
    const passwordOf = async (address: string | null) => {
      const mailbox = address ? await this.o.mailboxes.find(address) : undefined;
      return (mailbox && (await this.o.mailboxes.password(mailbox.id))) ?? null;
    };
    const { personal, applicative, patient } = account.mailboxes;
    return {
      personal: await passwordOf(personal),
      applicative: await passwordOf(applicative),
      patient: await passwordOf(patient),
    };
  }

  /** Gives the account's current mailbox of that role a new password; undefined when it has none. */
  async renewPassword(account: ProductAccount, role: MailboxRole, by: string): Promise<string | undefined> {
    const address = account.mailboxes[role];
    const mailbox = address ? await this.o.mailboxes.find(address) : undefined;
    if (!mailbox) return undefined;
    const password = await this.o.mailboxes.renewPassword(mailbox.id);
    this.o.log.info('mailbox password renewed', { account: account.id, mailbox: mailbox.address, by });
    return password;
  }

  /** Records a new account; it becomes available once provisioned (at once in immediate mode). */
  async create(input: AccountInput, context: { organisationId: number; by: string }): Promise<AccountResult> {
    const checked = await this.check(input, context.organisationId);
    if (!checked.ok) return checked;
    const now = Date.now();
    let id: number | undefined;
    // Random identifiers: a collision is unlikely and answered by drawing again.
    for (let attempt = 0; id === undefined; attempt++) {
      try {
        const row = await this.o.db
          .insertInto('product_accounts')
          .values({
            organisation_id: context.organisationId,
            nil: checked.value.nil,
            idnat_psc: checked.value.idnatPsc,
            idnat_auth_cli: checked.value.idnatAuthCli,
            status: 'creating',
            pending: null,
            runner_user_id: runnerUserId(),
            patient_address: `${testInsMatricule()}@${this.o.config.patientDomain}`,
            certificate: null,
            claim: null,
            claimed_at: null,
            created_by: context.by,
            created_at: now,
            updated_at: now,
            provisioned_at: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        id = Number(row.id);
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= 5) throw error;
        // Another request took the NIL or an IdNat meanwhile: say so on the field.
        const again = await this.check(input, context.organisationId);
        if (!again.ok) return again;
      }
    }
    if (checked.value.idnatPsc) await this.pscIdentities.claim(checked.value.idnatPsc, context.organisationId);
    this.o.log.info('account created', { account: id, nil: checked.value.nil, by: context.by });
    return { ok: true, account: await this.afterChange(id) };
  }

  /**
   * Records a modification (the form's three values). It waits for the batch, the account being unavailable
   * meanwhile; asking for the current values again withdraws a waiting modification.
   */
  async modify(id: number, input: AccountInput, by: string): Promise<AccountResult | undefined> {
    const account = await this.get(id);
    if (!account) return undefined;
    const checked = await this.check(input, account.organisation.id, id);
    if (!checked.ok) return checked;
    const wanted = checked.value;
    if (wanted.idnatPsc) await this.pscIdentities.claim(wanted.idnatPsc, account.organisation.id);
    if (account.pending && sameValues(account.pending, wanted)) return { ok: true, account };
    const backToCurrent = sameValues(account, wanted);
    if (backToCurrent && !account.pending) return { ok: true, account };
    const pending: PendingModification | null = backToCurrent
      ? null
      : { ...wanted, requestedAt: Date.now(), requestedBy: by };
    const status: AccountStatus = account.provisionedAt === null ? 'creating' : pending ? 'unavailable' : 'available';
    await this.o.db
      .updateTable('product_accounts')
      .set({ pending: pending && JSON.stringify(pending), status, updated_at: Date.now() })
      .where('id', '=', id)
      .execute();
    this.o.log.info('account modified', { account: id, by, withdrawn: backToCurrent });
    return { ok: true, account: await this.afterChange(id) };
  }

  /** Runs the provisioning batch now over every account that waits for it. */
  runBatch(): Promise<BatchReport> {
    return this.provisioning.runBatch();
  }

  /** What the runner knows of an account: only available ones run jobs. */
  readonly forRunner: AccountDirectory = {
    find: async (accountId) => {
      const account = await this.get(accountId);
      if (account?.status !== 'available') return undefined;
      return toRunnerAccount(account);
    },
  };

  /**
   * Who may open a personal mailbox with a PSC token: the IdNat PSC of the account it belongs to. Mailboxes
   * outside accounts (added with `motco mailbox add`) and former ones keep belonging to the IdNat they were
   * created for.
   */
  readonly owners: MailboxOwners = {
    ownerOf: async (mailbox) => {
      if (mailbox.type !== 'personal') return { kind: 'not_personal' };
      const row = await this.o.db
        .selectFrom('account_mailboxes')
        .innerJoin('product_accounts', 'product_accounts.id', 'account_mailboxes.account_id')
        .select('product_accounts.idnat_psc')
        .where('account_mailboxes.mailbox_id', '=', mailbox.id)
        .where('account_mailboxes.role', '=', 'personal')
        .where('account_mailboxes.detached_at', 'is', null)
        .executeTakeFirst();
      if (row?.idnat_psc) return { kind: 'personal', idnat: row.idnat_psc };
      return mailboxColumnOwners.ownerOf(mailbox);
    },
  };

  /** In immediate mode the batch runs for this account now; a failure leaves it waiting for the next run. */
  private async afterChange(id: number): Promise<ProductAccount> {
    if (this.o.config.accounts.provisioning === 'immediate') await this.provisioning.provision(id);
    return (await this.get(id))!;
  }

  /**
   * The form's rules, then uniqueness: NIL across the platform, IdNats across accounts, mailboxes; and the IdNat
   * PSC may not be a test identity of another organisation (its CIBA requests are that organisation's to answer).
   */
  private async check(
    input: AccountInput,
    organisationId: number,
    exceptId?: number,
  ): Promise<{ ok: true; value: AccountValues } | { ok: false; errors: FieldError[] }> {
    const validated = validateAccount(input);
    if (!validated.ok) return validated;
    const value = validated.value;
    const errors: FieldError[] = [];
    const others = (
      await this.o.db
        .selectFrom('product_accounts')
        .select(['id', 'nil', 'idnat_psc', 'idnat_auth_cli', 'pending'])
        .execute()
    ).filter((r) => Number(r.id) !== exceptId);
    const taken = (pick: (v: AccountValues) => string | null, wanted: string | null) =>
      wanted !== null &&
      others.some((r) => {
        const current = { nil: r.nil, idnatPsc: r.idnat_psc, idnatAuthCli: r.idnat_auth_cli };
        const pending = r.pending ? (JSON.parse(r.pending) as AccountValues) : undefined;
        return pick(current) === wanted || (pending !== undefined && pick(pending) === wanted);
      });
    if (taken((v) => v.nil, value.nil))
      errors.push({ field: 'nil', code: 'taken', message: t('account.error.nilTaken', { nil: value.nil }) });
    for (const [field, role] of [
      ['idnatPsc', 'personal'],
      ['idnatAuthCli', 'applicative'],
    ] as const) {
      const idnat = value[field];
      if (idnat === null) continue;
      const owner = field === 'idnatPsc' ? (await this.pscIdentities.find(idnat))?.organisationId : null;
      if (taken((v) => v[field], idnat))
        errors.push({ field, code: 'taken', message: t('account.error.idnatTaken', { idnat }) });
      else if (owner != null && owner !== organisationId)
        errors.push({ field, code: 'owned', message: t('account.error.idnatPscOwned', { idnat }) });
      else {
        const address = idnatMailbox(idnat, this.o.config);
        const problem = await this.provisioning.mailboxProblem(address, role, exceptId);
        if (problem) errors.push({ field, code: 'mailbox_taken', message: problem });
      }
    }
    return errors.length ? { ok: false, errors } : { ok: true, value };
  }

  private rows() {
    return this.o.db
      .selectFrom('product_accounts')
      .innerJoin('organisations', 'organisations.id', 'product_accounts.organisation_id')
      .selectAll('product_accounts')
      .select([
        'organisations.raison_sociale',
        'organisations.immatriculation',
        'organisations.telephone',
        'organisations.adresse',
      ]);
  }

  private async hydrate(
    rows: (Selectable<Database['product_accounts']> & {
      raison_sociale: string;
      immatriculation: string;
      telephone: string | null;
      adresse: string | null;
    })[],
  ): Promise<ProductAccount[]> {
    if (rows.length === 0) return [];
    const attachments = await this.o.db
      .selectFrom('account_mailboxes')
      .innerJoin('mailboxes', 'mailboxes.id', 'account_mailboxes.mailbox_id')
      .select([
        'account_mailboxes.account_id',
        'account_mailboxes.role',
        'account_mailboxes.attached_at',
        'account_mailboxes.detached_at',
        'mailboxes.address',
      ])
      .where(
        'account_mailboxes.account_id',
        'in',
        rows.map((r) => Number(r.id)),
      )
      .orderBy('account_mailboxes.id')
      .execute();
    return rows.map((row) => {
      const own = attachments.filter((a) => Number(a.account_id) === Number(row.id));
      const current = (role: MailboxRole) =>
        own.find((a) => a.role === role && a.detached_at === null)?.address ?? null;
      const status = row.status as AccountStatus;
      return {
        id: Number(row.id),
        organisation: {
          id: Number(row.organisation_id),
          raisonSociale: row.raison_sociale,
          immatriculation: row.immatriculation,
          telephone: row.telephone,
          adresse: row.adresse,
        },
        nil: row.nil,
        idnatPsc: row.idnat_psc,
        idnatAuthCli: row.idnat_auth_cli,
        status,
        statusLabel: t(`account.status.${status}`),
        pending: row.pending ? (JSON.parse(row.pending) as PendingModification) : null,
        runnerUserId: row.runner_user_id,
        patientAddress: row.patient_address,
        mailboxes: { personal: current('personal'), applicative: current('applicative'), patient: current('patient') },
        formerMailboxes: own
          .filter((a) => a.detached_at !== null)
          .map((a) => ({
            address: a.address,
            role: a.role as MailboxRole,
            attachedAt: Number(a.attached_at),
            detachedAt: Number(a.detached_at),
          })),
        certificate: row.certificate ? (JSON.parse(row.certificate) as AccountCertificate) : null,
        createdBy: row.created_by,
        createdAt: Number(row.created_at),
        updatedAt: Number(row.updated_at),
        provisionedAt: row.provisioned_at === null ? null : Number(row.provisioned_at),
      };
    });
  }
}

export function toRunnerAccount(account: ProductAccount): RunnerAccount {
  return {
    id: account.id,
    nil: account.nil,
    idnatPsc: account.idnatPsc,
    idnatAuthCli: account.idnatAuthCli,
    personalMailbox: account.mailboxes.personal,
    applicativeMailbox: account.mailboxes.applicative,
    patientAddress: account.patientAddress,
    runnerUserId: account.runnerUserId,
  };
}

function sameValues(a: AccountValues, b: AccountValues): boolean {
  return a.nil === b.nil && a.idnatPsc === b.idnatPsc && a.idnatAuthCli === b.idnatAuthCli;
}

/** SQLite and PostgreSQL words for a unique constraint violation. */
function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === '23505' || /UNIQUE constraint failed/.test(e?.message ?? '')
  );
}
