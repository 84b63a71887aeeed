// The endpoint table as users and scripts see it (`motco start`, `motco endpoints`).
import type { Config } from '../config/config.ts';
import { t } from '../i18n/messages.ts';

export interface EndpointListing {
  domain: string;
  endpoints: { id: string; host: string; address: string; imap: number; smtp: number; certificate: string }[];
  /** The platform's DNS server (UDP and TCP), authoritative for the mail domain. */
  dns: { address: string; port: number };
  /** Base URL of the autoconfig host: <autoconfig>/mail/config-v1.1.xml is the Thunderbird file. */
  autoconfig: string;
}

export function endpointListing(config: Config): EndpointListing {
  return {
    domain: config.mailDomain,
    endpoints: config.endpoints.map((e) => ({
      id: e.id,
      host: e.host,
      address: e.address,
      imap: e.imapPort,
      smtp: e.smtpPort,
      certificate: e.certificate,
    })),
    dns: { address: config.autoconfig.address, port: config.ports.dns },
    autoconfig: config.autoconfig.url,
  };
}

/** A plain-text table with aligned columns. */
export function endpointTable(config: Config): string {
  const header = t('cli.endpointTableHeader').split('|');
  const rows = config.endpoints.map((e) => [
    e.id,
    e.host,
    e.address,
    String(e.imapPort),
    String(e.smtpPort),
    t(`certificate.${e.certificate}`),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const format = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [format(header), format(widths.map((w) => '-'.repeat(w))), ...rows.map(format)].join('\n');
}
