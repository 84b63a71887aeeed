// Files of the data folder: written atomically (a crash never leaves half a key, half a manifest or half a
// token), private to the owner (the folder holds signing keys, tokens and all mail), and read when they may not
// exist yet.
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync, statSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { t } from '../i18n/messages.ts';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;
/** Files handed to others on purpose (exported trust roots): readable by all. */
export const PUBLIC_FILE_MODE = 0o644;

/** Group and others may read, write or enter: what a private file or folder must not allow. */
const SHARED_BITS = 0o077;

/**
 * Writes through a temporary file and a rename; private (0600) unless asked otherwise. Missing folders are created
 * 0700.
 */
export async function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  mode = PRIVATE_FILE_MODE,
): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, data, { mode });
  // Exactly this mode, whatever the umask (the platform runs under 077; exported trust roots are meant for all).
  await chmod(temporary, mode);
  await rename(temporary, file);
}

/** The file's content, or undefined when it does not exist. */
export async function readOptional(file: string): Promise<Buffer | undefined> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

export class DataFolderError extends Error {}

/**
 * Makes the data folder private before anything is written to it: created 0700, and — since an older version or
 * an operator's `cp -r` may have left it open — every folder in it made 0700 and every file 0600. Only what the
 * process owns can be fixed: anything else readable by others stops the start-up with the command that fixes it.
 * Returns the paths whose mode was changed (the caller says so in the log).
 */
export function securePrivateFolder(dir: string): string[] {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  const fixed: string[] = [];
  const visit = (entry: string) => {
    const stat = lstatSync(entry);
    if (stat.isSymbolicLink()) return;
    if (stat.isDirectory()) {
      if ((stat.mode & SHARED_BITS) !== 0) tighten(entry, PRIVATE_DIR_MODE, stat.mode, fixed);
      for (const name of readdirSync(entry)) visit(path.join(entry, name));
    } else if (stat.isFile() && (stat.mode & SHARED_BITS) !== 0) {
      tighten(entry, PRIVATE_FILE_MODE, stat.mode, fixed);
    }
  };
  visit(dir);
  return fixed;
}

function tighten(entry: string, mode: number, was: number, fixed: string[]): void {
  try {
    chmodSync(entry, mode);
    fixed.push(entry);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'EACCES') throw error;
    const octal = (was & 0o777).toString(8).padStart(3, '0');
    throw new DataFolderError(
      t('dataFolder.notPrivate', {
        path: entry,
        mode: octal,
        owner: String(statSync(entry).uid),
        fix: mode === PRIVATE_DIR_MODE ? 'chmod 700' : 'chmod 600',
      }),
    );
  }
}

/** Creates an empty private file if it does not exist, so that a library creating it later cannot make it 0644. */
export function touchPrivate(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE));
}
