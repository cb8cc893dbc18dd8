// The upstream GOV.UK Pay for every benchmark: the library's simulator, alone in its own process
// so that its CPU time is never charged to the server being measured.
import { createRequire } from 'node:module';
import { announceFailure, announceReady, serveParent } from './serve-child.mjs';

const require = createRequire(import.meta.url);

try {
  const { createSimulator, TEST_CARDS } = require('../../dist/cjs/simulator/index.js');
  // Benchmarks create thousands of payments a second: the per-account POST limit would turn
  // the start-route comparison into a measurement of 429s.
  const simulator = createSimulator({ rateLimit: false });
  const server = await simulator.listen();
  serveParent(
    {
      complete: ({ paymentId, card }) =>
        summarise(simulator.completePayment(paymentId, { card: card ?? TEST_CARDS.authorised[0] })),
      count: () => simulator.payments.size,
    },
    () => server.close(),
  );
  announceReady(server.url);
} catch (err) {
  announceFailure(err);
}

function summarise(payment) {
  return { payment_id: payment.payment_id, status: payment.state?.status };
}
