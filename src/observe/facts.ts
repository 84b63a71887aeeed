// The shape of every kind of fact the journal keeps: one zod schema per observation kind, describing the
// `data` the endpoints, the autoconfiguration services and the PKI record today, field by field. They are the
// journal's documentation (journalKinds() lists them for the reference pages), its types (FactData<K>, so
// that readers narrow on `kind` and read typed data), and its check at write (journal.ts validates each fact as it
// records it; test/unit/journal-facts.test.ts checks the recorded fixtures against them).
//
// The schemas describe the data as stored, i.e. as JSON: dates are ISO strings, absent values are left out.
// Objects are strict: a field a writer adds or renames without saying so here is reported at write.
import { z } from 'zod';

const port = z.number().int().min(0).max(65535);
const ipAddress = z.string().describe('IP address, IPv4 clients of a dual-stack socket as a.b.c.d');

// Sessions (mail/listeners.ts).

const sessionOpen = z
  .strictObject({
    localAddress: ipAddress.describe('Our address the client connected to'),
    localPort: port
      .optional()
      .describe('Our port the client connected to (absent only if the socket was already gone)'),
  })
  .meta({ description: 'A mail session opened (SMTP or IMAP): the first fact of every session.' });

const sessionRefused = z
  .strictObject({
    limit: z
      .enum(['per_address', 'per_address_total', 'total'])
      .optional()
      .describe('The connection cap that was reached (absent for a PROXY header refusal)'),
    max: z.number().int().optional().describe('Its value'),
    proxyHeader: z
      .enum(['not_proxy', 'malformed', 'too_long', 'timeout', 'closed'])
      .optional()
      .describe(
        'Why the PROXY protocol header of a connection from a trusted load balancer was ' +
          'refused (the connection is closed without a reply; clientIp is the balancer’s)',
      ),
    detail: z.string().optional().describe('What was wrong with the PROXY header, in English'),
    localAddress: ipAddress.describe('Our address the client connected to'),
    localPort: port.optional().describe('Our port the client connected to'),
  })
  .meta({
    description:
      'A connection refused before any session (no sessionId): past a connection cap ' +
      '(SMTP 421 / IMAP * BYE), or for its PROXY protocol header (mail and web listeners).',
  });

const sessionClose = z
  .strictObject({
    by: z.enum(['client', 'server', 'timeout', 'error']).describe('Who ended the session'),
    reason: z
      .string()
      .nullable()
      .describe(
        'Why, in English as on the wire (QUIT, LOGOUT, a TLS ' +
          'failure, an operator close…); null when the client just left',
      ),
    durationMs: z.number().int().describe('How long the session lasted'),
    tls: z.boolean().describe('TLS was established'),
    commandsAfterTls: z.number().int().describe('Protocol commands received once TLS was established'),
    closingAt: z
      .number()
      .int()
      .optional()
      .describe(
        'When the platform decided to end the session (its * BYE or 421), in ms; present only when it did. The ' +
          'fact itself is written once the connection is gone, which a client reconnecting at the BYE may precede',
      ),
  })
  .meta({ description: 'A mail session ended: the last fact of every session.' });

// TLS (mail/tls/starttls.ts, client-hello.ts, mail/conversation.ts).

const offeredSuite = z.strictObject({
  code: z.string().describe('Hexadecimal code as in the manual’s FAQ, e.g. 0xC02F'),
  name: z.string().describe('IANA name, or GREASE / UNKNOWN_0x…'),
});

