// tls — TLS IMAP / TLS SMTP (MSS-CONF.01;03): STARTTLS first, TLS ≥ 1.2, only the six allowed TLS 1.2
// suites offered, all six offered, an allowed suite negotiated. The log lists the offered suites.
import { t } from '../../i18n/messages.ts';
import { ALLOWED_TLS12_SUITES, SIGNALLING_SUITE_CODES, TLS13_SUITE_CODES } from '../../mail/tls/policy.ts';
import { completeSessions, type SessionFacts } from '../facts.ts';
import { check, judgeSessions, starttlsFirst } from './common.ts';
import type { Check, Judge } from './types.ts';

const ALLOWED = new Set(ALLOWED_TLS12_SUITES.map((s) => s.iana));
const REQUIREMENT_VERSION = 'MSS-CONF.01';
const REQUIREMENT_SUITES = 'MSS-CONF.03';

interface OfferedSuite {
  code: string;
  name: string;
}

/** TLS 1.2 suites of a ClientHello: TLS 1.3 suites, GREASE and signalling values are not counted. */
export function tls12Suites(offered: OfferedSuite[]): string[] {
  return offered
    .filter((s) => {
      const code = Number.parseInt(s.code, 16);
      return s.name !== 'GREASE' && !TLS13_SUITE_CODES.has(code) && !SIGNALLING_SUITE_CODES.has(code);
    })
    .map((s) => s.name);
}

export const judgeTls: Judge = (input) => {
  const sessions = completeSessions(input.observations).filter((s) => s.hello || s.established || s.tlsFailure);
  return judgeSessions(input, sessions, judgeSession);
};

export function judgeSession(session: SessionFacts): Check[] {
  const checks: Check[] = [starttlsFirst(session, 'MSS-CONF.01')];
  const hello = session.hello;
  if (!hello) return [...checks, check('client-hello', 'missing', REQUIREMENT_SUITES, t('detail.noClientHello'))];
  const offered = (hello.data.cipherSuites as OfferedSuite[]) ?? [];
  const suites12 = tls12Suites(offered);
  checks.push(check('offered-suites', 'info', REQUIREMENT_SUITES, t('detail.offeredSuites', { version: String(hello.data.highestVersion), count: offered.length, suites: offered.map((s) => s.name).join(', ') }), [hello]));

  const established = session.established;
  const failure = session.tlsFailure;
  if (established) {
    const version = String(established.data.version);
    checks.push(
      version === 'TLSv1.2' || version === 'TLSv1.3'
        ? check('version', 'pass', REQUIREMENT_VERSION, t('detail.versionOk', { version }), [established])
        : check('version', 'fail', REQUIREMENT_VERSION, t('detail.versionTooLow', { version }), [established]),
    );
  } else if (failure) {
    const highest = String(hello.data.highestVersion);
    const tooLow = highest !== 'TLSv1.2' && highest !== 'TLSv1.3';
    checks.push(check('version', tooLow ? 'fail' : 'missing', REQUIREMENT_VERSION, tooLow ? t('detail.versionTooLow', { version: highest }) : t('detail.handshakeFailed', { detail: String(failure.data.detail ?? failure.data.error ?? '') }), [hello, failure]));
  }

  const forbidden = suites12.filter((name) => !ALLOWED.has(name));
  checks.push(
    forbidden.length > 0
      ? check('forbidden-suites', 'fail', REQUIREMENT_SUITES, t('detail.forbiddenSuites', { suites: forbidden.join(', ') }), [hello])
      : check('forbidden-suites', 'pass', REQUIREMENT_SUITES, t('detail.noForbiddenSuite'), [hello]),
  );
  const missing = [...ALLOWED].filter((name) => !suites12.includes(name));
  checks.push(
    missing.length > 0
      ? check('all-suites', 'fail', REQUIREMENT_SUITES, t('detail.missingSuites', { suites: missing.join(', ') }), [hello])
      : check('all-suites', 'pass', REQUIREMENT_SUITES, t('detail.allSuites'), [hello]),
  );
  if (established) {
    const cipher = String(established.data.cipher);
    const allowed = established.data.version === 'TLSv1.3' ? cipher.startsWith('TLS_AES_') || cipher.startsWith('TLS_CHACHA20_') : ALLOWED.has(cipher);
    checks.push(
      allowed
        ? check('negotiated-suite', 'pass', REQUIREMENT_SUITES, t('detail.negotiatedOk', { cipher }), [established])
        : check('negotiated-suite', 'fail', REQUIREMENT_SUITES, t('detail.negotiatedForbidden', { cipher }), [established]),
    );
  }
  return checks;
}
