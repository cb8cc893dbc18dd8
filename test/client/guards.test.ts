import { ShapeError, guards } from '../../src/client/guards';

function shapeErrorOf(check: () => unknown): ShapeError {
  try {
    check();
  } catch (error) {
    if (error instanceof ShapeError) return error;
    throw error;
  }
  throw new Error('expected a ShapeError');
}

const link = { href: 'https://publicapi.payments.service.gov.uk/v1/payments/x', method: 'GET' };

describe('response guards name the first offending field', () => {
  it('through arrays and nested objects: results[1]._links.self.href', () => {
    const result = (selfHref: unknown) => ({
      refund_id: 'r1',
      created_date: '2026-01-01T00:00:00.000Z',
      amount: 100,
      status: 'success',
      _links: { self: { href: selfHref, method: 'GET' }, payment: link },
    });
    const page = {
      total: 2,
      count: 2,
      page: 1,
      results: [result(link.href), result(42)],
      _links: {},
    };
    expect(shapeErrorOf(() => guards.refundSearchResults(page)).path).toBe(
      'results[1]._links.self.href',
    );
    expect(shapeErrorOf(() => guards.refundSearchResults({ ...page, results: 'none' })).path).toBe(
      'results',
    );
  });

  it('the body itself as the empty path, and a message that names the path', () => {
    expect(shapeErrorOf(() => guards.payment(null)).path).toBe('');
    const error = shapeErrorOf(() =>
      guards.paymentEvents({ payment_id: 'p', events: [{}], _links: { self: link } }),
    );
    expect(error.path).toBe('events[0].payment_id');
    expect(error.message).toBe('missing or mistyped field events[0].payment_id');
  });
});
