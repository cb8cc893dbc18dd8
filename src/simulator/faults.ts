import { PayConfigError } from '../config-error.js';
import { rejectUnknownKeys } from '../options/index.js';

/** The API operations a fault can target. */
export type SimulatorRoute =
  | 'createPayment'
  | 'getPayment'
  | 'getEvents'
  | 'cancelPayment'
  | 'capturePayment'
  | 'searchPayments'
  | 'createRefund'
  | 'getRefund'
  | 'listRefunds'
  | 'searchRefunds'
  | 'searchDisputes'
  | 'createAgreement'
  | 'getAgreement'
  | 'searchAgreements'
  | 'cancelAgreement';

export const SIMULATOR_ROUTES: readonly SimulatorRoute[] = [
  'createPayment',
  'getPayment',
  'getEvents',
  'cancelPayment',
  'capturePayment',
  'searchPayments',
  'createRefund',
  'getRefund',
  'listRefunds',
  'searchRefunds',
  'searchDisputes',
  'createAgreement',
  'getAgreement',
  'searchAgreements',
  'cancelAgreement',
];

/**
 * What goes wrong. `latency` delays handling; `status` answers at once with a GOV.UK Pay error
 * and changes nothing; the other kinds let the request be handled (so a create does create the
 * payment) and then spoil the response: `drop` destroys the connection with no response,
 * `malformed` sends invalid JSON, `truncated` sends half the body under the full Content-Length
 * and closes, `missing-fields` removes top-level keys, `slow-body` sends the headers and the body
 * `ms` later. Body faults leave bodiless (204) responses alone. A timeout is a latency longer
 * than the client's timeout.
 */
export type Fault =
  | { kind: 'latency'; ms: number }
  | {
      kind: 'status';
      status: number;
      code?: string;
      description?: string;
      retryAfterSeconds?: number;
    }
  | { kind: 'drop' }
  | { kind: 'malformed' }
  | { kind: 'truncated' }
  | { kind: 'missing-fields'; fields?: string[] }
  | { kind: 'slow-body'; ms: number };

export interface FaultRule {
  /** The operation to spoil, or `'*'` for every API operation. */
  route: SimulatorRoute | '*';
  /** Apply to the next `times` matching requests only. @default every matching request */
  times?: number;
  /** Apply to each matching request with this probability, 0 to 1. @default 1 */
  probability?: number;
  fault: Fault;
}

export interface FaultControls {
  /** Adds a rule (checked after the ones already there); returns a function that removes it. */
  inject(rule: FaultRule): () => void;
  /** Removes every rule. */
  clear(): void;
}

interface ActiveRule {
  readonly rule: FaultRule;
  remaining: number;
}

const isNonNegative = (n: unknown): n is number =>
  typeof n === 'number' && Number.isFinite(n) && n >= 0;

function invalid(message: string): never {
  throw new PayConfigError('ERR_PAY_INVALID_OPTION', `simulator fault rule: ${message}`);
}

const FAULT_RULE_KEYS = [
  'route',
  'times',
  'probability',
  'fault',
] as const satisfies readonly (keyof FaultRule)[];

/** Checks a rule from JS or from the admin route, and copies it so later edits do not leak in. */
export function validateFaultRule(input: unknown): FaultRule {
  if (typeof input !== 'object' || input === null) invalid('must be an object');
  const rule = input as Record<string, unknown>;
  // Named after the call that takes a rule; the admin route's JSON body is the same rule.
  rejectUnknownKeys(rule, FAULT_RULE_KEYS, 'faults.inject');
  const route = rule.route;
  if (route !== '*' && !SIMULATOR_ROUTES.includes(route as SimulatorRoute)) {
    invalid(`route must be '*' or one of ${SIMULATOR_ROUTES.join(', ')}`);
  }
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && (rule.times as number) >= 1)) {
    invalid('times must be a whole number >= 1');
  }
  if (
    rule.probability !== undefined &&
    !(isNonNegative(rule.probability) && rule.probability <= 1)
  ) {
    invalid('probability must be a number from 0 to 1');
  }
  const fault = validateFault(rule.fault);
  return {
    route: route as FaultRule['route'],
    ...(rule.times === undefined ? {} : { times: rule.times as number }),
    ...(rule.probability === undefined ? {} : { probability: rule.probability as number }),
    fault,
  };
}

function validateFault(input: unknown): Fault {
  if (typeof input !== 'object' || input === null) invalid('fault must be an object with a kind');
  const fault = input as Record<string, unknown>;
  const kind = fault.kind;
  switch (kind) {
    case 'latency':
    case 'slow-body':
      if (!isNonNegative(fault.ms)) invalid(`${kind} needs ms, a number of milliseconds >= 0`);
      return { kind, ms: fault.ms };
    case 'status': {
      const status = fault.status;
      if (!Number.isInteger(status) || (status as number) < 400 || (status as number) > 599) {
        invalid('status needs status, an HTTP error status from 400 to 599');
      }
      for (const key of ['code', 'description'] as const) {
        if (fault[key] !== undefined && typeof fault[key] !== 'string')
          invalid(`${key} must be a string`);
      }
      if (fault.retryAfterSeconds !== undefined && !isNonNegative(fault.retryAfterSeconds)) {
        invalid('retryAfterSeconds must be a number >= 0');
      }
      return {
        kind,
        status: status as number,
        ...(fault.code === undefined ? {} : { code: fault.code as string }),
        ...(fault.description === undefined ? {} : { description: fault.description as string }),
        ...(fault.retryAfterSeconds === undefined
          ? {}
          : { retryAfterSeconds: fault.retryAfterSeconds as number }),
      };
    }
    case 'drop':
    case 'malformed':
    case 'truncated':
      return { kind };
    case 'missing-fields': {
      const fields = fault.fields;
      if (
        fields !== undefined &&
        !(Array.isArray(fields) && fields.every((f) => typeof f === 'string'))
      ) {
        invalid('missing-fields takes fields, an array of top-level key names');
      }
      return fields === undefined ? { kind } : { kind, fields: [...(fields as string[])] };
    }
    default:
      return invalid(
        'fault.kind must be latency, status, drop, malformed, truncated, missing-fields or slow-body',
      );
  }
}

/** The injected rules, consulted once per API request. */
export class FaultRegistry implements FaultControls {
  private rules: ActiveRule[] = [];
  private nextId = 1;
  private readonly ids = new Map<number, ActiveRule>();

  constructor(private readonly random: () => number) {}

  inject(rule: FaultRule): () => void {
    return this.add(rule).remove;
  }

  /** As `inject`, with an id for the admin route. */
  add(rule: FaultRule): { id: number; remove: () => void } {
    const active: ActiveRule = {
      rule: validateFaultRule(rule),
      remaining: rule.times ?? Infinity,
    };
    this.rules.push(active);
    const id = this.nextId++;
    this.ids.set(id, active);
    const remove = (): void => {
      this.rules = this.rules.filter((r) => r !== active);
      this.ids.delete(id);
    };
    return { id, remove };
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

  /** The fault for this request, if any; counts down `times`. */
  take(route: SimulatorRoute): Fault | undefined {
    if (this.rules.length === 0) return undefined;
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.route !== '*' && rule.route !== route) continue;
      if (active.remaining <= 0) continue;
      if (rule.probability !== undefined && !(this.random() < rule.probability)) continue;
      active.remaining--;
      if (active.remaining <= 0) this.rules = this.rules.filter((r) => r !== active);
      return rule.fault;
    }
    return undefined;
  }
}
