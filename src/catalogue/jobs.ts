// The test catalogue as data (catalogue.md, manual §3.4–3.5): 34 unit jobs in 7 folders, 5 of which are the
// Ségur global jobs. Titles are the manual's, in French, written out as it writes them; ids are stable and
// short, for URLs and the CLI. What a job checks and how is its kind's (kinds/).
import type { EndpointId } from '../config/schema.ts';
import { t } from '../i18n/messages.ts';
import { VERDICT_KINDS, type VerdictKind } from './kinds/index.ts';
import type { Job } from './verdicts/types.ts';

export type { BalType, JobProtocol } from './verdicts/types.ts';
export type { VerdictKind } from './kinds/index.ts';

export interface UnitJob extends Job {
  folder: FolderId;
  kind: VerdictKind;
}

export const FOLDER_IDS = [
  'MSS-LPS-SEGUR-1',
  'MSS-LPS-SEGUR-APP',
  'MSS-LPS-SEGUR-GEN-APP',
  'MSS-LPS-SEGUR-GEN-PER-ORG',
  'MSS-LPS-SEGUR-PER-ORG-1',
  'MSS-LPS-SEGUR-PER-ORG-2',
  'MSS-LPS-SEGUR-PER-ORG-3',
] as const;
export type FolderId = (typeof FOLDER_IDS)[number];

export interface Folder {
  id: FolderId;
  /** The manual's description of the folder (§3.4). */
  description: string;
  /** One of the five Ségur referencing cases, runnable as a global job. */
  global: boolean;
  jobs: UnitJob[];
}

/** The manual's order of the five global jobs in a campaign (§3.4). */
export const CAMPAIGN_ORDER: readonly FolderId[] = [
  'MSS-LPS-SEGUR-1',
  'MSS-LPS-SEGUR-APP',
  'MSS-LPS-SEGUR-GEN-APP',
  'MSS-LPS-SEGUR-GEN-PER-ORG',
  'MSS-LPS-SEGUR-PER-ORG-1',
];

const FOLDER_DESCRIPTIONS: Record<FolderId, string> = {
  'MSS-LPS-SEGUR-1': 'Les tests de certificats erronés',
  'MSS-LPS-SEGUR-APP': 'Les tests de BAL applicatives (authentification par certificat)',
  'MSS-LPS-SEGUR-GEN-APP': 'Les tests de BAL applicatives',
  'MSS-LPS-SEGUR-GEN-PER-ORG': 'Les tests de BAL personnelles et organisationnelles',
  'MSS-LPS-SEGUR-PER-ORG-1': 'Les tests de BAL personnelles et organisationnelles (authentification PSC)',
  'MSS-LPS-SEGUR-PER-ORG-2': 'Le test de réouverture de session IMAP',
  'MSS-LPS-SEGUR-PER-ORG-3': 'Le test de réouverture de session SMTP',
};

const GLOBAL: ReadonlySet<FolderId> = new Set(CAMPAIGN_ORDER);

/**
 * One unit job of a folder. Its id says its BAL type and protocol (<psc|authcli>-<what>-<imap|smtp>), its title
 * the requirements it cites, in the manual's notation: « (MSS-CONF.01;03) » is MSS-CONF.01 and MSS-CONF.03.
 */
function unit(id: string, title: string, kind: VerdictKind, endpoint: EndpointId): Omit<UnitJob, 'folder'> {
  const rules = VERDICT_KINDS[kind];
  return {
    id,
    title,
    kind,
    bal: id.startsWith('psc-') ? 'PSC' : 'AUTH_CLI',
    protocol: id.endsWith('-imap') ? 'imap' : 'smtp',
    endpoint,
    requirements: requirementsOf(title),
    ipRequired: rules.ipRequired,
    listensOn: rules.listensOn?.(endpoint) ?? [endpoint],
  };
}

/** « … (MSS-CONF.14;15;16) » → MSS-CONF.14, MSS-CONF.15, MSS-CONF.16; « … (ECO 1.1.5) » → ECO 1.1.5. */
function requirementsOf(title: string): string[] {
  const [first = '', ...rest] = (/\(([^()]+)\)$/.exec(title)?.[1] ?? '').split(';');
  return [first, ...rest.map((r) => first.slice(0, first.lastIndexOf('.') + 1) + r)].filter(Boolean);
}

