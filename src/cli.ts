#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { withoutLibraryPrefix } from './cli-message.js';
import type { CommandIo } from './simulator/command.js';

interface CliCommand {
  readonly summary: string;
  run(args: readonly string[], io: CommandIo): Promise<number>;
}

/**
 * The `govuk-pay-express <command>` table. Each command loads its code only when it runs, so
 * `--help`, `--version` and `report` work where Express (needed by the simulator) is not installed.
 */
const COMMANDS: Readonly<Record<string, CliCommand>> = {
  simulator: {
    summary: 'run the offline GOV.UK Pay simulator',
    run: async (args, io) => (await import('./simulator/command.js')).runSimulatorCommand(args, io),
  },
  webhooks: {
    summary: 'replay or trigger webhooks from a running simulator',
    run: async (args, io) =>
      (await import('./simulator/webhooks/command.js')).runWebhooksCommand(args, io),
  },
  report: {
    summary: 'stream payments, refunds or disputes in a date range to stdout as CSV or JSON',
    // The report streams rows with backpressure, so it writes to the process streams directly.
    run: async (args) =>
      (await import('./report/command.js')).runReportCommand(args, {
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
        isTTY: process.stderr.isTTY === true,
      }),
  },
};

export const CLI_USAGE = `Usage: govuk-pay-express <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, command]) => `  ${name.padEnd(12)}${command.summary}`)
  .join('\n')}

Options:
  -h, --help    show this help
  --version     print the version of govuk-pay-express

Run \`govuk-pay-express <command> --help\` for a command's options.`;

/** The installed package's version, from the nearest package.json named govuk-pay-express. */
export function packageVersion(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === 'govuk-pay-express' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // No package.json here (or dist/cjs's own, which names no package): look further up.
    }
    if (dirname(dir) === dir) return 'unknown';
  }
}

/** Runs one command; resolves to the process exit code (2 for a usage mistake). */
export async function runCli(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(CLI_USAGE);
    return 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(packageVersion());
    return 0;
  }
  const command = name === undefined ? undefined : COMMANDS[name];
  if (command === undefined) {
    io.err(
      `${name === undefined ? 'govuk-pay-express: no command given' : `govuk-pay-express: unknown command "${name}"`}\n\n${CLI_USAGE}`,
    );
    return 2;
  }
  return command.run(args, io);
}

// Runs only as the bin (dist/cjs/cli.js), never when a test imports this module.
if (typeof require !== 'undefined' && require.main === module) {
  runCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`govuk-pay-express: ${withoutLibraryPrefix(message)}\n`);
      process.exitCode = 1;
    },
  );
}