const clientHello = z
  .strictObject({
    legacyVersion: z.string().describe('The legacy_version field, e.g. TLSv1.2'),
    supportedVersions: z
      .array(z.string())
      .describe('supported_versions extension (RFC 8446), GREASE removed; empty when absent'),
    highestVersion: z.string().describe('Highest version offered, e.g. TLSv1.3'),
    cipherSuites: z.array(offeredSuite).describe('Cipher suites in the client’s order'),
    sni: z.string().nullable().describe('Server name asked for (SNI), if any'),
    extensions: z
      .array(
        z.strictObject({ id: z.number().int().describe('Extension type'), name: z.string().describe('IANA name') }),
      )
      .describe('Extensions in the client’s order'),
    statusRequest: z.boolean().describe('status_request (RFC 6066 §8): the client asked for a stapled OCSP response'),
    supportedGroups: z.array(z.string()).describe('supported_groups, IANA names'),
    keyShareGroups: z.array(z.string()).describe('Groups of the key_share extension (TLS 1.3), GREASE removed'),
    signatureAlgorithms: z.array(z.string()).describe('signature_algorithms, IANA names'),
    alpn: z.array(z.string()).describe('ALPN protocols offered'),
    ja3: z.string().describe('JA3 fingerprint (MD5)'),
    ja4: z.string().describe('JA4 fingerprint'),
    records: z.number().int().describe('TLS records the hello was spread over (1 for nearly every client)'),
  })
  .meta({
    description:
      'The client’s ClientHello after STARTTLS, read before the ' +
      'handshake (recorded even when the handshake then fails).',
  });

const certificateProblem = z.enum([
  'no_certificate',
  'untrusted_chain',
  'expired',
  'not_yet_valid',
  'revoked',
  'no_client_auth_eku',
]);

/** The PKI's judgement of the client certificate (pki/judge.ts). */
export const clientCertificateFacts = z
  .strictObject({
    present: z.boolean().describe('The client sent a certificate'),
    subject: z.string().optional().describe('Subject DN'),
    issuer: z.string().optional().describe('Issuer DN'),
    serialNumber: z.string().optional().describe('Serial number, canonical hexadecimal'),
    notBefore: z.string().optional().describe('Start of validity, ISO 8601'),
    notAfter: z.string().optional().describe('End of validity, ISO 8601'),
    ou: z.string().optional().describe('Subject OU: the IdNat of an ORG_AUTH_CLI certificate'),
    organisation: z.string().optional().describe('Subject O'),
    commonName: z.string().optional().describe('Subject CN'),
    ekuClientAuth: z.boolean().describe('Extended key usage clientAuth'),
    chainsToIgcOrgCa: z.boolean().describe('Issued by the IGC Santé TEST organisation CA'),
    expired: z.boolean().describe('Past its validity'),
    notYetValid: z.boolean().describe('Before its validity'),
    revoked: z.boolean().describe('On our CRL'),
    trusted: z.boolean().describe('Every check passed'),
    problems: z.array(certificateProblem).describe('What failed, one code per check'),
  })
  .describe('The client certificate as the platform judged it');

const tlsEstablished = z
  .strictObject({
    version: z.string().describe('Negotiated version, e.g. TLSv1.3'),
    cipher: z.string().describe('Negotiated suite, IANA name'),
    sni: z.string().nullable().describe('Server name asked for (SNI), if any'),
    ocspRequested: z.boolean().describe('The ClientHello asked for a stapled OCSP response'),
    ocspStapled: z.boolean().describe('An OCSP response really went to the client in the handshake'),
    helloRetry: z
      .boolean()
      .describe('TLS 1.3 went through a HelloRetryRequest (no key share we accept); the staple goes through it'),
    resumed: z.boolean().describe('A resumed session'),
    clientCertificate: clientCertificateFacts,
    clientCertificateChain: z
      .array(
        z.strictObject({
          subject: z.string().describe('Subject DN'),
          issuer: z.string().describe('Issuer DN'),
          serialNumber: z.string().describe('Serial number, canonical hexadecimal'),
          sha256: z.string().describe('SHA-256 fingerprint'),
        }),
      )
      .describe('The client’s chain, leaf first, as Node completed it with our trusted issuers'),
  })
  .meta({ description: 'The STARTTLS handshake succeeded.' });

