// ZIP archives of evidence dossiers and vendor kits (fflate): written whole, and read within limits, since an
// uploaded archive is hostile — entries and their declared sizes are counted before anything is inflated, and
// fflate never inflates an entry past its declared size.
import { createHash } from 'node:crypto';
import { unzip, zip, type Zippable } from 'fflate';
import { t } from '../i18n/messages.ts';

export class ArchiveError extends Error {}

export function zipFiles(files: Record<string, Uint8Array>): Promise<Uint8Array> {
  const entries: Zippable = {};
  for (const [name, content] of Object.entries(files)) entries[name] = [content, { level: 6 }];
  return new Promise((resolve, reject) => zip(entries, (error, data) => (error ? reject(error) : resolve(data))));
}

export interface ArchiveLimits {
  maxEntries: number;
  /** Total declared size of the entries once inflated. */
  maxBytes: number;
}

/** The files of an archive by name (folders left out); an ArchiveError in French when it is not one or too large. */
export function unzipWithin(archive: Uint8Array, limits: ArchiveLimits): Promise<Map<string, Uint8Array>> {
  const names = new Set<string>();
  let total = 0;
  let refused: string | undefined;
  return new Promise((resolve, reject) => {
    try {
      unzip(
        archive,
        {
          filter: (file) => {
            if (refused) return false;
            total += file.originalSize;
            if (names.has(file.name)) refused = t('dossier.archive.duplicate', { name: file.name.slice(0, 200) });
            else if (names.size >= limits.maxEntries)
              refused = t('dossier.archive.tooManyEntries', { max: limits.maxEntries });
            else if (total > limits.maxBytes)
              refused = t('dossier.archive.tooLarge', { max: megabytes(limits.maxBytes) });
            names.add(file.name);
            return !refused && !file.name.endsWith('/');
          },
        },
        (error, files) => {
          if (refused) return reject(new ArchiveError(refused));
          if (error) return reject(new ArchiveError(t('dossier.archive.unreadable')));
          resolve(new Map(Object.entries(files)));
        },
      );
    } catch {
      reject(new ArchiveError(t('dossier.archive.unreadable')));
    }
  });
}

export function sha256(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

/** « 64 Mo », for the limits users read. */
export function megabytes(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10}\u00a0Mo`;
}
