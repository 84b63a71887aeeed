// The documentation stays a front page plus guides that hold together: the README fits in 200 lines, every
// relative link of the README and of docs/ reaches an existing file and heading, every setting says what it is
// for (the configuration reference is generated from it), the architecture names every folder of src/, and the
// reference check (`npm run docs:check`, run by `npm test`) notices a stale or missing page.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compareReference } from '../../scripts/docs/compare.ts';
import { settings } from '../../scripts/docs/configuration.ts';
import { anchor } from '../../scripts/docs/markdown.ts';
import { ENDPOINT_IDS } from '../../src/config/schema.ts';
import { envNameOf, envNameToPath } from '../../src/config/config.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

function markdownFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(path.join(root, file)).isDirectory()) return markdownFiles(file);
    return name.endsWith('.md') ? [file] : [];
  });
}

/** Text outside fenced code blocks, inline code removed (links there are examples, not links). */
function prose(markdown: string): string[] {
  let fenced = false;
  return markdown.split('\n').flatMap((line) => {
    if (line.trimStart().startsWith('```')) {
      fenced = !fenced;
      return [];
    }
    return fenced ? [] : [line.replace(/`[^`]*`/g, '')];
  });
}

/** GitHub's anchors of a page's headings (a repeated heading gets -1, -2…). */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (line.trimStart().startsWith('```')) fenced = !fenced;
    const heading = !fenced && /^#{1,6} (.*)$/.exec(line);
    if (!heading) continue;
    const text = heading[1]!
      .replace(/`/g, '')
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/[*_]{2}/g, '');
    const base = anchor(text);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.add(count === 0 ? base : `${base}-${count}`);
  }
  return found;
}

const pages = ['README.md', ...markdownFiles('docs')];

describe('documentation', () => {
  it('keeps the README a front page of at most 200 lines', () => {
    const lines = read('README.md').split('\n');
    if (lines.at(-1) === '') lines.pop();
    expect(lines.length).toBeLessThanOrEqual(200);
  });

  it.each(pages)('%s: every relative link reaches a file, and its heading when it names one', (page) => {
    const broken: string[] = [];
    for (const line of prose(read(page))) {
      for (const match of line.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = match[1]!;
        if (/^[a-z]+:/i.test(target)) continue;
        const [file, fragment] = target.split('#') as [string, string | undefined];
        const resolved = file === '' ? page : path.normalize(path.join(path.dirname(page), decodeURI(file)));
        let exists = false;
        try {
          statSync(path.join(root, resolved));
          exists = true;
        } catch {
          exists = false;
        }
        if (!exists) {
          broken.push(`${target} (no file ${resolved})`);
          continue;
        }
        if (fragment && resolved.endsWith('.md') && !anchors(read(resolved)).has(decodeURIComponent(fragment)))
          broken.push(`${target} (no heading #${fragment} in ${resolved})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('has a description for every setting, and env names that load back to their setting', () => {
    const all = settings();
    expect(
      all.filter((s) => !s.description).map((s) => `${s.path.join('.')}: add .describe('…') in src/config/schema.ts`),
    ).toEqual([]);
    for (const s of all.filter((s) => !s.group)) {
      const paths = s.path.includes('<id>')
        ? ENDPOINT_IDS.map((id) => s.path.map((k) => (k === '<id>' ? id : k)))
        : [s.path];
      for (const p of paths) expect(envNameToPath(envNameOf(p))).toEqual(p);
    }
    expect(envNameOf(['endpoints', 'org-revoq', 'host'])).toBe('MOTCO_ENDPOINTS__ORG_REVOQ__HOST');
    expect(envNameOf(['smtp', 'maxMessageBytes'])).toBe('MOTCO_SMTP__MAX_MESSAGE_BYTES');
  });

  it('names every folder of src/ in the architecture', () => {
    const architecture = read('docs/architecture.md');
    const folders = (dir: string): string[] =>
      readdirSync(path.join(root, dir), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .flatMap((e) => [`${dir}/${e.name}`, ...folders(`${dir}/${e.name}`)]);
    const missing = folders('src').filter(
      (f) => !architecture.includes(`\`${f}/`) && !architecture.includes(`${f}/\``),
    );
    expect(missing).toEqual([]);
  });

  describe('the reference check', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'motco-docs-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const generated = new Map([
      ['a.md', '# A\n\nfrom the code\n'],
      ['b.md', '# B\n'],
    ]);

    it('passes when the pages match, and names a stale, a missing and a stray page', () => {
      for (const [name, content] of generated) writeFileSync(path.join(dir, name), content);
      expect(compareReference(generated, dir)).toEqual([]);
      writeFileSync(path.join(dir, 'a.md'), '# A\n\nedited by hand\n');
      rmSync(path.join(dir, 'b.md'));
      writeFileSync(path.join(dir, 'old.md'), '# Old\n');
      expect(compareReference(generated, dir)).toEqual([
        'a.md is stale (first difference at line 3)',
        'b.md is missing',
        'old.md is not generated by npm run docs (remove it or add a generator)',
      ]);
    });
  });
});
