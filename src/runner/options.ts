// Validation of the job options (manual §3.4, figure 11): Délai, an integer number of seconds within bounds,
// and Adresse IP, an IPv4 or IPv6 address, required for autoconfig, certificate-rejection and global jobs.
import { isIP } from 'node:net';
import { t } from '../i18n/messages.ts';
import { normaliseIp } from '../mail/session.ts';
import type { ExecutionOptions } from './types.ts';

export interface DelaiBounds {
  min: number;
  max: number;
  default: number;
}

export interface OptionError {
  field: 'delai' | 'ip';
  message: string;
}

export function validateOptions(
  input: { delai?: unknown; ip?: unknown },
  bounds: DelaiBounds,
  ipRequired: boolean,
): { ok: true; value: ExecutionOptions } | { ok: false; errors: OptionError[] } {
  const errors: OptionError[] = [];
  let delaiSeconds = bounds.default;
  if (input.delai !== undefined && input.delai !== null && input.delai !== '') {
    const text = String(input.delai).trim();
    const value = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < bounds.min || value > bounds.max) {
      errors.push({ field: 'delai', message: t('runner.error.delai', { min: bounds.min, max: bounds.max }) });
    } else {
      delaiSeconds = value;
    }
  }
  let ip: string | null = null;
  const ipText = typeof input.ip === 'string' ? input.ip.trim() : '';
  if (ipText) {
    // [2001:db8::1] as people paste it from URLs; ::ffff:a.b.c.d as dual-stack sockets show IPv4 clients.
    const bare = ipText.replace(/^\[(.*)\]$/, '$1');
    if (isIP(bare) === 0) errors.push({ field: 'ip', message: t('runner.error.ipFormat', { ip: ipText }) });
    else ip = normaliseIp(bare);
  } else if (ipRequired) {
    errors.push({ field: 'ip', message: t('runner.error.ipRequired') });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { delaiSeconds, ip } };
}