const tlsFailed = z
  .discriminatedUnion('stage', [
    z.strictObject({
      stage: z.literal('client_hello').describe('No usable ClientHello'),
      reason: z.enum(['not_tls', 'closed', 'timeout', 'unparseable']).describe('What came instead'),
      detail: z.string().describe('In English'),
    }),
    z.strictObject({
      stage: z.literal('handshake').describe('The handshake failed'),
      by: z
        .enum(['client', 'server'])
        .describe('Who ended it: the client (an alert, a close) or us (a policy refusal)'),
      alert: z.string().nullable().describe('TLS alert name when there is one, e.g. certificate_expired, unknown_ca'),
      error: z.string().describe('OpenSSL or Node code, or CLOSED / TIMEOUT'),
      detail: z.string().describe('In English'),
      reason: z
        .literal('no_shared_group')
        .optional()
        .describe('A named refusal: TLS 1.3 with none of our groups offered (e.g. X25519 alone)'),
      offeredGroups: z
        .array(z.string())
        .optional()
        .describe('With no_shared_group: the supported_groups the client offered'),
    }),
  ])
  .meta({ description: 'STARTTLS did not end in a TLS session: no ClientHello, or a failed handshake.' });

const tlsRenegotiation = z
  .strictObject({
    refused: z.literal(true).describe('Always refused'),
    error: z.string().describe('Node’s code, ERR_TLS_RENEGOTIATION_DISABLED or ERR_TLS_SESSION_ATTACK'),
  })
  .meta({ description: 'The client asked to renegotiate once TLS was established; the session then closes.' });

const plaintextInjection = z
  .strictObject({
    bytes: z.number().int().describe('Bytes sent after STARTTLS and before the handshake'),
    discarded: z.literal(true).describe('Always discarded (RFC 3207 §5, RFC 3501 §6.2.1)'),
  })
  .meta({ description: 'Plaintext pipelined after the STARTTLS command, discarded.' });

// Protocol commands (mail/smtp/session.ts, mail/imap/session.ts and the IMAP command handlers).

const smtpReply = z.strictObject({
  code: z.number().int().describe('SMTP reply code'),
  status: z.string().nullable().describe('Enhanced status code (RFC 3463), e.g. 5.7.0'),
  text: z.string().describe('Reply text, at most 512 characters'),
});

const imapReply = z.strictObject({
  status: z.enum(['OK', 'NO', 'BAD']).describe('Tagged status'),
  code: z.string().nullable().describe('Response code without brackets, e.g. TRYCREATE, APPENDUID 1 2'),
  text: z.string().describe('Reply text'),
});

const command = z
  .strictObject({
    tag: z.string().nullable().optional().describe('IMAP: the command’s tag (null when the line could not be read)'),
    verb: z
      .string()
      .nullable()
      .describe('Upper-case verb (EHLO, AUTH, MAIL… / CAPABILITY, SELECT…); IMAP: null when unreadable'),
    args: z.string().describe('Arguments: SMTP at most 512 characters, AUTH only its mechanism; IMAP a summary'),
    reply: z.union([smtpReply, imapReply]).describe('Our answer: SMTP code, IMAP status'),
    tls: z.boolean().describe('Sent inside TLS'),
    authenticated: z.boolean().describe('Sent once authenticated'),
    pipelined: z.boolean().optional().describe('More input was already waiting when the command was read'),
    tooLong: z.boolean().optional().describe('Set (true) when the line exceeded the limit and was dropped'),
    limit: z
      .string()
      .optional()
      .describe(
        'IMAP: the limit the command hit (line, command, literal, ' +
          'literals, nesting, depth, quota_bytes, quota_messages, keywords_…)',
      ),
    received: z.number().int().optional().describe('IMAP: bytes of the refused command read'),
    literals: z.number().int().optional().describe('IMAP: literals of the refused command'),
    folder: z
      .string()
      .optional()
      .describe('IMAP: the folder the command named (SELECT, EXAMINE, STATUS, APPEND, COPY, MOVE…)'),
    to: z.string().optional().describe('IMAP RENAME: the new name'),
    size: z.number().int().optional().describe('IMAP APPEND: bytes of the message'),
    uid: z.number().int().optional().describe('IMAP APPEND: the UID given'),
    messages: z.number().int().optional().describe('IMAP COPY/MOVE: messages concerned'),
    client: z
      .record(z.string(), z.string().nullable())
      .optional()
      .describe('IMAP ID (RFC 2971): what the client said it is'),
    internalError: z.literal(true).optional().describe('IMAP: the command failed on our side (NO [SERVERBUG])'),
  })
  .meta({ description: 'One protocol command and our reply (SMTP or IMAP; the observation’s protocol tells which).' });

