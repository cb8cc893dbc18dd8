/**
 * The name of an option as a developer wrote it: `PayClient.timeoutMs`, `cookie.secrets[0]`, or
 * `timeoutMs` at the top of a factory's options. Every message starts with one, so every factory
 * says what is wrong in the same words.
 */
export function optionPath(where: string, key: string | number): string {
  if (typeof key === 'number') return `${where}[${key}]`;
  return where === '' ? key : `${where}.${key}`;
}
