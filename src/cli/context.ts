// What every CLI command receives: its arguments and a way to load the configuration with the common flags.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { loadConfig, type Config } from '../config/config.ts';
import { t } from '../i18n/messages.ts';
import { setTimeZone } from '../i18n/time.ts';

export interface CommandContext {
  /** Arguments after the command name (and sub-command, if any). */
  args: string[];
  /** Output streams, replaceable in tests. */
  out: (text: string) => void;
  err: (text: string) => void;
}

export class UsageError extends Error {}

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  data: { type: 'string' },
  config: { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export function parse<O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args, options: { ...COMMON_OPTIONS, ...options }, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(t('cli.badOption', { message: (error as Error).message }));
  }
}

/** `overrides`: the command's own setting flags (`start --workers`), by setting path. */
export function configFrom(
  values: { data?: string | undefined; config?: string | undefined },
  overrides: Record<string, unknown> = {},
): Config {
  const config = loadConfig({ file: values.config, overrides: { ...overrides, dataDir: values.data } });
  // The command's output gives times in the platform's zone, as its pages do.
  setTimeZone(config.timeZone);
  return config;
}
