// `motco lps`: the reference LPS from the command line, against the platform running on this machine (same
// --data and --config). It plays one unit job or a folder's units (`motco lps JOB --account NIL`), follows a
// running execution and plays each unit when the runner listens for it (`--follow EXECUTION`), or lists its
// faults (`--list-faults`). The account comes from the accounts service; an account it does not know is
// described by flags (--idnat-psc, --idnat-auth-cli, --mailbox, --patient), its ORG_AUTH_CLI certificate
// then read from <data>/pki/clients/<IdNat AUTH_CLI>/.
import { readdir } from 'node:fs/promises';
import { Accounts, toRunnerAccount } from '../accounts/accounts.ts';
import { findFolder, findJob, type UnitJob } from '../catalogue/jobs.ts';
import { reachableAddress, type Config } from '../config/config.ts';
import { t } from '../i18n/messages.ts';
import { clockTime } from '../i18n/time.ts';
import { issuers, pscToolsClient } from '../identity/issuers.ts';
import type { ClientKeyPair, LpsAccount, LpsContext } from '../lps/context.ts';
import { FAULTS, findFault, isFaultName } from '../lps/faults.ts';
import { followExecution } from '../lps/follow.ts';
import { LpsUsageError, playJob, type LpsReport, type PlayOptions } from '../lps/play.ts';
import { PscTokenSource } from '../lps/tokens.ts';
import { httpGet } from '../mail/client/http.ts';
import { endpointListing } from '../mail/endpoints.ts';
import { MailboxStore } from '../mail/mailbox/store.ts';
import { pkiLayout } from '../pki/files.ts';
import { TRUST_FILES } from '../pki/index.ts';
import { readClientKeyPair } from '../pki/client-certificates.ts';
import { PKI_PATHS } from '../pki/issue.ts';
import { ExecutionStore } from '../runner/store.ts';
import { openStore, type Store } from '../store/store.ts';
import { silentLogger } from '../util/log.ts';
import { configFrom, parse, UsageError, type CommandContext } from './context.ts';

const OPTIONS = {
  account: { type: 'string' },
  fault: { type: 'string' },
  'ip-bind': { type: 'string' },
  autoconfig: { type: 'string' },
  follow: { type: 'string' },
  'list-faults': { type: 'boolean' },
  json: { type: 'boolean' },
  'idnat-psc': { type: 'string' },
  'idnat-auth-cli': { type: 'string' },
  mailbox: { type: 'string', multiple: true },
  patient: { type: 'string' },
} as const;

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

