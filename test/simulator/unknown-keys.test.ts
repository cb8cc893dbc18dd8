import axios from 'axios';
import { createSimulator } from '../../src/simulator';
import type { FaultRule, SimulatorOptions } from '../../src/simulator';
import { thrownConfigError } from '../helpers/config-error';
import { startSimulator } from '../helpers/simulator-harness';

/*
 * The simulator's fault rules and webhook endpoints refuse unknown keys the way every factory
 * does (src/options): the key as it was written, the nearest known key, then every known key.
 */

describe('unknown keys in the simulator’s options and rules', () => {
  it('a fault rule: names the key, suggests the nearest and lists the rest', () => {
    const error = thrownConfigError(() =>
      createSimulator().faults.inject({
        route: '*',
        time: 1,
        fault: { kind: 'drop' },
      } as unknown as FaultRule),
    );
    expect(error.code).toBe('ERR_PAY_UNKNOWN_OPTION');
    expect(error.message).toBe(
      'govuk-pay-express: faults.inject.time is not an option. Did you mean faults.inject.times? ' +
        'The options are: faults.inject.route, faults.inject.times, faults.inject.probability, ' +
        'faults.inject.fault',
    );
  });

  it('a fault rule with nothing close: no suggestion', () => {
    const error = thrownConfigError(() =>
      createSimulator().faults.inject({
        route: '*',
        when: 'now',
        fault: { kind: 'drop' },
      } as unknown as FaultRule),
    );
    expect(error.message).toMatch(
      /^govuk-pay-express: faults\.inject\.when is not an option\. The/,
    );
    expect(error.message).not.toMatch(/Did you mean/);
  });

  it('a webhook fault rule, and a key of another fault kind', () => {
    const sim = createSimulator();
    const rule = thrownConfigError(() =>
      sim.webhooks.faults.inject({
        probabilty: 0.5,
        fault: { kind: 'delay', ms: 1 },
      } as never),
    );
    expect(rule.code).toBe('ERR_PAY_UNKNOWN_OPTION');
    expect(rule.message).toBe(
      'govuk-pay-express: webhooks.faults.inject.probabilty is not an option. Did you mean ' +
        'webhooks.faults.inject.probability? The options are: webhooks.faults.inject.events, ' +
        'webhooks.faults.inject.times, webhooks.faults.inject.probability, ' +
        'webhooks.faults.inject.fault',
    );

    const ofAnotherKind = thrownConfigError(() =>
      sim.webhooks.faults.inject({ fault: { kind: 'reorder', ms: 5 } } as never),
    );
    expect(ofAnotherKind.code).toBe('ERR_PAY_UNKNOWN_OPTION');
    expect(ofAnotherKind.message).toBe(
      'govuk-pay-express: webhooks.faults.inject.fault.ms is not an option. The options are: ' +
        'webhooks.faults.inject.fault.kind, webhooks.faults.inject.fault.maxHoldMs',
    );
    const misspelt = thrownConfigError(() =>
      sim.webhooks.faults.inject({ fault: { kind: 'reorder', maxHoldMS: 5 } } as never),
    );
    expect(misspelt.message).toMatch(/Did you mean webhooks\.faults\.inject\.fault\.maxHoldMs\?/);
  });

  it('a webhook endpoint of createSimulator, by its index', () => {
    const error = thrownConfigError(() =>
      createSimulator({
        webhooks: [
          { url: 'http://127.0.0.1:1/a', secret: 's' },
          { url: 'http://127.0.0.1:1/b', secret: 's', timeoutMS: 1000 },
        ],
      } as unknown as SimulatorOptions),
    );
    expect(error.code).toBe('ERR_PAY_UNKNOWN_OPTION');
    expect(error.message).toBe(
      'govuk-pay-express: createSimulator.webhooks[1].timeoutMS is not an option. Did you mean ' +
        'createSimulator.webhooks[1].timeoutMs? The options are: createSimulator.webhooks[1].url, ' +
        'createSimulator.webhooks[1].secret, createSimulator.webhooks[1].events, ' +
        'createSimulator.webhooks[1].timeoutMs',
    );
  });

  it('a rule posted to the admin route gets the same message, as a 400', async () => {
    const h = await startSimulator({ admin: true });
    try {
      const answer = await axios.post(
        `${h.url}/__simulator/faults`,
        { route: '*', time: 1, fault: { kind: 'drop' } },
        { validateStatus: () => true },
      );
      expect(answer.status).toBe(400);
      expect((answer.data as { error: string }).error).toMatch(
        /^govuk-pay-express: faults\.inject\.time is not an option\. Did you mean faults\.inject\.times\?/,
      );
      // Nothing was injected: the API still answers.
      expect((await h.get('/v1/payments')).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});
