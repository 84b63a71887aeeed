// Runs once before the test files: generates a PKI that every test platform copies, because RSA key
// generation is the slow part of a first start. Each copy is re-issued for its own ports, keeping the keys.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../src/config/config.ts';
import { TestPki } from '../src/pki/index.ts';

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'motco-pki-template-'));
  await TestPki.open(loadConfig({ env: {}, cwd: dir, overrides: { dataDir: dir } }));
  project.provide('pkiTemplate', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