/** The unit jobs of each folder, in the manual's order, with the manual's titles. */
const JOBS_BY_FOLDER: Record<FolderId, Omit<UnitJob, 'folder'>[]> = {
  'MSS-LPS-SEGUR-1': [
    unit('authcli-expired-imap', 'MIE AUTH_CLI : Certificat expiré IMAP (ECO 1.1.5)', 'cert-reject', 'org-expire'),
    unit('authcli-expired-smtp', 'MIE AUTH_CLI : Certificat expiré SMTP (ECO 1.1.5)', 'cert-reject', 'org-expire'),
    unit('authcli-revoked-imap', 'MIE AUTH_CLI : Certificat révoqué IMAP (ECO 1.1.6)', 'cert-reject', 'org-revoq'),
    unit('authcli-revoked-smtp', 'MIE AUTH_CLI : Certificat révoqué SMTP (ECO 1.1.6)', 'cert-reject', 'org-revoq'),
    unit('psc-expired-imap', 'MIE PSC : Certificat expiré IMAP (ECO 1.1.5)', 'cert-reject', 'psc-expire'),
    unit('psc-expired-smtp', 'MIE PSC : Certificat expiré SMTP (ECO 1.1.5)', 'cert-reject', 'psc-expire'),
    unit('psc-revoked-imap', 'MIE PSC : Certificat révoqué IMAP (ECO 1.1.6)', 'cert-reject', 'psc-revoq'),
    unit('psc-revoked-smtp', 'MIE PSC : Certificat révoqué SMTP (ECO 1.1.6)', 'cert-reject', 'psc-revoq'),
  ],
  'MSS-LPS-SEGUR-APP': [
    unit('authcli-auth-imap', 'MIE AUTH_CLI : Authentification IMAP (MSS-CONF.12)', 'auth-cert', 'org'),
    unit('authcli-auth-smtp', 'MIE AUTH_CLI : Authentification SMTP (MSS-CONF.12)', 'auth-cert', 'org'),
  ],
  'MSS-LPS-SEGUR-GEN-APP': [
    unit('authcli-access-imap', 'MIE AUTH_CLI : Accès Mail IMAP (MSS-CONF.06)', 'imap-access', 'org'),
    unit('authcli-nonigc-imap', 'MIE AUTH_CLI : AC non IGC Santé IMAP (MSS-CONF.27)', 'cert-reject', 'org-nonigc'),
    unit('authcli-nonigc-smtp', 'MIE AUTH_CLI : AC non IGC Santé SMTP (MSS-CONF.27)', 'cert-reject', 'org-nonigc'),
    unit('authcli-autoconfig-imap', 'MIE AUTH_CLI : Autoconfig IMAP (MSS-CONF.04)', 'autoconfig', 'org'),
    unit('authcli-autoconfig-smtp', 'MIE AUTH_CLI : Autoconfig SMTP (MSS-CONF.04)', 'autoconfig', 'org'),
    unit('authcli-send-smtp', 'MIE AUTH_CLI : Envoi Mail SMTP (MSS-CONF.05)', 'send', 'org'),
    unit('authcli-patient-smtp', 'MIE AUTH_CLI : Indicateurs SMTP Mail patient (MSS-CONF.21)', 'patient', 'org'),
    unit('authcli-headers-smtp', 'MIE AUTH_CLI : Indicateurs SMTP (MSS-CONF.14;15;16)', 'headers', 'org'),
    unit('authcli-tls-imap', 'MIE AUTH_CLI : TLS IMAP (MSS-CONF.01;03)', 'tls', 'org'),
    unit('authcli-tls-smtp', 'MIE AUTH_CLI : TLS SMTP (MSS-CONF.01;03)', 'tls', 'org'),
  ],
  'MSS-LPS-SEGUR-GEN-PER-ORG': [
    unit('psc-access-imap', 'MIE PSC : Accès Mail IMAP (MSS-CONF.06)', 'imap-access', 'psc'),
    unit('psc-nonigc-imap', 'MIE PSC : AC non IGC Santé IMAP (MSS-CONF.27)', 'cert-reject', 'psc-nonigc'),
    unit('psc-nonigc-smtp', 'MIE PSC : AC non IGC Santé SMTP (MSS-CONF.27)', 'cert-reject', 'psc-nonigc'),
    unit('psc-autoconfig-imap', 'MIE PSC : Autoconfig IMAP (MSS-CONF.04)', 'autoconfig', 'psc'),
    unit('psc-autoconfig-smtp', 'MIE PSC : Autoconfig SMTP (MSS-CONF.04)', 'autoconfig', 'psc'),
    unit('psc-send-smtp', 'MIE PSC : Envoi Mail SMTP (MSS-CONF.05)', 'send', 'psc'),
    unit('psc-patient-smtp', 'MIE PSC : Indicateurs SMTP Mail patient (MSS-CONF.21)', 'patient', 'psc'),
    unit('psc-headers-smtp', 'MIE PSC : Indicateurs SMTP (MSS-CONF.14;15;16)', 'headers', 'psc'),
    unit('psc-tls-imap', 'MIE PSC : TLS IMAP (MSS-CONF.01;03)', 'tls', 'psc'),
    unit('psc-tls-smtp', 'MIE PSC : TLS SMTP (MSS-CONF.01;03)', 'tls', 'psc'),
  ],
  'MSS-LPS-SEGUR-PER-ORG-1': [
    unit('psc-auth-imap', 'MIE PSC : Authentification IMAP (MSS-CONF.07)', 'auth-psc', 'psc'),
    unit('psc-auth-smtp', 'MIE PSC : Authentification SMTP (MSS-CONF.07)', 'auth-psc', 'psc'),
  ],
  'MSS-LPS-SEGUR-PER-ORG-2': [unit('psc-reopen-imap', 'MIE PSC : Réouv Session IMAP (MSS-CONF.11)', 'reopen', 'psc')],
  'MSS-LPS-SEGUR-PER-ORG-3': [unit('psc-reopen-smtp', 'MIE PSC : Réouv Session SMTP (MSS-CONF.11)', 'reopen', 'psc')],
};