// Authentication (mail/smtp/session.ts, mail/imap/session.ts, mail/authenticate.ts).

/** What the journal keeps of a bearer token (identity/token-summary.ts): never the token itself. */
export const bearerSummary = z
  .strictObject({
    length: z.number().int().describe('Characters of the token'),
    sha256: z
      .string()
      .describe('First 16 hex digits of SHA-256 of the token: recognises a token reused across sessions'),
    format: z.enum(['jwt', 'opaque']).describe('A JWT, or anything else'),
    header: z.record(z.string(), z.unknown()).optional().describe('JWT header: alg, kid, typ'),
    claims: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        'Selected JWT claims: iss, sub, aud, azp, typ, exp, iat, ' +
          'nbf, acr, scope, SubjectNameID, preferred_username, sid, jti',
      ),
  })
  .describe('The bearer token presented, summarised');

const auth = z
  .strictObject({
    command: z
      .enum(['AUTHENTICATE', 'LOGIN'])
      .optional()
      .describe('IMAP: the command that carried the credentials (SMTP: always AUTH, not recorded)'),
    mechanism: z.string().describe('SASL mechanism, upper case; IMAP LOGIN is recorded as LOGIN-COMMAND'),
    outcome: z
      .enum(['success', 'failure', 'refused', 'cancelled', 'abandoned'])
      .describe('refused: before any exchange (no TLS, unknown mechanism…)'),
    reason: z
      .string()
      .describe(
        'Stable code: password, client_certificate, bearer, bearer_unverified, bearer_<token reason>, bad_password, ' +
          'unknown_mailbox, authzid_mismatch, mechanism_not_offered, tls_required, no_ehlo, already_authenticated, ' +
          'in_transaction, unknown_mechanism, malformed, cancelled, client_certificate_required, ' +
          'client_certificate_untrusted, certificate_ou_mismatch, disconnected, new_command',
      ),
    detail: z.string().optional().describe('A malformed or cancelled exchange: what was wrong, in English'),
    tls: z.boolean().describe('Sent inside TLS'),
    user: z
      .string()
      .optional()
      .describe('Authentication identity the client gave (PLAIN authcid, LOGIN user name, XOAUTH2 user=)'),
    authzid: z.string().optional().describe('Authorisation identity, empty when none'),
    initialResponse: z.boolean().optional().describe('The credentials came as an initial response (SASL-IR)'),
    credentialsInClear: z.boolean().optional().describe('Refused before TLS: whether credentials travelled in clear'),
    bearerInClear: z.boolean().optional().describe('Refused before TLS: whether a bearer token travelled in clear'),
    newCommand: z.string().optional().describe('Abandoned exchange: the command sent instead of a response'),
    bearer: bearerSummary.optional(),
    bearerVerified: z.boolean().optional().describe('XOAUTH2: the token was verified against the PSC issuer'),
    bearerDetails: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('XOAUTH2: what the verification found (alg, kid, kind, SubjectNameID, owner, error…)'),
    certificateOu: z.string().optional().describe('PLAIN/LOGIN with a client certificate: its OU'),
    certificateTrusted: z.boolean().optional().describe('PLAIN/LOGIN with a client certificate: it passed every check'),
  })
  .meta({
    description:
      'An authentication attempt (SMTP AUTH, IMAP AUTHENTICATE ' +
      'or LOGIN) and its outcome. Passwords are never recorded.',
  });

