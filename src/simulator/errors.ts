import type { PayErrorBody } from '../client/index.js';

/** A GOV.UK Pay error response: HTTP status and `RequestError` body. */
export interface ApiError {
  readonly status: number;
  readonly body: PayErrorBody;
}

export function apiError(
  status: number,
  code: string,
  description: string,
  field?: string,
): ApiError {
  // Field first, as GOV.UK Pay's docs example shows it.
  return {
    status,
    body: field === undefined ? { code, description } : { field, code, description },
  };
}

export function isApiError(value: object): value is ApiError {
  return 'status' in value && 'body' in value;
}

export const missing = (field: string, code = 'P0101'): ApiError =>
  apiError(400, code, `Missing mandatory attribute: ${field}`, field);

export const invalidType = (field: string, reason: string, code = 'P0102'): ApiError =>
  apiError(400, code, `Invalid attribute value: ${field}. ${reason}`, field);

export const invalidValue = (field: string, reason: string, code = 'P0102'): ApiError =>
  apiError(422, code, `Invalid attribute value: ${field}. ${reason}`, field);

export const DOWNSTREAM_ERROR = 'Downstream system error';
export const TOO_MANY_REQUESTS = apiError(429, 'P0900', 'Too many requests');
export const SECURITY_RULES =
  'Request blocked by security rules. Please consult API documentation for more information.';
