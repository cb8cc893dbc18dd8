import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { loadSpec, sharedAvailable } from '../helpers/shared';
import type { Recorded } from '../helpers/simulator-harness';

/**
 * Validates bodies the simulator sent against the response schemas of GOV.UK Pay's OpenAPI file,
 * with the places where the wire differs from the spec (FACTS.md §16) written out here, each as
 * a patch to a copy of the spec or a mapping of a status the spec leaves without content.
 */

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

/** The documented wire exceptions, applied to a copy of the spec's components. */
function patchWireExceptions(schemas: Spec['components']['schemas']): void {
  for (const name of ['CardDetails', 'CardDetailsFromResponse']) {
    const cardDetails = schemas[name] as { properties: Record<string, unknown> };
    // FACTS.md §1: inside card_details every key is always present (JsonInclude ALWAYS), so
    // `billing_address: null` and `card_type: null` occur; the spec types them as non-null.
    // A wallet payment leaves the first digits and the expiry date null too.
    cardDetails.properties.billing_address = {
      anyOf: [{ $ref: '#/components/schemas/Address' }, { type: 'null' }],
    };
    cardDetails.properties.card_type = { enum: ['debit', 'credit', null] };
    for (const key of [
      'card_brand',
      'cardholder_name',
      'expiry_date',
      'first_digits_card_number',
      'last_digits_card_number',
    ]) {
      cardDetails.properties[key] = { type: ['string', 'null'] };
    }
  }
  // FACTS.md §16.4: the response enum says `external`; the wire says `agreement`.
  for (const name of ['PaymentWithAllLinks', 'PaymentDetailForSearch']) {
    const properties = (schemas[name] as { properties: Record<string, unknown> }).properties;
    properties.authorisation_mode = { enum: ['web', 'moto_api', 'agreement'] };
  }
  // FACTS.md §16.5: the spec names the agreement's card `CardDetails`; the wire key is
  // `card_details`. Extra keys are refused here, so the spec's name cannot pass unnoticed.
  schemas.PaymentInstrument = {
    type: 'object',
    additionalProperties: false,
    properties: {
      type: { enum: ['card'] },
      created_date: { type: 'string' },
      card_details: { $ref: '#/components/schemas/CardDetailsFromResponse' },
    },
  };
  // FACTS.md §16.15: next_url_post.params.chargeTokenId is a string, not an object.
  (schemas.PostLink as { properties: Record<string, unknown> }).properties.params = {
    type: 'object',
    additionalProperties: { type: 'string' },
  };
  // FACTS.md §16.8: metadata is a flat key → value object, not nested under `metadata`.
  schemas.ExternalMetadata = {
    type: 'object',
    additionalProperties: { type: ['string', 'number', 'boolean'] },
  };
}

/**
 * The schema for a response the spec documents without one: refund create answers 202 with the
 * Refund body (FACTS.md §16.1, the spec documents it as 200), 412 is a RequestError, and statuses
 * the spec leaves out for a path (404 on /v1/refunds, 503 from a fault, 403) are RequestErrors.
 */
function fallbackSchema(path: string, method: string, status: number): string | undefined {
  if (method === 'post' && path === '/v1/payments/{paymentId}/refunds' && status === 202)
    return 'Refund';
  // FACTS.md §8: an agreement payment's replayed Idempotency-Key answers 200 with the payment.
  if (method === 'post' && path === '/v1/payments' && status === 200) return 'CreatePaymentResult';
  if (status === 429) return 'ErrorResponse';
  if (status >= 400) return 'RequestError';
  return undefined;
}

export interface SpecChecker {
  /** Problems with one recorded body; empty when it matches. */
  check(recorded: Recorded): string[];
  /** The validator of a named component schema, after the wire patches. */
  schema(name: string): ValidateFunction;
}

export function createSpecChecker(): SpecChecker {
  const spec = JSON.parse(JSON.stringify(loadSpec())) as Spec;
  patchWireExceptions(spec.components.schemas);
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('int32', {
    type: 'number',
    validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** 31,
  });
  ajv.addFormat('int64', { type: 'number', validate: (n: number) => Number.isInteger(n) });
  ajv.addSchema({ $id: 'govuk-pay-spec', components: spec.components });
  const schema = (name: string): ValidateFunction => {
    const validate = ajv.getSchema(`govuk-pay-spec#/components/schemas/${name}`);
    if (validate === undefined) throw new Error(`no schema ${name} in the spec`);
    return validate;
  };

  // Literal paths before templated ones, so /v1/payments does not read as /v1/payments/{id}.
  const templates = Object.keys(spec.paths)
    .map((template) => ({
      template,
      regex: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      params: (template.match(/\{/g) ?? []).length,
    }))
    .sort((a, b) => a.params - b.params);

  return {
    schema,
    check({ method, path, status, body }) {
      const m = method.toLowerCase();
      const match = templates.find(
        (t) => t.regex.test(path) && spec.paths[t.template]?.[m] !== undefined,
      );
      if (match === undefined) return [`${method} ${path}: no such operation in the spec`];
      const operation = spec.paths[match.template]?.[m] as Operation;
      const documented = operation.responses?.[String(status)]?.content;
      const ref = documented === undefined ? undefined : Object.values(documented)[0]?.schema?.$ref;
      const name = ref?.split('/').pop() ?? fallbackSchema(match.template, m, status);
      if (name === undefined)
        return [`${method} ${match.template} ${status}: the spec has no schema for this status`];
      const validate = schema(name);
      const problems = validate(body)
        ? []
        : (validate.errors ?? []).map(
            (e) =>
              `${method} ${match.template} ${status} (${name}): ${e.instancePath} ${e.message}`,
          );
      // FACTS.md §16.3: the spec's example code "P010" is wrong; real codes have four digits.
      const code = (body as { state?: { code?: unknown } } | undefined)?.state?.code;
      if (code !== undefined && !/^P\d{4}$/.test(String(code)))
        problems.push(`${method} ${path}: state.code ${String(code)}`);
      return problems;
    },
  };
}

/** For afterAll: every body recorded in this file must match the spec. */
export function expectRecordedBodiesMatchSpec(recorded: readonly Recorded[]): void {
  if (!sharedAvailable) return;
  const checker = createSpecChecker();
  expect(recorded.flatMap((r) => checker.check(r))).toEqual([]);
}