// Submitted messages (mail/smtp/session.ts, mail/message/attachments.ts, xdm.ts).

const cdaDocument = z.strictObject({
  path: z.string().describe('Path of the CDA in the archive'),
  code: z.string().nullable().describe('ClinicalDocument/code/@code'),
  codeSystem: z.string().nullable().describe('ClinicalDocument/code/@codeSystem'),
  displayName: z.string().nullable().describe('ClinicalDocument/code/@displayName'),
  title: z.string().nullable().describe('ClinicalDocument/title'),
  patientIds: z
    .array(
      z.strictObject({
        root: z.string().describe('OID of the identifier'),
        extension: z.string().nullable().describe('The identifier'),
      }),
    )
    .describe('Patient identifiers'),
  hasIns: z.boolean().describe('One of them is an INS'),
});

/** An IHE_XDM.ZIP attachment, read (mail/message/xdm.ts). */
export const xdmFacts = z
  .strictObject({
    filename: z.string().describe('Name of the attachment'),
    entries: z.array(z.string()).describe('Files of the archive'),
    metadata: z.boolean().describe('METADATA.XML present'),
    documents: z.array(cdaDocument).describe('CDA documents found'),
    error: z.string().nullable().describe('Why the archive could not be read, if it could not'),
  })
  .describe('The first IHE_XDM.ZIP attachment, read');

const message = z
  .strictObject({
    outcome: z
      .enum(['accepted', 'over_quota', 'too_large', 'aborted'])
      .describe('aborted: the client left during DATA'),
    from: z.string().describe('MAIL FROM address'),
    to: z.array(z.string()).describe('RCPT TO addresses accepted'),
    size: z
      .number()
      .int()
      .optional()
      .describe('Bytes of the message (too_large: bytes received before the limit); absent when aborted'),
    submissionId: z
      .number()
      .int()
      .optional()
      .describe('Id of the stored submission: accepted, and over_quota when every mailbox filled up during delivery'),
    overQuota: z
      .array(z.string())
      .optional()
      .describe('Recipients whose mailbox was full (over_quota, and accepted when some were)'),
    sha256: z.string().optional().describe('Accepted: SHA-256 of the message as received'),
    fromMatchesMailbox: z.boolean().optional().describe('Accepted: MAIL FROM is the authenticated mailbox'),
    headers: z
      .array(
        z.strictObject({
          name: z.string().describe('As sent'),
          value: z.string().describe('Unfolded, leading space removed'),
        }),
      )
      .optional()
      .describe('Accepted: header fields in the client’s exact order and case'),
    messageId: z.string().nullable().optional().describe('Accepted: Message-ID'),
    subject: z.string().nullable().optional().describe('Accepted: Subject'),
    longLines: z.number().int().optional().describe('Accepted: lines over 998 characters'),
    bareLfLines: z.number().int().optional().describe('Accepted: lines ended by a bare LF'),
    attachments: z
      .array(
        z.strictObject({
          filename: z.string().nullable().describe('File name, if any'),
          contentType: z.string().describe('type/subtype, lower case'),
          size: z.number().int().describe('Bytes, decoded'),
        }),
      )
      .optional()
      .describe('Accepted: attachments'),
    xdm: xdmFacts
      .nullable()
      .optional()
      .describe('Accepted: the first IHE_XDM.ZIP attachment, read; null when there is none'),
    stored: z
      .array(
        z.strictObject({
          address: z.string().describe('Mailbox'),
          folder: z.string().describe('Folder'),
          uid: z.number().int().describe('UID given'),
        }),
      )
      .optional()
      .describe('Accepted: where it was delivered'),
  })
  .meta({
    description:
      'A message submitted with SMTP DATA: accepted, or refused (too large, a full mailbox) ' +
      'or abandoned. The fields marked « accepted » come with an accepted message only.',
  });

// Autoconfiguration (autoconfig/http.ts, dns.ts).

