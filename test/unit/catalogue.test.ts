import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAMPAIGN_ORDER, FOLDERS, findFolder, findJob, UNIT_JOBS } from '../../src/catalogue/jobs.ts';
import { VERDICT_KINDS } from '../../src/catalogue/kinds/index.ts';

// Titles, folders, kinds and endpoints exactly as ../shared/spec/catalogue.md lists them.
const SPEC: [string, string, string, string, string, string][] = [
  [
    'MSS-LPS-SEGUR-1',
    'MIE AUTH_CLI : Certificat expiré IMAP (ECO 1.1.5)',
    'cert-reject',
    'AUTH_CLI',
    'imap',
    'org-expire',
  ],
  [
    'MSS-LPS-SEGUR-1',
    'MIE AUTH_CLI : Certificat expiré SMTP (ECO 1.1.5)',
    'cert-reject',
    'AUTH_CLI',
    'smtp',
    'org-expire',
  ],
  [
    'MSS-LPS-SEGUR-1',
    'MIE AUTH_CLI : Certificat révoqué IMAP (ECO 1.1.6)',
    'cert-reject',
    'AUTH_CLI',
    'imap',
    'org-revoq',
  ],
  [
    'MSS-LPS-SEGUR-1',
    'MIE AUTH_CLI : Certificat révoqué SMTP (ECO 1.1.6)',
    'cert-reject',
    'AUTH_CLI',
    'smtp',
    'org-revoq',
  ],
  ['MSS-LPS-SEGUR-1', 'MIE PSC : Certificat expiré IMAP (ECO 1.1.5)', 'cert-reject', 'PSC', 'imap', 'psc-expire'],
  ['MSS-LPS-SEGUR-1', 'MIE PSC : Certificat expiré SMTP (ECO 1.1.5)', 'cert-reject', 'PSC', 'smtp', 'psc-expire'],
  ['MSS-LPS-SEGUR-1', 'MIE PSC : Certificat révoqué IMAP (ECO 1.1.6)', 'cert-reject', 'PSC', 'imap', 'psc-revoq'],
  ['MSS-LPS-SEGUR-1', 'MIE PSC : Certificat révoqué SMTP (ECO 1.1.6)', 'cert-reject', 'PSC', 'smtp', 'psc-revoq'],
  ['MSS-LPS-SEGUR-APP', 'MIE AUTH_CLI : Authentification IMAP (MSS-CONF.12)', 'auth-cert', 'AUTH_CLI', 'imap', 'org'],
  ['MSS-LPS-SEGUR-APP', 'MIE AUTH_CLI : Authentification SMTP (MSS-CONF.12)', 'auth-cert', 'AUTH_CLI', 'smtp', 'org'],
  ['MSS-LPS-SEGUR-GEN-APP', 'MIE AUTH_CLI : Accès Mail IMAP (MSS-CONF.06)', 'imap-access', 'AUTH_CLI', 'imap', 'org'],
  [
    'MSS-LPS-SEGUR-GEN-APP',
    'MIE AUTH_CLI : AC non IGC Santé IMAP (MSS-CONF.27)',
    'cert-reject',
    'AUTH_CLI',
    'imap',
    'org-nonigc',
  ],
  [
    'MSS-LPS-SEGUR-GEN-APP',
    'MIE AUTH_CLI : AC non IGC Santé SMTP (MSS-CONF.27)',
    'cert-reject',
    'AUTH_CLI',
    'smtp',
    'org-nonigc',
  ],
  ['MSS-LPS-SEGUR-GEN-APP', 'MIE AUTH_CLI : Autoconfig IMAP (MSS-CONF.04)', 'autoconfig', 'AUTH_CLI', 'imap', 'org'],
  ['MSS-LPS-SEGUR-GEN-APP', 'MIE AUTH_CLI : Autoconfig SMTP (MSS-CONF.04)', 'autoconfig', 'AUTH_CLI', 'smtp', 'org'],
  ['MSS-LPS-SEGUR-GEN-APP', 'MIE AUTH_CLI : Envoi Mail SMTP (MSS-CONF.05)', 'send', 'AUTH_CLI', 'smtp', 'org'],
  [
    'MSS-LPS-SEGUR-GEN-APP',
    'MIE AUTH_CLI : Indicateurs SMTP Mail patient (MSS-CONF.21)',
    'patient',
    'AUTH_CLI',
    'smtp',
    'org',
  ],
  [
    'MSS-LPS-SEGUR-GEN-APP',
    'MIE AUTH_CLI : Indicateurs SMTP (MSS-CONF.14;15;16)',
    'headers',
    'AUTH_CLI',
    'smtp',
    'org',
  ],
  ['MSS-LPS-SEGUR-GEN-APP', 'MIE AUTH_CLI : TLS IMAP (MSS-CONF.01;03)', 'tls', 'AUTH_CLI', 'imap', 'org'],
  ['MSS-LPS-SEGUR-GEN-APP', 'MIE AUTH_CLI : TLS SMTP (MSS-CONF.01;03)', 'tls', 'AUTH_CLI', 'smtp', 'org'],
  ['MSS-LPS-SEGUR-GEN-PER-ORG', 'MIE PSC : Accès Mail IMAP (MSS-CONF.06)', 'imap-access', 'PSC', 'imap', 'psc'],
  [
    'MSS-LPS-SEGUR-GEN-PER-ORG',
    'MIE PSC : AC non IGC Santé IMAP (MSS-CONF.27)',
    'cert-reject',
    'PSC',
    'imap',
    'psc-nonigc',
  ],
  [
    'MSS-LPS-SEGUR-GEN-PER-ORG',
    'MIE PSC : AC non IGC Santé SMTP (MSS-CONF.27)',
    'cert-reject',
    'PSC',
    'smtp',
    'psc-nonigc',
  ],
  ['MSS-LPS-SEGUR-GEN-PER-ORG', 'MIE PSC : Autoconfig IMAP (MSS-CONF.04)', 'autoconfig', 'PSC', 'imap', 'psc'],
  ['MSS-LPS-SEGUR-GEN-PER-ORG', 'MIE PSC : Autoconfig SMTP (MSS-CONF.04)', 'autoconfig', 'PSC', 'smtp', 'psc'],
  ['MSS-LPS-SEGUR-GEN-PER-ORG', 'MIE PSC : Envoi Mail SMTP (MSS-CONF.05)', 'send', 'PSC', 'smtp', 'psc'],
  [
    'MSS-LPS-SEGUR-GEN-PER-ORG',
    'MIE PSC : Indicateurs SMTP Mail patient (MSS-CONF.21)',
    'patient',
    'PSC',
    'smtp',
    'psc',
  ],
  ['MSS-LPS-SEGUR-GEN-PER-ORG', 'MIE PSC : Indicateurs SMTP (MSS-CONF.14;15;16)', 'headers', 'PSC', 'smtp', 'psc'],
  ['MSS-LPS-SEGUR-GEN-PER-ORG', 'MIE PSC : TLS IMAP (MSS-CONF.01;03)', 'tls', 'PSC', 'imap', 'psc'],
  ['MSS-LPS-SEGUR-GEN-PER-ORG', 'MIE PSC : TLS SMTP (MSS-CONF.01;03)', 'tls', 'PSC', 'smtp', 'psc'],
  ['MSS-LPS-SEGUR-PER-ORG-1', 'MIE PSC : Authentification IMAP (MSS-CONF.07)', 'auth-psc', 'PSC', 'imap', 'psc'],
  ['MSS-LPS-SEGUR-PER-ORG-1', 'MIE PSC : Authentification SMTP (MSS-CONF.07)', 'auth-psc', 'PSC', 'smtp', 'psc'],
  ['MSS-LPS-SEGUR-PER-ORG-2', 'MIE PSC : Réouv Session IMAP (MSS-CONF.11)', 'reopen', 'PSC', 'imap', 'psc'],
  ['MSS-LPS-SEGUR-PER-ORG-3', 'MIE PSC : Réouv Session SMTP (MSS-CONF.11)', 'reopen', 'PSC', 'smtp', 'psc'],
];

