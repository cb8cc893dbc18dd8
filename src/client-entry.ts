// `govuk-pay-express/client`: the typed GOV.UK Pay client alone, for workers and scheduled jobs
// that call the API but serve no pages. Nothing here may import express or the journey, so a
// process without Express installed can load it.
export * from './client/public-api.js';
// Only here: the main entry no longer exports it (README, Migrating).
export { validateCreatePaymentRequest } from './client/index.js';
