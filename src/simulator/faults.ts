import { PayConfigError } from '../config-error.js';
import { rejectUnknownKeys } from '../options/index.js';
import { FaultRuleRegistry, readRuleCounts } from './fault-rules.js';

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

const isNonNegative = (n: unknown): n is number =>
  typeof n === 'number' && Number.isFinite(n) && n >= 0;

function invalid(message: string): never {
  throw new PayConfigError('ERR_PAY_INVALID_OPTION', `simulator fault rule: ${message}`);
}

const FAULT_RULE_KEYS: readonly (keyof FaultRule)[] = ['route', 'times', 'probability', 'fault'];

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
  const counts = readRuleCounts(rule, invalid);
  return { route: route as FaultRule['route'], ...counts, fault: validateFault(rule.fault) };
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
export class FaultRegistry
  extends FaultRuleRegistry<FaultRule, SimulatorRoute>
  implements FaultControls
{
  constructor(random: () => number) {
    super(validateFaultRule, (rule, route) => rule.route === '*' || rule.route === route, random);
  }
}
