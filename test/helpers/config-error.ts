import { PayConfigError } from '../../src/config-error';

/**
 * The `PayConfigError` that `make` throws, for a test to read its code and whole message. Any
 * other error is rethrown as it is, and nothing thrown fails the test.
 */
export function thrownConfigError(make: () => unknown): PayConfigError {
  try {
    make();
  } catch (error) {
    if (error instanceof PayConfigError) return error;
    throw error;
  }
  throw new Error('expected a PayConfigError');
}
