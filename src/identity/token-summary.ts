// What we keep of a bearer token in the journal: enough to explain a decision (who, issued by whom, until
// when, which kind of token) and to recognise the same token again, never the token itself.
import { createHash } from 'node:crypto';

const KEPT_CLAIMS = [
  'iss',
  'sub',
  'aud',
  'azp',
  'typ',
  'exp',
  'iat',
  'nbf',
  'acr',
  'scope',
  'SubjectNameID',
  'preferred_username',
  'sid',
  'jti',
] as const;

export interface BearerSummary {
  length: number;
  /** First 16 hex digits of SHA-256 of the token: recognises a token reused across sessions. */
  sha256: string;
  format: 'jwt' | 'opaque';
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
}

export function summariseBearer(token: string): BearerSummary {
  const summary: BearerSummary = {
    length: token.length,
    sha256: createHash('sha256').update(token).digest('hex').slice(0, 16),
    format: 'opaque',
  };
  const parts = token.split('.');
  if (parts.length !== 3) return summary;
  const header = decodeSegment(parts[0]!);
  const payload = decodeSegment(parts[1]!);
  if (!header || !payload) return summary;
  summary.format = 'jwt';
  summary.header = pick(header, ['alg', 'kid', 'typ']);
  summary.claims = pick(payload, KEPT_CLAIMS);
  return summary;
}

/** A JWT segment's JSON object, or undefined when it is not base64url JSON of an object. */
export function decodeSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function pick(source: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in source).map((k) => [k, source[k]]));
}
