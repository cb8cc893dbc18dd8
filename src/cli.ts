#!/usr/bin/env node
import type { CommandIo } from './simulator/command.js';
import { runReportCommand } from './report/index.js';
import { runSimulatorCommand } from './simulator/command.js';
import { runWebhooksCommand } from './simulator/webhooks/command.js';

interface CliCommand {
  readonly summary: string;
  run(args: readonly string[], io: CommandIo): Promise<number>;
}

/** The `govuk-pay-express <command>` table. */
const COMMANDS: Readonly<Record<string, CliCommand>> = {
  simulator: { summary: 'run the offline GOV.UK Pay simulator', run: runSimulatorCommand },
  webhooks: {
    summary: 'replay or trigger webhooks from a running simulator',
    run: runWebhooksCommand,
  },
  report: {
    summary: 'stream payments or refunds in a date range to stdout as CSV or JSON',
    // The report streams rows with backpressure, so it writes to the process streams directly.
    run: (args) =>
      runReportCommand(args, {
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

Run \`govuk-pay-express <command> --help\` for a command's options.`;

/** Runs one command; resolves to the process exit code (2 for a usage mistake). */
export async function runCli(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(CLI_USAGE);
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
      process.stderr.write(
        `govuk-pay-express: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