/** Folders in the order the manual lists them in the Jobs tab (§3.4). */
export const FOLDERS: readonly Folder[] = (
  [
    'MSS-LPS-SEGUR-APP',
    'MSS-LPS-SEGUR-PER-ORG-1',
    'MSS-LPS-SEGUR-GEN-APP',
    'MSS-LPS-SEGUR-GEN-PER-ORG',
    'MSS-LPS-SEGUR-PER-ORG-2',
    'MSS-LPS-SEGUR-PER-ORG-3',
    'MSS-LPS-SEGUR-1',
  ] as const
).map((id) => ({
  id,
  description: FOLDER_DESCRIPTIONS[id],
  global: GLOBAL.has(id),
  jobs: JOBS_BY_FOLDER[id].map((job) => ({ ...job, folder: id })),
}));

export const UNIT_JOBS: readonly UnitJob[] = FOLDERS.flatMap((f) => f.jobs);

const BY_ID = new Map(UNIT_JOBS.map((j) => [j.id, j]));
const FOLDER_BY_ID = new Map(FOLDERS.map((f) => [f.id, f]));

export function findJob(id: string): UnitJob | undefined {
  return BY_ID.get(id);
}

export function findFolder(id: string): Folder | undefined {
  return FOLDER_BY_ID.get(id as FolderId);
}

/**
 * Title of what an execution runs: the unit job's, the global job's (« Job global <id> »), the campaign's or a
 * selection's.
 */
export function targetTitle(target: {
  targetType: 'job' | 'folder' | 'campaign' | 'selection';
  targetId: string;
}): string {
  if (target.targetType === 'job') return findJob(target.targetId)?.title ?? target.targetId;
  if (target.targetType === 'folder')
    return findFolder(target.targetId) ? t('execution.folderTitle', { folder: target.targetId }) : target.targetId;
  if (target.targetType === 'selection') return t('execution.selectionTitle');
  return t('execution.campaignTitle');
}
