import { createOutcomeSuite } from '../helpers/outcome-suite';

// Every outcome, over each choice a service makes that changes how the citizen comes back.
createOutcomeSuite({ name: 'Express 5, match: cookie', express: 'express', match: 'cookie' });
createOutcomeSuite({ name: 'Express 5, match: return-id', express: 'express', match: 'return-id' });
createOutcomeSuite({ name: 'Express 4, match: cookie', express: 'express4', match: 'cookie' });
createOutcomeSuite({
  name: 'Express 4, match: return-id',
  express: 'express4',
  match: 'return-id',
});
