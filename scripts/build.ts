// `npm run build` (and npm's `prepare`, so `npm ci` runs it): bundles the command line and every source module it
// loads (src/cli/main.ts, the platform through `motco start`) into build/ with esbuild, with code splitting so that
// each command loads only the modules it uses. bin/motco.js runs the build while it is at least as recent as every
// source file it was made from (build/inputs.json), and the sources through tsx otherwise.
//
//   npm run build                      into build/
//   node --import tsx scripts/build.ts --outdir .tmp/build-x   elsewhere (the build test)
//   node --import tsx scripts/build.ts --no-minify             readable, for CPU profiles
//
// Files that ship with the package (web assets, package.json) are read from the package root
// (src/util/package-root.ts), not next to the bundle.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface BuildResult {
  outdir: string;
  files: number;
  bytes: number;
}

export async function build(
  outdir = path.join(ROOT, 'build'),
  options: { minify?: boolean } = {},
): Promise<BuildResult> {
  // Taken before reading any source: a file saved during the build counts as newer than the build.
  const builtAt = Date.now();
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'src/cli/main.ts' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Dependencies are bundled too: loading kysely, zod or @peculiar/x509 file by file from node_modules took about
    // half a second of every start. Left in node_modules: native addons (better-sqlite3, pg's optional pg-native) and
    // the identity libraries — bundled, oidc-provider / oauth4webapi answered « invalid response encountered » to
    // the reference LPS's PSC token request (test/cli-run.test.ts caught it from a fresh clone).
    external: ['better-sqlite3', 'pg-native', 'oidc-provider', 'openid-client', 'oauth4webapi', 'jose'],
    // Bundled CommonJS dependencies call require(): give the ES modules one.
    banner: {
      js:
        "import { createRequire as __motcoRequire } from 'node:module'; " +
        'const require = __motcoRequire(import.meta.url);',
    },
    // Smaller files parse faster at every start; names are kept so that stack traces and class names still read.
    minifyWhitespace: options.minify ?? true,
    minifySyntax: options.minify ?? true,
    sourcemap: 'linked',
    legalComments: 'linked',
    chunkNames: 'chunks/[name]-[hash]',
    metafile: true,
    logLevel: 'warning',
  });
  const inputs = Object.keys(result.metafile.inputs).filter((file) => !file.includes('node_modules/'));
  writeFileSync(path.join(outdir, 'inputs.json'), `${JSON.stringify({ builtAt, inputs })}\n`);
  const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
  return { outdir, files: outputs.length, bytes: outputs.reduce((sum, [, o]) => sum + o.bytes, 0) };
}

if (process.argv[1] === import.meta.filename) {
  // --no-minify: one statement a line, for reading a CPU profile of the build.
  const { values } = parseArgs({
    options: { outdir: { type: 'string' }, minify: { type: 'boolean', default: true } },
    allowNegative: true,
  });
  const built = await build(values.outdir && path.resolve(values.outdir), { minify: values.minify });
  console.log(
    `build: ${built.files} files, ` +
      `${(built.bytes / 1024 / 1024).toFixed(1)} MB in ${path.relative(process.cwd(), built.outdir) || '.'}`,
  );
}
