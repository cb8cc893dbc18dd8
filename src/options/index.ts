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
  methodsOption,
  numberOption,
  requireOption,
  secretOption,
  stringOption,
} from './values.js';
export type { ListRule, MethodsRule, NumberRule, SecretRule, StringRule } from './values.js';
export { isLoopbackHost, originOption } from './origin.js';
export type { OriginRule } from './origin.js';
export { apiKeyOption, checkApiKeyTransport } from './api-key.js';
