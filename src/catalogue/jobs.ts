// The test catalogue as data (catalogue.md, manual §3.4–3.5): 34 unit jobs in 7 folders, 5 of which are the
// Ségur global jobs. Titles are the manual's, in French; ids are stable and short, for URLs and the CLI.
import type { EndpointId } from '../config/schema.ts';

export type VerdictKind = 'tls' | 'imap-access' | 'send' | 'auth-psc' | 'auth-cert' | 'headers' | 'patient' | 'cert-reject' | 'autoconfig' | 'reopen';
export type BalType = 'PSC' | 'AUTH_CLI';
export type JobProtocol = 'imap' | 'smtp';

export interface UnitJob {
  /** Stable short id, e.g. psc-tls-smtp. */
  id: string;
  /** Title as the manual shows it. */
  title: string;
  folder: FolderId;
  kind: VerdictKind;
  bal: BalType;
  protocol: JobProtocol;
  endpoint: EndpointId;
  /** Requirement references, e.g. ['MSS-CONF.01', 'MSS-CONF.03'] or ['ECO 1.1.5']. */
  requirements: string[];
  /** Whether the Adresse IP option is required (catalogue.md: autoconfig, certificate rejection, global jobs). */
  ipRequired: boolean;
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
export const CAMPAIGN_ORDER: readonly FolderId[] = ['MSS-LPS-SEGUR-1', 'MSS-LPS-SEGUR-APP', 'MSS-LPS-SEGUR-GEN-APP', 'MSS-LPS-SEGUR-GEN-PER-ORG', 'MSS-LPS-SEGUR-PER-ORG-1'];

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

/** How each kind reads in titles and ids, and which requirement it checks. */
const KINDS: Record<VerdictKind, { label: string; slug: string; requirements: string[]; ipRequired: boolean }> = {
  tls: { label: 'TLS', slug: 'tls', requirements: ['MSS-CONF.01', 'MSS-CONF.03'], ipRequired: false },
  'imap-access': { label: 'Accès Mail', slug: 'access', requirements: ['MSS-CONF.06'], ipRequired: false },
  send: { label: 'Envoi Mail', slug: 'send', requirements: ['MSS-CONF.05'], ipRequired: false },
  'auth-psc': { label: 'Authentification', slug: 'auth', requirements: ['MSS-CONF.07'], ipRequired: false },
  'auth-cert': { label: 'Authentification', slug: 'auth', requirements: ['MSS-CONF.12'], ipRequired: false },
  headers: { label: 'Indicateurs', slug: 'headers', requirements: ['MSS-CONF.14', 'MSS-CONF.15', 'MSS-CONF.16'], ipRequired: false },
  patient: { label: 'Indicateurs', slug: 'patient', requirements: ['MSS-CONF.21'], ipRequired: false },
  'cert-reject': { label: '', slug: '', requirements: [], ipRequired: true },
  autoconfig: { label: 'Autoconfig', slug: 'autoconfig', requirements: ['MSS-CONF.04'], ipRequired: true },
  reopen: { label: 'Réouv Session', slug: 'reopen', requirements: ['MSS-CONF.11'], ipRequired: false },
};

/** The three certificate-rejection variants, told apart by the endpoint. */
const REJECTIONS = {
  expire: { label: 'Certificat expiré', slug: 'expired', requirement: 'ECO 1.1.5' },
  revoq: { label: 'Certificat révoqué', slug: 'revoked', requirement: 'ECO 1.1.6' },
  nonigc: { label: 'AC non IGC Santé', slug: 'nonigc', requirement: 'MSS-CONF.27' },
} as const;

function requirementLabel(requirements: string[]): string {
  // "(MSS-CONF.01;03)" as the manual writes several requirements of one family.
  const [first, ...rest] = requirements;
  if (!first) return '';
  const tail = rest.map((r) => r.slice(r.lastIndexOf('.') + 1));
  return `(${[first, ...tail].join(';')})`;
}

function unit(folder: FolderId, kind: VerdictKind, bal: BalType, protocol: JobProtocol, variant?: keyof typeof REJECTIONS): UnitJob {
  const balLabel = bal === 'PSC' ? 'MIE PSC' : 'MIE AUTH_CLI';
  const balSlug = bal === 'PSC' ? 'psc' : 'authcli';
  const base = bal === 'PSC' ? 'psc' : 'org';
  const proto = protocol.toUpperCase();
  if (kind === 'cert-reject') {
    const r = REJECTIONS[variant!];
    return {
      id: `${balSlug}-${r.slug}-${protocol}`,
      title: `${balLabel} : ${r.label} ${proto} ${r.requirement.startsWith('ECO') ? `(${r.requirement})` : requirementLabel([r.requirement])}`,
      folder,
      kind,
      bal,
      protocol,
      endpoint: `${base}-${variant}` as EndpointId,
      requirements: [r.requirement],
      ipRequired: true,
    };
  }
  const k = KINDS[kind];
  const label = kind === 'patient' ? 'Indicateurs SMTP Mail patient' : kind === 'headers' ? 'Indicateurs SMTP' : `${k.label} ${proto}`;
  return {
    id: `${balSlug}-${k.slug}-${protocol}`,
    title: `${balLabel} : ${label} ${requirementLabel(k.requirements)}`,
    folder,
    kind,
    bal,
    protocol,
    endpoint: base,
    requirements: k.requirements,
    ipRequired: k.ipRequired,
  };
}

/** The general folder of one BAL type, in the manual's order. */
function general(folder: FolderId, bal: BalType): UnitJob[] {
  return [
    unit(folder, 'imap-access', bal, 'imap'),
    unit(folder, 'cert-reject', bal, 'imap', 'nonigc'),
    unit(folder, 'cert-reject', bal, 'smtp', 'nonigc'),
    unit(folder, 'autoconfig', bal, 'imap'),
    unit(folder, 'autoconfig', bal, 'smtp'),
    unit(folder, 'send', bal, 'smtp'),
    unit(folder, 'patient', bal, 'smtp'),
    unit(folder, 'headers', bal, 'smtp'),
    unit(folder, 'tls', bal, 'imap'),
    unit(folder, 'tls', bal, 'smtp'),
  ];
}

function rejections(folder: FolderId): UnitJob[] {
  const jobs: UnitJob[] = [];
  for (const bal of ['AUTH_CLI', 'PSC'] as const) {
    for (const variant of ['expire', 'revoq'] as const) {
      for (const protocol of ['imap', 'smtp'] as const) jobs.push(unit(folder, 'cert-reject', bal, protocol, variant));
    }
  }
  return jobs;
}

const JOBS_BY_FOLDER: Record<FolderId, UnitJob[]> = {
  'MSS-LPS-SEGUR-1': rejections('MSS-LPS-SEGUR-1'),
  'MSS-LPS-SEGUR-APP': [unit('MSS-LPS-SEGUR-APP', 'auth-cert', 'AUTH_CLI', 'imap'), unit('MSS-LPS-SEGUR-APP', 'auth-cert', 'AUTH_CLI', 'smtp')],
  'MSS-LPS-SEGUR-GEN-APP': general('MSS-LPS-SEGUR-GEN-APP', 'AUTH_CLI'),
  'MSS-LPS-SEGUR-GEN-PER-ORG': general('MSS-LPS-SEGUR-GEN-PER-ORG', 'PSC'),
  'MSS-LPS-SEGUR-PER-ORG-1': [unit('MSS-LPS-SEGUR-PER-ORG-1', 'auth-psc', 'PSC', 'imap'), unit('MSS-LPS-SEGUR-PER-ORG-1', 'auth-psc', 'PSC', 'smtp')],
  'MSS-LPS-SEGUR-PER-ORG-2': [unit('MSS-LPS-SEGUR-PER-ORG-2', 'reopen', 'PSC', 'imap')],
  'MSS-LPS-SEGUR-PER-ORG-3': [unit('MSS-LPS-SEGUR-PER-ORG-3', 'reopen', 'PSC', 'smtp')],
};

/** Folders in the order the manual lists them in the Jobs tab (§3.4). */
export const FOLDERS: readonly Folder[] = (
  ['MSS-LPS-SEGUR-APP', 'MSS-LPS-SEGUR-PER-ORG-1', 'MSS-LPS-SEGUR-GEN-APP', 'MSS-LPS-SEGUR-GEN-PER-ORG', 'MSS-LPS-SEGUR-PER-ORG-2', 'MSS-LPS-SEGUR-PER-ORG-3', 'MSS-LPS-SEGUR-1'] as const
).map((id) => ({ id, description: FOLDER_DESCRIPTIONS[id], global: GLOBAL.has(id), jobs: JOBS_BY_FOLDER[id] }));

export const UNIT_JOBS: readonly UnitJob[] = FOLDERS.flatMap((f) => f.jobs);

const BY_ID = new Map(UNIT_JOBS.map((j) => [j.id, j]));
const FOLDER_BY_ID = new Map(FOLDERS.map((f) => [f.id, f]));

export function findJob(id: string): UnitJob | undefined {
  return BY_ID.get(id);
}

export function findFolder(id: string): Folder | undefined {
  return FOLDER_BY_ID.get(id as FolderId);
}
