import { PayConfigError } from '../config-error.js';
import { optionPath } from './path.js';

/** An object literal (or `Object.create(null)`): not an array, a class instance or a function. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * The options object of a factory, or of a nested group such as `cookie`. `example` shows a
 * working call, so a developer who passed nothing sees what to write.
 */
export function optionsObject(
  value: unknown,
  where: string,
  example: string,
): Record<string, unknown> {
  if (value === undefined) {
    throw new PayConfigError(
      'ERR_PAY_MISSING_OPTION',
      `${where} needs an options object: ${example}`,
    );
  }
  if (!isPlainObject(value)) {
    throw new PayConfigError(
      'ERR_PAY_INVALID_OPTION',
      `${where} must be an options object: ${example}`,
    );
  }
  return value;
}

/**
 * Refuses any key the options do not define, naming the nearest known key when one is close:
 * a misspelt option silently ignored is a default the developer thought they had changed.
 */
export function rejectUnknownKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  where: string,
): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const nearest = suggestOption(key, known);
    const hint = nearest === undefined ? '' : ` Did you mean ${optionPath(where, nearest)}?`;
    const list = known.map((name) => optionPath(where, name)).join(', ');
    throw new PayConfigError(
      'ERR_PAY_UNKNOWN_OPTION',
      `${optionPath(where, key)} is not an option.${hint} The options are: ${list}`,
    );
  }
}

/**
 * The known name closest to `key`, when it is close enough to be a typo: case is ignored, and up
 * to a third of the letters (at least two) may differ. Ties go to the first listed.
 */
export function suggestOption(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance: insertions, deletions and substitutions, each costing one. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      const deletion = (previous[j] as number) + 1;
      const insertion = (current[j - 1] as number) + 1;
      current.push(Math.min(substitution, deletion, insertion));
    }
    previous = current;
  }
  return previous[b.length] as number;
}
