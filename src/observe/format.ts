// One-line, human-readable rendering of an observation, for `motco journal` and operator logs.
import type { Observation } from './journal.ts';

export function formatObservation(o: Observation): string {
  const where = [o.endpoint, o.protocol].filter(Boolean).join('/');
  const who = o.clientIp ? `${o.clientIp}${o.clientPort ? ':' + o.clientPort : ''}` : '';
  const session = o.sessionId ? `s=${o.sessionId.slice(0, 8)}` : '';
  const mailbox = o.mailbox ? `<${o.mailbox}>` : '';
  return [new Date(o.at).toISOString(), `#${o.id}`, where, who, session, mailbox, o.kind, summary(o)].filter(Boolean).join(' ');
}

function summary(o: Observation): string {
  const d = o.data as Record<string, any>;
  switch (o.kind) {
    case 'command':
      return `${d.verb ?? ''}${d.args ? ' ' + d.args : ''} → ${d.reply?.code ?? d.reply?.status ?? ''}${d.tls ? '' : ' (en clair)'}`;
    case 'tls.client_hello':
      return `offre ${d.highestVersion}, ${d.cipherSuites?.length ?? 0} suites${d.sni ? `, SNI ${d.sni}` : ''}${d.statusRequest ? ', demande OCSP agrafé' : ''} [${(d.cipherSuites ?? []).map((s: { name: string }) => s.name).join(' ')}]`;
    case 'tls.established':
      return `${d.version} ${d.cipher}${d.clientCertificate?.present ? `, certificat client OU=${d.clientCertificate.ou ?? '?'} ${d.clientCertificate.trusted ? 'valide' : 'refusé (' + (d.clientCertificate.problems ?? []).join(',') + ')'}` : ''}`;
    case 'tls.failed':
      return `${d.stage}: ${d.alert ? `alerte ${d.alert} envoyée par le client` : (d.reason ?? d.error ?? '')} ${d.detail ?? ''}`.trim();
    case 'auth':
      return `${d.mechanism} ${d.user ?? ''} → ${d.outcome} (${d.reason})`;
    case 'message':
      return `${d.outcome} ${d.from ?? ''} → ${(d.to ?? []).join(', ')} ${d.size ?? ''} o${d.subject ? ` « ${d.subject} »` : ''}`;
    case 'session.close':
      return `fermée par ${d.by}${d.reason ? ` (${d.reason})` : ''}`;
    default:
      return JSON.stringify(d);
  }
}
