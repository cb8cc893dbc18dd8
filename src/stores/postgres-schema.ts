import { PayConfigError } from '../config-error.js';

/** The version {@link postgresMigrationSql} brings the tables to. */
export const POSTGRES_SCHEMA_VERSION = 1;

/** Where the tables live, as validated, quoted SQL identifiers. */
export interface PostgresTableNames {
  readonly schemaVersion: string;
  readonly pending: string;
  readonly returnIds: string;
  readonly claims: string;
  readonly settlements: string;
  /** The bare names, for index names and the migration lock. */
  readonly schema: string;
  readonly base: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,39}$/;

/**
 * Checks `schema` and `table` against a strict pattern (lower-case letters, digits and `_`),
 * then quotes them: they are the only part of any statement not sent as a parameter.
 */
export function postgresTableNames(schema = 'public', table = 'govuk_pay'): PostgresTableNames {
  for (const [option, value] of [
    ['schema', schema],
    ['table', table],
  ] as const) {
    if (typeof value !== 'string' || !IDENTIFIER.test(value)) {
      throw new PayConfigError(
        'ERR_PAY_INVALID_OPTION',
        `PostgresStore ${option} must be 1 to 40 lower-case letters, digits or "_", starting with a letter or "_"; leave it out for "${option === 'schema' ? 'public' : 'govuk_pay'}"`,
      );
    }
  }
  const name = (suffix: string): string => `"${schema}"."${table}_${suffix}"`;
  return {
    schemaVersion: name('schema_version'),
    pending: name('pending'),
    returnIds: name('return_id'),
    claims: name('claim'),
    settlements: name('settlement'),
    schema,
    base: table,
  };
}

/**
 * The SQL that creates the store's tables, for teams that run their own migrations (then skip
 * `migrate()`, or keep it: it sees the version row and does nothing). Times are epoch
 * milliseconds from the database's clock, so every instance agrees on when a lease ends.
 */
export function postgresMigrationSql(options: { schema?: string; table?: string } = {}): string {
  const t = postgresTableNames(options.schema, options.table);
  const index = (suffix: string): string => `"${t.base}_${suffix}"`;
  return `CREATE SCHEMA IF NOT EXISTS "${t.schema}";

CREATE TABLE IF NOT EXISTS ${t.schemaVersion} (
  version    integer PRIMARY KEY,
  applied_at timestamptz NOT NULL DEFAULT now()
);

-- One row per payment created and not yet settled. due_at is set by a webhook (markDue).
CREATE TABLE IF NOT EXISTS ${t.pending} (
  payment_id text COLLATE "C" PRIMARY KEY,
  created_at bigint NOT NULL,
  record     text NOT NULL,
  expires_at bigint NOT NULL,
  due_at     bigint
);
CREATE INDEX IF NOT EXISTS ${index('pending_created')} ON ${t.pending} (created_at, payment_id);
CREATE INDEX IF NOT EXISTS ${index('pending_expires')} ON ${t.pending} (expires_at);
CREATE INDEX IF NOT EXISTS ${index('pending_due')} ON ${t.pending} (due_at, payment_id)
  WHERE due_at IS NOT NULL;

-- match: 'return-id' only: an unguessable id in the return URL, mapped to its payment.
CREATE TABLE IF NOT EXISTS ${t.returnIds} (
  return_id  text COLLATE "C" PRIMARY KEY,
  record     text NOT NULL,
  expires_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS ${index('return_id_expires')} ON ${t.returnIds} (expires_at);

CREATE TABLE IF NOT EXISTS ${t.claims} (
  key        text COLLATE "C" PRIMARY KEY,
  expires_at bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS ${index('claim_expires')} ON ${t.claims} (expires_at);

-- One row per settled (or being settled) payment: the lease, its fencing token and attempt.
CREATE TABLE IF NOT EXISTS ${t.settlements} (
  key         text COLLATE "C" PRIMARY KEY,
  attempt     integer NOT NULL,
  token       text,
  lease_until bigint,
  committed   boolean NOT NULL DEFAULT false,
  expires_at  bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS ${index('settlement_expires')} ON ${t.settlements} (expires_at);

INSERT INTO ${t.schemaVersion} (version) VALUES (${POSTGRES_SCHEMA_VERSION}) ON CONFLICT DO NOTHING;
`;
}
