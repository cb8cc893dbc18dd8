import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { postgresMigrationSql } from '../../src/stores/postgres';

/** The README shows the migration for teams that run their own: it must be the real one. */
describe('README "Running several instances"', () => {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Running several instances'));

  it('shows exactly the SQL that PostgresStore.migrate() applies', () => {
    const block = /```sql\n([\s\S]*?)```/.exec(section)?.[1];
    expect(block).toBeDefined();
    expect(block?.trim()).toBe(postgresMigrationSql().trim());
  });
});