const autoconfigHttp = z
  .strictObject({
    path: z.string().describe('Path and query string as requested'),
    scheme: z.enum(['http', 'https']).describe('How it came'),
    host: z.string().nullable().describe('Host header'),
    sni: z.string().nullable().describe('Server name asked for in TLS'),
    userAgent: z.string().nullable().describe('User-Agent header'),
    emailaddress: z
      .unknown()
      .describe(
        'The emailaddress query parameter as the client sent it (a string, a list when repeated); null when absent',
      ),
    mailbox: z
      .strictObject({
        address: z.string().describe('Its address'),
        type: z.string().describe('personal, applicative…'),
      })
      .nullable()
      .describe('The mailbox it names, when it exists'),
    status: z.number().int().describe('HTTP status answered'),
    answered: z
      .array(
        z.strictObject({
          endpoint: z.string().describe('Our endpoint'),
          protocol: z.enum(['imap', 'smtp']).describe('Incoming (IMAP) or outgoing (SMTP) server'),
          host: z.string().describe('Host name'),
          address: z.string().describe('What our DNS answers for the host'),
          port: port.describe('Port'),
          socketType: z.literal('STARTTLS').describe('Always STARTTLS'),
          username: z.string().describe('Login to use, or %EMAILADDRESS%'),
          authentication: z
            .array(z.string())
            .describe('Methods advertised: OAuth2, TLS-client-cert, password-cleartext…'),
        }),
      )
      .describe('Servers advertised'),
  })
  .meta({
    description:
      'A Thunderbird autoconfiguration request (config-v1.1.xml over HTTP or HTTPS), with what it advertised.',
  });

const dnsRecord = z.strictObject({
  name: z.string().describe('Owner name'),
  type: z.enum(['SOA', 'NS', 'A', 'AAAA', 'SRV', 'MX']).describe('Record type'),
  ttl: z.number().int().describe('Seconds'),
  address: z.string().optional().describe('A/AAAA'),
  ns: z.string().optional().describe('NS'),
  priority: z.number().int().optional().describe('SRV, MX'),
  weight: z.number().int().optional().describe('SRV'),
  port: port.optional().describe('SRV'),
  target: z.string().optional().describe('SRV'),
  exchange: z.string().optional().describe('MX (with priority)'),
  primary: z.string().optional().describe('SOA'),
  admin: z.string().optional().describe('SOA'),
  serial: z.number().int().optional().describe('SOA'),
  refresh: z.number().int().optional().describe('SOA'),
  retry: z.number().int().optional().describe('SOA'),
  expiration: z.number().int().optional().describe('SOA'),
  minimum: z.number().int().optional().describe('SOA'),
  endpoint: z.string().optional().describe('The endpoint the record leads to'),
  service: z.string().optional().describe('SRV: imap or submission'),
  role: z.enum(['web', 'autoconfig', 'ns']).optional().describe('A platform host the record names'),
});

const autoconfigDns = z
  .strictObject({
    transport: z.enum(['udp', 'tcp']).describe('How the query came'),
    id: z.number().int().describe('DNS message id'),
    name: z.string().nullable().describe('Name asked, as asked'),
    qtype: z.string().nullable().describe('Type asked (A, SRV…), null when unreadable'),
    qclass: z.string().nullable().describe('Class asked (IN), null when unreadable'),
    rcode: z.enum(['NOERROR', 'FORMERR', 'NXDOMAIN', 'NOTIMP', 'REFUSED']).describe('Response code answered'),
    answered: z.array(dnsRecord).describe('Records answered'),
    ecs: z.string().optional().describe('EDNS client subnet, when sent'),
    errors: z.array(z.string()).optional().describe('Why the query could not be read (FORMERR)'),
  })
  .meta({ description: 'A query to the platform’s DNS server, with what it answered.' });

// PKI (pki/routes.ts).

const httpRequest = {
  path: z.string().describe('Path as requested'),
  userAgent: z.string().optional().describe('User-Agent header'),
};

