/**
 * `instanceof` that holds across copies of this package. A service can load it twice (the ESM and
 * the CommonJS build, or two versions in node_modules), and a plain `instanceof` would then say
 * that an error or a store from one copy is not of the other's class: a `catch`, the journey's
 * store checks and retry rules would all take the wrong branch. A brand is a `Symbol.for` key,
 * `Symbol.for('govuk-pay-express.<family>')`, the same in every copy, under which each class
 * puts its own name as a static property.
 */

/**
 * The body of a branded class's `static [Symbol.hasInstance]`: by brand when `ctor` carries one
 * of its own under `key` (so a subclass matches only its own brand and those below it), else the
 * ordinary prototype check, for a subclass a service defines without a brand.
 */
export function isBrandedInstance(ctor: object, key: symbol, value: unknown): boolean {
  if (!Object.hasOwn(ctor, key)) {
    return Function.prototype[Symbol.hasInstance].call(ctor, value);
  }
  return hasBrand(value, key, (ctor as Record<symbol, unknown>)[key]);
}

/**
 * True when `value` was made by a class carrying `brand` under `key`, from any copy of this
 * package: some prototype in its chain has a constructor whose own brand is `brand`.
 */
function hasBrand(value: unknown, key: symbol, brand: unknown): boolean {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return false;
  for (
    let proto: unknown = Object.getPrototypeOf(value);
    proto !== null && proto !== undefined;
    proto = Object.getPrototypeOf(proto)
  ) {
    const ctor: unknown = Object.hasOwn(proto, 'constructor')
      ? (proto as { constructor: unknown }).constructor
      : undefined;
    if (
      typeof ctor === 'function' &&
      Object.hasOwn(ctor, key) &&
      (ctor as unknown as Record<symbol, unknown>)[key] === brand
    ) {
      return true;
    }
  }
  return false;
}
