import { PayConfigError } from '../config-error.js';

/** Small checks shared by option resolution; each throws a PayConfigError naming the option. */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Rejects keys the option object does not define, suggesting the nearest known one. */
export function rejectUnknownKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  where: string,
): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const suggestion = nearest(key, known);
    throw new PayConfigError(
      'ERR_PAY_UNKNOWN_OPTION',
      `unknown option ${where}${key}${suggestion === undefined ? '' : `; did you mean ${where}${suggestion}?`} The options are: ${known.join(', ')}`,
    );
  }
}

export function optionalFunction<T extends (...args: never[]) => unknown>(
  value: unknown,
  name: string,
  hint: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') {
    throw new PayConfigError('ERR_PAY_INVALID_OPTION', `${name} must be a function: ${hint}`);
  }
  return value as T;
}

export function requiredFunction<T extends (...args: never[]) => unknown>(
  value: unknown,
  name: string,
  hint: string,
): T {
  if (value === undefined) {
    throw new PayConfigError('ERR_PAY_MISSING_OPTION', `${name} is required: ${hint}`);
  }
  return optionalFunction<T>(value, name, hint) as T;
}

/** A finite number within [min, max], or undefined when not given. */
export function optionalNumber(
  value: unknown,
  name: string,
  {
    min,
    max,
    integer = false,
    unit,
  }: { min: number; max: number; integer?: boolean; unit: string },
): number | undefined {
  if (value === undefined) return undefined;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    value < min ||
    value > max
  ) {
    throw new PayConfigError(
      'ERR_PAY_INVALID_OPTION',
      `${name} must be ${integer ? 'a whole number' : 'a number'} of ${unit} from ${min} to ${max}`,
    );
  }
  return value;
}

function nearest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of known) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(
        Math.min(substitution, (previous[j] as number) + 1, (current[j - 1] as number) + 1),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
