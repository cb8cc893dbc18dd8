/**
 * What the simulator's API faults and webhook faults have in common: a rule applies to the next
 * `times` matching requests (or messages) with some `probability`, and rules are consulted in
 * the order they were added. Only what a rule matches and what it does differ.
 */

/** The part of a rule that says how often it applies. */
export interface CountedRule<F> {
  readonly times?: number | undefined;
  readonly probability?: number | undefined;
  readonly fault: F;
}

/**
 * Checks `times` and `probability` of a rule read as plain data (from JS or an admin route's
 * JSON body), and returns them typed; `invalid` throws in the caller's words.
 */
export function readRuleCounts(
  rule: Record<string, unknown>,
  invalid: (message: string) => never,
): { times?: number; probability?: number } {
  const { times, probability } = rule;
  if (times !== undefined && !(Number.isInteger(times) && (times as number) >= 1)) {
    invalid('times must be a whole number >= 1');
  }
  if (
    probability !== undefined &&
    !(typeof probability === 'number' && probability >= 0 && probability <= 1)
  ) {
    invalid('probability must be a number from 0 to 1');
  }
  return {
    ...(times === undefined ? {} : { times: times as number }),
    ...(probability === undefined ? {} : { probability: probability as number }),
  };
}

interface ActiveRule<R> {
  readonly rule: R;
  remaining: number;
}

/** The injected rules of one kind, consulted once per request or message. */
export class FaultRuleRegistry<R extends CountedRule<unknown>, Target> {
  private rules: ActiveRule<R>[] = [];
  private nextId = 1;
  private readonly ids = new Map<number, ActiveRule<R>>();

  /**
   * @param validate checks a rule and copies it, so later edits by the caller do not leak in
   * @param matches whether a rule applies to this request or message
   * @param random draws for `probability`: injectable, so tests can be exact
   */
  constructor(
    private readonly validate: (input: unknown) => R,
    private readonly matches: (rule: R, target: Target) => boolean,
    private readonly random: () => number,
  ) {}

  /** Adds a rule (checked after the ones already there); returns a function that removes it. */
  inject(rule: R): () => void {
    return this.add(rule).remove;
  }

  /** As `inject`, with an id for the admin route. */
  add(input: unknown): { id: number; remove: () => void } {
    const rule = this.validate(input);
    const active: ActiveRule<R> = { rule, remaining: rule.times ?? Infinity };
    this.rules.push(active);
    const id = this.nextId++;
    this.ids.set(id, active);
    return { id, remove: () => this.removeById(id) };
  }

  removeById(id: number): boolean {
    const active = this.ids.get(id);
    if (active === undefined) return false;
    this.rules = this.rules.filter((r) => r !== active);
    this.ids.delete(id);
    return true;
  }

  clear(): void {
    this.rules = [];
    this.ids.clear();
  }

  /** The fault for this request or message, if any; counts down `times`. */
  take(target: Target): R['fault'] | undefined {
    // The hot path of every API request: nothing to do when no rule was injected.
    if (this.rules.length === 0) return undefined;
    for (const active of this.rules) {
      const { rule } = active;
      if (!this.matches(rule, target)) continue;
      if (active.remaining <= 0) continue;
      if (rule.probability !== undefined && !(this.random() < rule.probability)) continue;
      active.remaining--;
      if (active.remaining <= 0) this.rules = this.rules.filter((r) => r !== active);
      return rule.fault;
    }
    return undefined;
  }
}
