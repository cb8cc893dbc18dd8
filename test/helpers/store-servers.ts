/**
 * Finds the real servers the store tests run against, from REDIS_URL and DATABASE_URL (.ci/run
 * starts both). Without one, its tests skip with a message saying so; under CI=true they fail
 * instead, so a CI machine that lost its servers cannot pass by testing nothing.
 */
export type ServerName = 'REDIS_URL' | 'DATABASE_URL';

export function serverUrl(name: ServerName): string | undefined {
  const url = process.env[name];
  return url === undefined || url === '' ? undefined : url;
}

/** `describe` when the server is configured; otherwise a visible skip, or a failure under CI. */
export function describeWithServer(
  name: ServerName,
  title: string,
  body: (url: string) => void,
): void {
  const url = serverUrl(name);
  if (url !== undefined) {
    describe(title, () => body(url));
    return;
  }
  if (process.env.CI === 'true') {
    describe(title, () => {
      it(`needs ${name}: CI must run the store tests against a real server`, () => {
        throw new Error(`${name} is not set; .ci/run starts the servers and sets it`);
      });
    });
    return;
  }
  // Printed once per file, outside jest's buffered test output, so a skip is never silent.
  process.stderr.write(
    `\n  SKIPPED "${title}": ${name} is not set. Run .ci/run, or start the server and set ${name}.\n\n`,
  );
  describe.skip(title, () => body(''));
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
