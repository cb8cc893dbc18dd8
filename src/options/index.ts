export { optionPath } from './path.js';
export {
  editDistance,
  isPlainObject,
  optionsObject,
  rejectUnknownKeys,
  suggestOption,
} from './keys.js';
export {
  booleanOption,
  enumOption,
  functionOption,
  invalidOption,
  listOption,
  loggerOption,
  numberOption,
  requireOption,
  secretOption,
  stringOption,
} from './values.js';
export type { ListRule, NumberRule, SecretRule, StringRule } from './values.js';
export { isLoopbackHost, originOption } from './origin.js';
export type { OriginRule } from './origin.js';
export { apiKeyOption, checkApiKeyTransport } from './api-key.js';
