#!/usr/bin/env node
// Entry point of the `motco` command. Runs the build (build/, bundled by `npm run build`, which `npm ci` runs) while
// it is at least as recent as every source file it was made from; otherwise — no build, or sources edited since —
// runs the TypeScript sources through tsx, so that a checkout being worked on needs no build step.
import { readFileSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);

function buildIsCurrent() {
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL('build/inputs.json', root), 'utf8'));
    return inputs.every((file) => statSync(new URL(file, root)).mtimeMs <= builtAt);
  } catch {
    return false; // no build, or a source file gone
  }
}

if (buildIsCurrent()) {
  await import('../build/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
