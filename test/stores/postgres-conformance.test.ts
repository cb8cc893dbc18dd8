import { randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { PostgresStore } from '../../src/stores/postgres';
import { describeWithServer } from '../helpers/store-servers';
import { registerConformance } from './scaled-time';

describeWithServer('DATABASE_URL', 'PostgresStore conformance', (url) => {
  // A schema of its own per run, so runs sharing one database never see each other's rows.
  const schema = `test_${randomUUID().slice(0, 8)}`;
  const admin = new Pool({ connectionString: url, max: 2 });

  beforeAll(async () => {
    await new PostgresStore({ pool: admin, schema }).migrate();
  });
  afterAll(async () => {
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });

  registerConformance(async () => {
    const pool = new Pool({ connectionString: url, max: 4 });
    return { store: new PostgresStore({ pool, schema }), close: () => pool.end() };
  });
});
