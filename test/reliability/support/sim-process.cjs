// The simulator in its own process, for the several-instances run: admin routes on, so the test
// can move its clock over HTTP, and the rate limit off (the test is the only client).
'use strict';
const { createSimulator } = require('../../../dist/cjs/simulator/index.js');

const simulator = createSimulator({
  apiKeys: [process.env.API_KEY],
  admin: true,
  rateLimit: false,
});
simulator
  .listen(Number(process.env.PORT ?? 0))
  .then((running) =>
    process.send({ type: 'listening', url: running.url, pagesUrl: running.pagesUrl }),
  )
  .catch((err) => {
    process.send({ type: 'failed', message: String(err && err.stack) });
    process.exit(1);
  });
