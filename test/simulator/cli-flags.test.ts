import { commandFlags, UsageError } from '../../src/simulator/cli-flags';

function read(args: string[], takesValue: string[]): [string, string | undefined][] {
  const seen: [string, string | undefined][] = [];
  for (const { name, value } of commandFlags(args)) {
    seen.push([name, takesValue.includes(name) ? value() : undefined]);
  }
  return seen;
}

describe('commandFlags', () => {
  it('reads --name value and --name=value alike, and a value is consumed only when asked for', () => {
    expect(
      read(
        ['--port', '4567', '--admin', '--key=a=b', '--url', 'http://x'],
        ['--port', '--key', '--url'],
      ),
    ).toEqual([
      ['--port', '4567'],
      ['--admin', undefined],
      ['--key', 'a=b'],
      ['--url', 'http://x'],
    ]);
  });

  it('refuses a flag with a missing or empty value, naming the flag', () => {
    expect(() => read(['--port'], ['--port'])).toThrow(new UsageError('--port needs a value'));
    expect(() => read(['--port='], ['--port'])).toThrow(UsageError);
  });
});
