// tls — TLS IMAP / TLS SMTP (MSS-CONF.01;03): STARTTLS first, TLS ≥ 1.2, only the six allowed TLS 1.2
// suites offered, all six offered, an allowed suite negotiated; and, when the session authenticates, the BAL
// type's authentication (common.ts). The log lists the offered suites; a failed suite check's « Que
// corriger » names each suite to remove or add by its IANA and OpenSSL names (suite-names.ts).
import { t } from '../../i18n/messages.ts';
import { ALLOWED_TLS12_SUITES, SIGNALLING_SUITE_CODES, TLS13_SUITE_CODES } from '../../mail/tls/policy.ts';
import type { Observation } from '../../observe/journal.ts';
import { tlsFailureText } from '../../observe/wording.ts';
import { authsInClear, commandsBeforeTls, completeSessions, type SessionFacts } from '../facts.ts';
import { authenticationIfAttempted, check, judgeSessions, starttlsFirst } from '../verdicts/common.ts';
import { suiteNames } from '../verdicts/suite-names.ts';
import type { Check, Judge } from '../verdicts/types.ts';
import { USUAL_INSTRUCTIONS } from './shared.ts';
import type { VerdictKindModule } from './types.ts';

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

const judgeTls: Judge = (input) => {
  // A session that sent credentials or mail in clear is judged too: it is KO on STARTTLS, TLS or not.
  const sessions = completeSessions(input.observations).filter(
    (s) => s.hello || s.established || s.tlsFailure || commandsBeforeTls(s).length > 0 || authsInClear(s).length > 0,
  );
  // The job asks the LPS to authenticate: when it does, by the BAL type's method (catalogue.md, common rules).
  return judgeSessions(input, sessions, (session) => [
    ...judgeSession(session),
    ...authenticationIfAttempted(input, session),
  ]);
};

export function judgeSession(session: SessionFacts): Check[] {
  const checks: Check[] = [starttlsFirst(session, 'MSS-CONF.01')];
  const hello = session.hello;
  if (!hello) return [...checks, check('client-hello', 'missing', REQUIREMENT_SUITES, t('detail.noClientHello'))];
  const offered = hello.data.cipherSuites;
  const suites12 = tls12Suites(offered);
  checks.push(
    check(
      'offered-suites',
      'info',
      REQUIREMENT_SUITES,
      t('detail.offeredSuites', {
        version: String(hello.data.highestVersion),
        count: offered.length,
        suites: offered.map((s) => s.name).join(', '),
      }),
      [hello],
    ),
  );

  const established = session.established;
  const failure = session.tlsFailure;
  const highest = String(hello.data.highestVersion);
  if (established) {
    const version = String(established.data.version);
    checks.push(
      version === 'TLSv1.2' || version === 'TLSv1.3'
        ? check('version', 'pass', REQUIREMENT_VERSION, t('detail.versionOk', { version }), [established])
        : check('version', 'fail', REQUIREMENT_VERSION, t('detail.versionTooLow', { version }), [established]),
    );
  } else if (highest !== 'TLSv1.2' && highest !== 'TLSv1.3') {
    // The ClientHello settles it: a client offering nothing from TLS 1.2 up is KO on the version, whatever
    // the handshake then does (the platform refuses it).
    checks.push(
      check('version', 'fail', REQUIREMENT_VERSION, t('detail.versionOfferedTooLow', { version: highest }), [
        hello,
        failure,
      ]),
    );
  } else if (failure) {
    checks.push(
      check(
        'version',
        'missing',
        REQUIREMENT_VERSION,
        t('detail.handshakeFailed', { detail: tlsFailureText(failure.data) }),
        [hello, failure],
      ),
    );
  }

  const forbidden = suites12.filter((name) => !ALLOWED.has(name));
  checks.push(
    forbidden.length > 0
      ? check(
          'forbidden-suites',
          'fail',
          REQUIREMENT_SUITES,
          t('detail.forbiddenSuites', { suites: forbidden.join(', ') }),
          [hello],
          { fix: t('fix.forbiddenSuites', { suites: suiteNames(forbidden) }) },
        )
      : check('forbidden-suites', 'pass', REQUIREMENT_SUITES, t('detail.noForbiddenSuite'), [hello]),
  );
  const missing = [...ALLOWED].filter((name) => !suites12.includes(name));
  checks.push(
    missing.length > 0
      ? missingSuites(hello, suites12, missing)
      : check('all-suites', 'pass', REQUIREMENT_SUITES, t('detail.allSuites'), [hello]),
  );
  if (established) {
    const cipher = String(established.data.cipher);
    const allowed =
      established.data.version === 'TLSv1.3'
        ? cipher.startsWith('TLS_AES_') || cipher.startsWith('TLS_CHACHA20_')
        : ALLOWED.has(cipher);
    checks.push(
      allowed
        ? check('negotiated-suite', 'pass', REQUIREMENT_SUITES, t('detail.negotiatedOk', { cipher }), [established])
        : check('negotiated-suite', 'fail', REQUIREMENT_SUITES, t('detail.negotiatedForbidden', { cipher }), [
            established,
          ]),
    );
  }
  return checks;
}

/**
 * The six allowed suites are not all offered. A client that offers no TLS 1.2 at all (TLS 1.3 only) is told
 * so: TLS 1.3 is allowed, but the manual's FAQ wants the six suites exposed (« L'éditeur doit impérativement
 * exposer les 6 suites »).
 */
function missingSuites(hello: Observation<'tls.client_hello'>, suites12: string[], missing: string[]): Check {
  const versions = hello.data.supportedVersions ?? [];
  const noTls12 = versions.length > 0 && !versions.includes('TLSv1.2');
  if (noTls12 || suites12.length === 0) {
    const key = noTls12 ? 'detail.noTls12' : 'detail.noTls12Suite';
    return check(
      'all-suites',
      'fail',
      REQUIREMENT_SUITES,
      t(key, { versions: versions.map(versionLabel).join(', '), suites: missing.join(', ') }),
      [hello],
      { fix: t('fix.noTls12', { suites: suiteNames(missing) }) },
    );
  }
  return check(
    'all-suites',
    'fail',
    REQUIREMENT_SUITES,
    t('detail.missingSuites', { suites: missing.join(', ') }),
    [hello],
    { fix: t('fix.missingSuites', { suites: suiteNames(missing) }) },
  );
}

/** TLSv1.3 → TLS 1.3, as users read it. */
function versionLabel(version: string): string {
  return version.replace(/^TLSv/, 'TLS\u00a0');
}

export const tls: VerdictKindModule = {
  id: 'tls',
  label: 'TLS',
  requirements: [REQUIREMENT_VERSION, REQUIREMENT_SUITES],
  ipRequired: false,
  instructions: USUAL_INSTRUCTIONS,
  judge: judgeTls,
};
