// Fails when a tracked source line is longer than 120 characters (Biome wraps code at 120 but leaves string
// literals and comments alone). Plain JavaScript so that `npm run lint` does not pay for tsx.
// A line is exempt only when it holds a token that cannot be broken (a URL, a base64 or hex blob) longer than 80.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const MAX = 120;
const UNBREAKABLE = 80;
const UNBREAKABLE_TOKEN = /(https?:\/\/[^\s'"`]+|[A-Za-z0-9+/=_-]+)/g;
const patterns = ['*.ts', '*.mts', '*.js', '*.mjs', '*.cjs'];
const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', ...patterns], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => f && !/^(test\/fixtures|build|docs\/reference|node_modules)\//.test(f));

const offenders = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    continue; // listed by git but deleted in the working tree
  }
  text.split('\n').forEach((line, i) => {
    if (line.length <= MAX) return;
    if ((line.match(UNBREAKABLE_TOKEN) ?? []).some((token) => token.length > UNBREAKABLE)) return;
    offenders.push(`${file}:${i + 1}: ${line.length} characters`);
  });
}
if (offenders.length > 0) {
  console.error(offenders.join('\n'));
  console.error(`line-length: ${offenders.length} line(s) over ${MAX} characters`);
  process.exit(1);
}
console.log(`line-length: ${files.length} files, no line over ${MAX} characters`);
