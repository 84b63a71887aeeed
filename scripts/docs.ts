// `npm run docs`: writes the reference pages of docs/reference/ from the code (commands, settings, REST API,
// journal kinds, test catalogue). `npm run docs -- --check` (`npm run docs:check`, part of `npm test`) builds them
// in memory and fails, naming each stale page, when a checked-in page differs from what the code says now.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { compareReference } from './docs/compare.ts';
import { loadConfig, type Config } from '../src/config/config.ts';

export const REFERENCE_DIR = path.resolve(import.meta.dirname, '..', 'docs', 'reference');

/**
 * How each page of docs/reference/ is made. Each generator loads its sources when it runs, so that a module
 * broken by work in progress spoils only the pages made from it.
 */
const GENERATORS: [string, (config: Config) => Promise<string>][] = [
  ['cli.md', async () => (await import('./docs/cli.ts')).cliPage()],
  ['configuration.md', async () => (await import('./docs/configuration.ts')).configurationPage()],
  ['rest-api.md', async (config) => (await import('./docs/rest-api.ts')).restApiPage(config)],
  ['journal.md', async () => (await import('./docs/journal.ts')).journalPage()],
  ['catalogue.md', async (config) => (await import('./docs/catalogue.ts')).cataloguePage(config)],
];

/**
 * Every generated page: file name in docs/reference/ → its content. A generator that fails is reported with the
 * page it makes (`failed`), and the others are still built.
 */
export async function referencePages(): Promise<{ pages: Map<string, string>; failed: Map<string, unknown> }> {
  // The default configuration, whatever the environment or a motco.config.json says: pages must not depend on
  // the machine that builds them.
  const config = loadConfig({ env: {}, cwd: REFERENCE_DIR });
  const pages = new Map<string, string>();
  const failed = new Map<string, unknown>();
  for (const [name, generate] of GENERATORS) {
    try {
      pages.set(name, await generate(config));
    } catch (error) {
      failed.set(name, error);
    }
  }
  return { pages, failed };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { check: { type: 'boolean' } }, strict: true });
  const { pages, failed } = await referencePages();
  const relative = path.relative(process.cwd(), REFERENCE_DIR) || '.';
  for (const [name, error] of failed)
    process.stderr.write(
      `docs: ${path.join(relative, name)} could not be generated: ` +
        `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  if (values.check) {
    const problems = compareReference(pages, REFERENCE_DIR).filter(
      (p) => ![...failed.keys()].some((name) => p.startsWith(`${name} `)),
    );
    for (const p of problems) process.stderr.write(`docs: ${path.join(relative, p)}\n`);
    if (problems.length > 0)
      process.stderr.write(
        'docs: the reference is out of date with the code: run `npm run docs` and commit docs/reference/.\n',
      );
    else if (failed.size === 0) process.stdout.write(`docs: ${pages.size} reference pages up to date\n`);
    return problems.length > 0 || failed.size > 0 ? 1 : 0;
  }
  mkdirSync(REFERENCE_DIR, { recursive: true });
  for (const [name, content] of pages) writeFileSync(path.join(REFERENCE_DIR, name), content);
  process.stdout.write(`docs: wrote ${[...pages.keys()].map((n) => path.join(relative, n)).join(', ')}\n`);
  return failed.size > 0 ? 1 : 0;
}

if (import.meta.filename === process.argv[1]) process.exitCode = await main();