const crlFetch = z
  .strictObject({
    ca: z.string().optional().describe('The CA whose CRL was asked (absent when the file name is not <ca>.crl)'),
    found: z.boolean().describe('We have it'),
    crlNumber: z.number().int().optional().describe('Number of the CRL served'),
    ...httpRequest,
  })
  .meta({ description: 'A CRL download.' });

const caFetch = z
  .strictObject({
    ca: z.string().optional().describe('The CA certificate asked for'),
    file: z.string().optional().describe('The trust file asked for, instead'),
    found: z.boolean().describe('We have it'),
    ...httpRequest,
  })
  .meta({ description: 'A CA certificate or trust bundle download.' });

const ocspRequest = z
  .strictObject({
    method: z.string().describe('GET or POST'),
    responseStatus: z.string().describe('OCSP response status: successful, malformedRequest, unauthorized…'),
    nonce: z.boolean().describe('The request carried a nonce'),
    requests: z
      .array(
        z.strictObject({
          serialNumber: z.string().describe('Serial number asked about'),
          issuer: z.string().optional().describe('Our CA that issued it, when it is one of ours'),
          status: z.enum(['good', 'revoked', 'unknown']).optional().describe('Status answered'),
          endpoint: z.string().optional().describe('The endpoint certificate it is'),
          idnat: z.string().optional().describe('The structure it was issued to'),
          authority: z.string().optional().describe('Set when it is one of our CAs’ own certificate'),
        }),
      )
      .describe('One per CertID of the request'),
    ...httpRequest,
  })
  .meta({ description: 'An OCSP request (RFC 6960, GET or POST) and our answer.' });

/** Every kind of observation and the schema of its data: the journal's reference. */
export const FACTS = {
  'session.open': sessionOpen,
  'session.close': sessionClose,
  'session.refused': sessionRefused,
  'tls.client_hello': clientHello,
  'tls.established': tlsEstablished,
  'tls.failed': tlsFailed,
  'tls.renegotiation': tlsRenegotiation,
  'tls.plaintext_injection': plaintextInjection,
  command,
  auth,
  message,
  'pki.crl_fetch': crlFetch,
  'pki.ocsp_request': ocspRequest,
  'pki.ca_fetch': caFetch,
  'autoconfig.http': autoconfigHttp,
  'autoconfig.dns': autoconfigDns,
} as const satisfies Record<string, z.ZodType>;

/** What kind of fact an observation is. */
export type ObservationKind = keyof typeof FACTS;

export const OBSERVATION_KINDS = Object.keys(FACTS) as ObservationKind[];

/** The data of a kind of fact, as stored and read. */
export type FactData<K extends ObservationKind> = z.output<(typeof FACTS)[K]>;

export function isObservationKind(kind: string): kind is ObservationKind {
  return Object.hasOwn(FACTS, kind);
}

/** Checks a fact's data (as stored: after a JSON round trip) against its kind's schema; the problems, if any. */
export function factProblems(kind: ObservationKind, data: unknown): string[] {
  const parsed = FACTS[kind].safeParse(data);
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(data)'}: ${issue.message}`);
}

export interface JournalKind {
  kind: ObservationKind;
  /** When the fact is recorded, in English. */
  description: string;
  schema: z.ZodType;
  /** The data's JSON Schema (draft 2020-12), field descriptions included. */
  jsonSchema: Record<string, unknown>;
}

/** The journal's kinds for the reference documentation, in the order of FACTS. */
export function journalKinds(): JournalKind[] {
  return OBSERVATION_KINDS.map((kind) => {
    const schema = FACTS[kind];
    return {
      kind,
      description: z.globalRegistry.get(schema)?.description ?? '',
      schema,
      jsonSchema: factJsonSchema(kind),
    };
  });
}

export function factJsonSchema(kind: ObservationKind): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(FACTS[kind], {
    io: 'output',
    unrepresentable: 'any',
    reused: 'inline',
  }) as Record<string, unknown>;
  return rest;
}