export async function lps(ctx: CommandContext): Promise<number> {
  const { values, positionals } = parse(ctx.args, OPTIONS);
  if (values['list-faults']) return listFaults(ctx, Boolean(values.json));
  if (!values.account) throw new UsageError(t('cli.missingArgument', { name: '--account' }));
  const fault = values.fault;
  if (fault !== undefined && !isFaultName(fault)) throw new UsageError(t('lps.error.unknownFault', { fault }));
  if (values.autoconfig !== undefined && values.autoconfig !== 'http' && values.autoconfig !== 'dns')
    throw new UsageError(t('cli.badOption', { message: '--autoconfig http|dns' }));
  const follow = values.follow === undefined ? undefined : Number(values.follow.replace(/^#/, ''));
  if (follow !== undefined && !Number.isSafeInteger(follow))
    throw new UsageError(t('cli.badOption', { message: '--follow EXECUTION' }));
  const jobs = follow === undefined ? jobsOf(positionals[0]) : [];
  if (fault && jobs.length > 0 && !jobs.some((j) => findFault(fault).jobs.includes(j.id)))
    throw new UsageError(t('lps.error.faultNotApplicable', { fault, job: positionals[0]! }));

  const config = configFrom(values);
  const store = await openStore(config);
  try {
    const found = await accountOf(values.account, values, config, store);
    if (!found) {
      ctx.err(t('lps.cli.unknownAccount', { nil: values.account }));
      return 2;
    }
    const context = await contextFor(ctx, config, store, found.account, values['ip-bind']);
    if (!context) return 1;
    const options = (job: UnitJob): PlayOptions => ({
      fault: fault && findFault(fault).jobs.includes(job.id) ? fault : undefined,
      autoconfig: values.autoconfig as 'http' | 'dns' | undefined,
    });
    const print = (report: LpsReport) => ctx.out(values.json ? JSON.stringify(report) : describe(report));

    if (follow !== undefined) {
      const executions = new ExecutionStore(store.db);
      const execution = await executions.get(follow);
      if (!execution) {
        ctx.err(t('lps.cli.unknownExecution', { id: follow }));
        return 2;
      }
      if (found.id !== undefined && execution.accountId !== found.id) {
        ctx.err(t('lps.cli.notYourExecution', { id: follow, nil: values.account }));
        return 2;
      }
      if (!values.json) ctx.out(t('lps.cli.followStart', { id: follow }));
      let incomplete = 0;
      const end = await followExecution(
        follow,
        executions,
        async (jobId) => {
          const report = await playJob(jobId, context, options(findJob(jobId)!));
          if (!report.completed) incomplete++;
          print(report);
        },
        {
          onLine: (_, line) =>
            !values.json && (line.level === 'step' || line.level === 'result') && ctx.out(`» ${line.text}`),
        },
      );
      if (!values.json)
        ctx.out(t('lps.cli.followEnd', { id: follow, verdict: end?.verdict ? t(`verdict.${end.verdict}`) : '—' }));
      return incomplete > 0 ? 1 : 0;
    }

    let incomplete = 0;
    for (const job of jobs) {
      const report = await playJob(job.id, context, options(job));
      if (!report.completed) incomplete++;
      print(report);
    }
    return incomplete > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof LpsUsageError) throw new UsageError(error.message);
    throw error;
  } finally {
    await store.close();
  }
}

/** A unit job, or a folder's units in order. */
function jobsOf(id: string | undefined): UnitJob[] {
  if (!id) throw new UsageError(t('lps.cli.missingJob'));
  const job = findJob(id);
  if (job) return [job];
  const folder = findFolder(id);
  if (folder) return folder.jobs;
  throw new UsageError(t('lps.error.unknownJob', { job: id }));
}

function listFaults(ctx: CommandContext, json: boolean): number {
  if (json) {
    ctx.out(
      JSON.stringify(
        FAULTS.map((f) => ({
          id: f.id,
          description: f.description,
          jobs: f.jobs.map((id) => ({ job: id, failedCheck: f.failedCheck(findJob(id)!) })),
        })),
        null,
        2,
      ),
    );
    return 0;
  }
  for (const fault of FAULTS) {
    ctx.out(`${fault.id} — ${fault.description}`);
    const checks = [...new Set(fault.jobs.map((id) => fault.failedCheck(findJob(id)!)))];
    ctx.out(`    ${t('lps.cli.faultJobs', { jobs: fault.jobs.join(', ') })}`);
    ctx.out(`    ${t('lps.cli.faultCheck', { checks: checks.join(', ') })}`);
  }
  return 0;
}

/** The account as the accounts service knows it (with its id), or as the flags describe it. */
async function accountOf(
  nil: string,
  values: Values,
  config: Config,
  store: Store,
): Promise<{ id?: number; account: LpsAccount } | undefined> {
  const mailboxes = new MailboxStore(store.db, { mail: config.mailDomain, patient: config.patientDomain });
  const accounts = new Accounts({
    config,
    db: store.db,
    mailboxes,
    certificates: () => Promise.reject(new Error('the reference LPS never issues certificates')),
    log: silentLogger,
  });
  const known = await accounts.byNil(nil);
  if (known) {
    const idnat = known.certificate?.idnat;
    return {
      id: known.id,
      account: { ...toRunnerAccount(known), clientCertificate: idnat ? await storedPair(config, idnat) : undefined },
    };
  }
  // Not in the accounts service: the flags say what the account is.
  const account: LpsAccount = {
    nil,
    idnatPsc: values['idnat-psc'] ?? null,
    idnatAuthCli: values['idnat-auth-cli'] ?? null,
    personalMailbox: null,
    applicativeMailbox: null,
    patientAddress: values.patient ?? null,
  };
  if (account.idnatPsc) account.personalMailbox = `${account.idnatPsc}@${config.mailDomain}`;
  if (account.idnatAuthCli) account.applicativeMailbox = `${account.idnatAuthCli}@${config.mailDomain}`;
  for (const address of values.mailbox ?? []) {
    const mailbox = await mailboxes.find(address);
    if (!mailbox || (mailbox.type !== 'personal' && mailbox.type !== 'applicative'))
      throw new UsageError(t('lps.cli.unknownMailbox', { address }));
    if (mailbox.type === 'personal')
      Object.assign(account, { personalMailbox: mailbox.address, idnatPsc: mailbox.idnat ?? account.idnatPsc });
    else
      Object.assign(account, {
        applicativeMailbox: mailbox.address,
        idnatAuthCli: mailbox.idnat ?? account.idnatAuthCli,
      });
  }
  if (!account.personalMailbox && !account.applicativeMailbox) return undefined;
  if (account.idnatAuthCli) account.clientCertificate = await storedPair(config, account.idnatAuthCli);
  return { account };
}

/** The ORG_AUTH_CLI certificate `motco pki issue-client` (or the account's provisioning) left for an IdNat. */
function storedPair(config: Config, idnat: string): Promise<ClientKeyPair | undefined> {
  return readClientKeyPair(pkiLayout(config.dataDir).clients, idnat);
}

/** Another structure's certificate under <data>/pki/clients/, for the wrong-ou fault. */
async function foreignCertificate(config: Config, idnat: string | null): Promise<ClientKeyPair | undefined> {
  for (const other of await readdir(pkiLayout(config.dataDir).clients).catch(() => [] as string[])) {
    if (other === idnat) continue;
    const pair = await storedPair(config, other);
    if (pair) return pair;
  }
  return undefined;
}

/**
 * What the LPS needs from the running platform: its trust bundle (as `motco pki export` writes it), tokens, endpoints.
 */
async function contextFor(
  ctx: CommandContext,
  config: Config,
  store: Store,
  account: LpsAccount,
  localAddress: string | undefined,
): Promise<LpsContext | undefined> {
  const trustUrl = (file: string) => `${config.publicUrl}${PKI_PATHS.trust}/${file}`;
  let trust: string;
  let httpsCa: string | undefined;
  try {
    trust = (await httpGet(trustUrl(TRUST_FILES.igc), { localAddress })).body.toString('utf8');
    // An https autoconfig host presents the web certificate, whose root the vendor installed system-wide.
    if (config.autoconfig.url.startsWith('https:'))
      httpsCa = (await httpGet(trustUrl(TRUST_FILES.nonIgc), { localAddress })).body.toString('utf8');
  } catch (error) {
    ctx.err(t('lps.cli.platformUnreachable', { url: config.publicUrl, message: (error as Error).message }));
    return undefined;
  }
  const listing = endpointListing(config);
  const endpoints = {
    ...listing,
    endpoints: listing.endpoints.map((e) => ({ ...e, address: reachableAddress(e.address) })),
  };
  return {
    account,
    endpoints,
    trust,
    httpsCa,
    tokens: account.idnatPsc ? await tokenSource(ctx, config, store, account.idnatPsc) : undefined,
    passwords: await passwordsOf(config, store, account),
    reopenDelaySeconds: config.runner.reopenImapDelaySeconds,
    foreignClientCertificate: await foreignCertificate(config, account.idnatAuthCli),
    localAddress,
  };
}

/** The own passwords of the account's personal and applicative mailboxes. */
async function passwordsOf(config: Config, store: Store, account: LpsAccount): Promise<Record<string, string>> {
  const mailboxes = new MailboxStore(store.db, { mail: config.mailDomain, patient: config.patientDomain });
  const passwords: Record<string, string> = {};
  for (const address of [account.personalMailbox, account.applicativeMailbox]) {
    const mailbox = address ? await mailboxes.find(address) : undefined;
    const password = mailbox && (await mailboxes.password(mailbox.id));
    if (address && password) passwords[address] = password;
  }
  return passwords;
}

/**
 * The token helper with the platform's own client in simulated mode (approved at once), the configured one otherwise.
 */
async function tokenSource(ctx: CommandContext, config: Config, store: Store, idnat: string): Promise<PscTokenSource> {
  const own = config.psc.mode === 'simulated' ? await pscToolsClient(store.db) : undefined;
  const credentials = own ?? { clientId: config.psc.clientId, clientSecret: config.psc.clientSecret };
  return new PscTokenSource(
    {
      discoveryUrl: issuers(config).psc.discoveryUrl,
      ...credentials,
      idnat,
      onPending: (binding) => ctx.err(t('cli.pscTokenWaiting', { idnat, binding })),
    },
    config.psc.clockSkewSeconds,
  );
}

/** The report as the CLI prints it: a title line, one line per step, then the verdict the platform should reach. */
function describe(report: LpsReport): string {
  const mode = report.fault
    ? t('lps.cli.withFault', { fault: report.fault, description: findFault(report.fault).description })
    : t('lps.cli.conformant');
  const lines = [t('lps.cli.play', { title: report.title, id: report.jobId, mode })];
  for (const step of report.steps) lines.push(`  ${clockTime(step.at)} ${step.ok ? '✔' : '✘'} ${step.text}`);
  lines.push(
    report.expected.verdict === 'OK'
      ? t('lps.cli.expectedOk')
      : t('lps.cli.expectedKo', { check: report.expected.check ?? '' }),
  );
  if (!report.completed) lines.push(t('lps.cli.incomplete'));
  return lines.join('\n');
}
