// One French log line per observed fact, for the live log of an execution (manual figures 13–14): what
// the platform saw the client do, as it happened. Codes are put into words (wording.ts): no raw reason, alert
// or English close reason reaches the line.
import { t } from '../i18n/messages.ts';
import type { Observation } from './journal.ts';
import {
  alertText,
  authReason,
  closeReasonText,
  mechanismName,
  messageOutcome,
  ocspStatus,
  tlsFailureText,
} from './wording.ts';

const PROTOCOL = (o: Observation) => (o.protocol ?? '').toUpperCase();

export function narrate(o: Observation): string | undefined {
  switch (o.kind) {
    case 'session.open':
      return t('narrate.open', {
        protocol: PROTOCOL(o),
        ip: o.clientIp ?? '?',
        port: o.clientPort ?? '?',
        endpoint: o.endpoint ?? '',
      });
    case 'tls.client_hello': {
      const d = o.data;
      return t('narrate.hello', {
        version: d.highestVersion,
        count: d.cipherSuites.length,
        suites: d.cipherSuites.map((s) => s.name).join(', '),
        sni: d.sni ?? '—',
        ocsp: d.statusRequest ? t('detail.yes') : t('detail.no'),
      });
    }
    case 'tls.established': {
      const d = o.data;
      return d.clientCertificate.present
        ? t('narrate.establishedWithCertificate', {
            version: d.version,
            cipher: d.cipher,
            ou: d.clientCertificate.ou ?? '—',
            trusted: d.clientCertificate.trusted ? t('narrate.valid') : t('narrate.invalid'),
          })
        : t('narrate.established', { version: d.version, cipher: d.cipher });
    }
    case 'tls.failed': {
      const d = o.data;
      if (d.stage === 'handshake' && d.alert) return t('narrate.clientAlert', { alert: alertText(d.alert) });
      return d.stage === 'handshake' && d.by === 'server'
        ? t('narrate.serverRefused', { detail: tlsFailureText(d) })
        : t('narrate.tlsAborted', { detail: tlsFailureText(d) });
    }
    case 'session.refused':
      if (o.data.proxyHeader)
        return t('narrate.refusedProxy', {
          protocol: PROTOCOL(o),
          ip: o.clientIp ?? '?',
          reason: t(`narrate.proxyReason.${o.data.proxyHeader}`),
        });
      return t('narrate.refused', {
        protocol: PROTOCOL(o),
        ip: o.clientIp ?? '?',
        endpoint: o.endpoint ?? '',
        limit: o.data.max ?? '?',
      });
    case 'tls.renegotiation':
      return t('narrate.renegotiation');
    case 'tls.plaintext_injection':
      return t('narrate.injection', { bytes: o.data.bytes });
    case 'command': {
      const d = o.data;
      return t('narrate.command', {
        verb: d.verb ?? '?',
        reply: d.reply.code ?? d.reply.status ?? '',
        clear: d.tls ? '' : t('narrate.inClear'),
      });
    }
    case 'auth': {
      const d = o.data;
      if (d.outcome === 'abandoned') {
        return d.reason === 'new_command'
          ? t('narrate.authAbandonedCommand', { mechanism: mechanismName(d), command: d.newCommand ?? '?' })
          : t('narrate.authAbandonedClosed', { mechanism: mechanismName(d) });
      }
      return t(d.outcome === 'success' ? 'narrate.authOk' : 'narrate.authRefused', {
        mechanism: mechanismName(d),
        user: d.user ?? '',
        reason: authReason(d.reason),
        clear: d.tls === false ? t('narrate.inClear') : '',
      });
    }
    case 'message': {
      const d = o.data;
      return d.outcome === 'accepted'
        ? t('narrate.message', {
            from: d.from,
            to: d.to.join(', '),
            size: d.size ?? 0,
            mss: mssHeaders(d.headers ?? []),
          })
        : t('narrate.messageRefused', { outcome: messageOutcome(d.outcome) });
    }
    case 'session.close': {
      const d = o.data;
      return t(
        d.by === 'server' || d.by === 'error'
          ? 'narrate.closedByServer'
          : d.by === 'timeout'
            ? 'narrate.closedByTimeout'
            : 'narrate.closedByClient',
        { reason: closeReasonText(d) },
      );
    }
    case 'autoconfig.http':
      return t('narrate.autoconfigHttp', {
        path: o.data.path,
        status: o.data.status,
        servers: servers(o.data.answered),
      });
    case 'autoconfig.dns':
      return t('narrate.autoconfigDns', {
        qtype: o.data.qtype ?? '?',
        name: o.data.name ?? '',
        rcode: o.data.rcode,
        servers: servers(o.data.answered),
      });
    case 'pki.crl_fetch':
      return t('narrate.crlFetch', { ca: o.data.ca ?? '' });
    case 'pki.ocsp_request':
      return t('narrate.ocsp', { statuses: o.data.requests.map((r) => ocspStatus(r.status)).join(', ') });
    case 'pki.ca_fetch':
      return t('narrate.caFetch', { ca: o.data.ca ?? o.data.file ?? '' });
    default:
      // A kind this version does not know (a journal written by another one).
      return undefined;
  }
}

function mssHeaders(headers: { name: string; value: string }[]): string {
  const mss = headers.filter((h) => /^x-mss-/i.test(h.name));
  return mss.length > 0 ? mss.map((h) => `${h.name}: ${h.value}`).join(' ; ') : t('narrate.noMssHeader');
}

function servers(answered: { endpoint?: string | undefined; port?: number | undefined }[]): string {
  const list = answered.filter((a) => a.endpoint).map((a) => `${a.endpoint}:${a.port ?? ''}`);
  return list.length > 0 ? [...new Set(list)].join(', ') : '—';
}