describe('test catalogue', () => {
  it('has the 34 unit jobs of catalogue.md with their titles, folders, kinds and endpoints', () => {
    const actual = UNIT_JOBS.map((j) => [j.folder, j.title, j.kind, j.bal, j.protocol, j.endpoint]);
    expect(actual.slice().sort()).toEqual(SPEC.slice().sort());
    expect(UNIT_JOBS).toHaveLength(34);
  });

  it('keeps the manual’s order inside each folder', () => {
    for (const folder of FOLDERS) {
      expect(folder.jobs.map((j) => j.title)).toEqual(SPEC.filter((s) => s[0] === folder.id).map((s) => s[1]));
    }
  });

  it('gives every job a unique, stable short id', () => {
    const ids = UNIT_JOBS.map((j) => j.id);
    expect(new Set(ids).size).toBe(34);
    for (const id of ids) expect(id).toMatch(/^(psc|authcli)-[a-z]+-(imap|smtp)$/);
    expect(findJob('psc-tls-smtp')?.title).toBe('MIE PSC : TLS SMTP (MSS-CONF.01;03)');
    expect(findJob('authcli-revoked-imap')?.endpoint).toBe('org-revoq');
  });

  it('has five global jobs, campaigned in the manual’s order', () => {
    expect(
      FOLDERS.filter((f) => f.global)
        .map((f) => f.id)
        .sort(),
    ).toEqual([...CAMPAIGN_ORDER].sort());
    expect(CAMPAIGN_ORDER).toEqual([
      'MSS-LPS-SEGUR-1',
      'MSS-LPS-SEGUR-APP',
      'MSS-LPS-SEGUR-GEN-APP',
      'MSS-LPS-SEGUR-GEN-PER-ORG',
      'MSS-LPS-SEGUR-PER-ORG-1',
    ]);
    expect(findFolder('MSS-LPS-SEGUR-PER-ORG-2')?.global).toBe(false);
  });

  it('writes every title out in src/catalogue/jobs.ts, as the manual does, so that a reviewer can grep it', () => {
    const source = readFileSync(path.join(import.meta.dirname, '..', '..', 'src', 'catalogue', 'jobs.ts'), 'utf8');
    for (const [, title] of SPEC) expect(source).toContain(`'${title}'`);
  });

  it('reads each job’s requirements off its title, among those its kind checks', () => {
    expect(findJob('psc-headers-smtp')?.requirements).toEqual(['MSS-CONF.14', 'MSS-CONF.15', 'MSS-CONF.16']);
    expect(findJob('psc-tls-imap')?.requirements).toEqual(['MSS-CONF.01', 'MSS-CONF.03']);
    expect(findJob('authcli-revoked-smtp')?.requirements).toEqual(['ECO 1.1.6']);
    for (const job of UNIT_JOBS) {
      expect(job.requirements.length, job.id).toBeGreaterThan(0);
      for (const requirement of job.requirements)
        expect(VERDICT_KINDS[job.kind].requirements, job.id).toContain(requirement);
    }
  });

  it('has one module per kind in the registry, each with jobs, its id its key', () => {
    for (const [id, kind] of Object.entries(VERDICT_KINDS)) expect(kind.id).toBe(id);
    expect(new Set(UNIT_JOBS.map((j) => j.kind))).toEqual(new Set(Object.keys(VERDICT_KINDS)));
    for (const job of UNIT_JOBS.filter((j) => j.kind !== 'cert-reject'))
      expect(job.title, job.id).toContain(VERDICT_KINDS[job.kind].label);
  });

  it('listens on the job’s endpoint, or on both mail-domain endpoints for autoconfiguration', () => {
    for (const job of UNIT_JOBS)
      expect(job.listensOn, job.id).toEqual(job.kind === 'autoconfig' ? ['org', 'psc'] : [job.endpoint]);
  });

  it('requires the Adresse IP for autoconfig and certificate-rejection jobs only', () => {
    const needIp = UNIT_JOBS.filter((j) => j.ipRequired).map((j) => j.kind);
    expect(new Set(needIp)).toEqual(new Set(['autoconfig', 'cert-reject']));
  });
});
