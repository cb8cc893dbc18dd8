/** A mistake in how a command was called: shown with its usage, never with a stack. */
export class UsageError extends Error {}

export interface CommandFlag {
  /** The argument as given, e.g. `--port=4567`. */
  arg: string;
  /** The flag's name, e.g. `--port`. */
  name: string;
  /** The flag's value: after `=`, or else the next argument, which it then consumes. */
  value: () => string;
}

/** Walks a command's arguments as flags, in both the `--name value` and `--name=value` forms. */
export function* commandFlags(args: readonly string[]): Generator<CommandFlag> {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const [name, inline] = arg.includes('=')
      ? (arg.split(/=(.*)/s, 2) as [string, string])
      : [arg, undefined];
    let next = i;
    const value = (): string => {
      const v = inline ?? args[++next];
      if (v === undefined || v === '') throw new UsageError(`${name} needs a value`);
      return v;
    };
    yield { arg, name, value };
    i = next;
  }
}
