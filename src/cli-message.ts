const LIBRARY_PREFIX = 'govuk-pay-express: ';

/**
 * `PayConfigError` messages start with the library's name, for a service's logs; the command line
 * puts its own prefix in front, so it takes that one off to print one prefix, not two.
 */
export function withoutLibraryPrefix(message: string): string {
  return message.startsWith(LIBRARY_PREFIX) ? message.slice(LIBRARY_PREFIX.length) : message;
}
