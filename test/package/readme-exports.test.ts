/**
 * The README's "Exports" table lists exactly what each entry point exports at run time: every
 * export is documented, and nothing documented is missing. Reads the build, as users do.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const ENTRIES: Record<string, string> = {
  'govuk-pay-express': 'dist/cjs/index.js',
  'govuk-pay-express/client': 'dist/cjs/client-entry.js',
  'govuk-pay-express/redis': 'dist/cjs/stores/redis.js',
  'govuk-pay-express/postgres': 'dist/cjs/stores/postgres.js',
  'govuk-pay-express/simulator': 'dist/cjs/simulator/index.js',
  'govuk-pay-express/testing': 'dist/cjs/testing/index.js',
  'govuk-pay-express/observability': 'dist/cjs/observability/public.js',
};

/** The names in backticks in the export column of each entry point's rows. */
function documentedExports(): Map<string, Set<string>> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Exports'), readme.indexOf('## Errors'));
  const documented = new Map<string, Set<string>>();
  let entry = '';
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 4 || cells[1] === 'entry point' || cells[1]?.startsWith('---')) continue;
    if (cells[1] !== '') entry = cells[1]!.replaceAll('`', '');
    const names = documented.get(entry) ?? new Set<string>();
    for (const match of (cells[2] ?? '').matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g))
      names.add(match[1]!);
    documented.set(entry, names);
  }
  return documented;
}

describe('the README documents every export', () => {
  const documented = documentedExports();

  it.each(Object.entries(ENTRIES))('%s', (entry, file) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = Object.keys(require(join(ROOT, file)) as object).sort();
    const names = documented.get(entry) ?? new Set<string>();
    const undocumented = exported.filter((name) => !names.has(name));
    // The /client row names the client's classes as a group, beside the ones it lists.
    const grouped =
      entry === 'govuk-pay-express/client' ? documented.get('govuk-pay-express') : undefined;
    expect(undocumented.filter((name) => !(grouped?.has(name) ?? false))).toEqual([]);
    if (grouped === undefined)
      expect([...names].filter((n) => !exported.includes(n)).sort()).toEqual([]);
  });
});
