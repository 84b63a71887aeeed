// What the agency's upload and `motco dossier verify` read from outside: multipart/form-data bodies
// (src/web/multipart.ts), as Node's own fetch encodes a form with a file, and ZIP archives within limits
// (src/dossier/archive.ts) — hostile ones refused with a French reason, garbage of any shape ending in a value
// or a refusal, never an exception nor a loop.
import fc from 'fast-check';
import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ArchiveError, unzipWithin } from '../../src/dossier/archive.ts';
import { boundaryOf, parseMultipart } from '../../src/web/multipart.ts';

async function encoded(form: FormData): Promise<{ body: Buffer; contentType: string }> {
  const request = new Request('http://motco.test/revue/dossier', { method: 'POST', body: form });
  return { body: Buffer.from(await request.arrayBuffer()), contentType: request.headers.get('content-type')! };
}

describe('multipart/form-data', () => {
  it('reads the fields and the file a real encoder (undici) writes', async () => {
    const zip = Buffer.from(zipSync({ 'a.txt': strToU8('bonjour\r\n--pas une limite\r\n') }));
    const form = new FormData();
    form.set('csrf', 'jeton-é');
    form.set('dossier', new Blob([zip], { type: 'application/zip' }), 'dossier-preuves.zip');
    const { body, contentType } = await encoded(form);
    const boundary = boundaryOf(contentType);
    expect(boundary).toBeTruthy();
    const parsed = parseMultipart(body, boundary!)!;
    expect(parsed.fields).toEqual({ csrf: 'jeton-é' });
    expect(parsed.files.get('dossier')!.filename).toBe('dossier-preuves.zip');
    expect(parsed.files.get('dossier')!.data.equals(zip)).toBe(true);
  });

  it('refuses what is not multipart, or cut short', async () => {
    expect(boundaryOf('application/x-www-form-urlencoded')).toBeUndefined();
    expect(boundaryOf('multipart/form-data')).toBeUndefined();
    expect(boundaryOf(`multipart/form-data; boundary=${'x'.repeat(71)}`)).toBeUndefined();
    const form = new FormData();
    form.set('dossier', new Blob(['abc']), 'd.zip');
    const { body, contentType } = await encoded(form);
    const boundary = boundaryOf(contentType)!;
    expect(parseMultipart(body.subarray(0, body.length - 10), boundary)).toBeUndefined();
    expect(parseMultipart(Buffer.from('rien'), boundary)).toBeUndefined();
    const field = (i: number) => `--b\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\nv\r\n`;
    const many = `${Array.from({ length: 30 }, (_, i) => field(i)).join('')}--b--\r\n`;
    expect(parseMultipart(Buffer.from(many), 'b')).toBeUndefined();
  });

  it('ends on any input, with a value or undefined', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 4096 }),
        fc.constantFrom('b', 'x-1', '----formdata'),
        (bytes, boundary) => {
          const withDelimiters = Buffer.concat([
            Buffer.from(`--${boundary}\r\n`),
            Buffer.from(bytes),
            Buffer.from(`\r\n--${boundary}--`),
          ]);
          for (const input of [Buffer.from(bytes), withDelimiters]) {
            const parsed = parseMultipart(input, boundary);
            expect(parsed === undefined || parsed.files instanceof Map).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('ZIP archives within limits', () => {
  const limits = { maxEntries: 5, maxBytes: 1024 * 1024 };

  it('reads an archive, files by name, folders left out', async () => {
    const files = await unzipWithin(zipSync({ 'a/b.json': strToU8('{}'), 'c.txt': strToU8('c') }), limits);
    expect([...files.keys()].sort()).toEqual(['a/b.json', 'c.txt']);
  });

  it('refuses too many entries, too large a declared size, and garbage, in French', async () => {
    const many = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`f${i}`, strToU8('x')]));
    await expect(unzipWithin(zipSync(many), limits)).rejects.toThrow('plus de 5 fichiers');
    // A bomb: 8 MiB of zeros deflate to a few kilobytes, declared as such.
    await expect(unzipWithin(zipSync({ 'zeros.bin': new Uint8Array(8 * 1024 * 1024) }), limits)).rejects.toThrow(
      /dépasse 1\u00a0Mo/,
    );
    await expect(unzipWithin(Buffer.from('PK\u0003\u0004 pas une archive'), limits)).rejects.toBeInstanceOf(
      ArchiveError,
    );
  });

  it('ends on any input with files or an ArchiveError', async () => {
    const base = zipSync({ 'manifest.json': strToU8('{"a":1}'), 'x/y.json': strToU8('[]') });
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2048 }),
        fc.nat(base.length - 1),
        fc.nat(255),
        async (bytes, at, value) => {
          const corrupted = new Uint8Array(base);
          corrupted[at] = value;
          for (const input of [bytes, corrupted]) {
            const outcome = await unzipWithin(input, limits).then(
              (files) => files instanceof Map,
              (error: unknown) => error instanceof ArchiveError,
            );
            expect(outcome).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
