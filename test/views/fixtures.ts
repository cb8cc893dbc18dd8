/**
 * Every outcome template with a result of its kind, and the heading each must show in English
 * and Welsh; shared by the render test here and the axe test in test/browser/.
 */
import path from 'node:path';
import nunjucks from 'nunjucks';
import { viewsPath } from '../../views';

export const GOVUK_FRONTEND_DIST = path.join(
  path.dirname(require.resolve('govuk-frontend/package.json')),
  'dist',
);

export type ViewLanguage = 'en' | 'cy';

export interface ViewCase {
  name: string;
  view: string;
  result: Record<string, unknown>;
  heading: Record<ViewLanguage, string>;
  /** A phrase the page must say, in each language: the thing the citizen must not miss. */
  says: Record<ViewLanguage, string>;
}

function payment(language: ViewLanguage, reference = 'PERMIT-123') {
  return { payment_id: 'hu20sqlact5260q2nanm0q8u93', reference, amount: 123456, language };
}

export const VIEW_CASES: ViewCase[] = [
  {
    name: 'success',
    view: 'success',
    result: { outcome: 'success', firstVisit: true },
    heading: { en: 'Payment complete', cy: 'Taliad wedi’i gwblhau' },
    says: { en: 'You paid £1,234.56.', cy: 'Rydych wedi talu £1,234.56.' },
  },
  {
    name: 'failed (declined)',
    view: 'failed',
    result: { outcome: 'failed', reason: 'declined', firstVisit: true },
    heading: { en: 'Your payment was declined', cy: 'Cafodd eich taliad ei wrthod' },
    says: {
      en: 'No money has been taken from your account.',
      cy: 'Nid oes arian wedi’i gymryd o’ch cyfrif.',
    },
  },
  {
    name: 'failed (expired)',
    view: 'failed',
    result: { outcome: 'failed', reason: 'expired', firstVisit: true },
    heading: { en: 'Your payment session timed out', cy: 'Daeth eich sesiwn talu i ben' },
    says: { en: 'within 90 minutes', cy: 'o fewn 90 munud' },
  },
  {
    name: 'failed (cancelled by the citizen)',
    view: 'failed',
    result: { outcome: 'failed', reason: 'cancelled_by_user', firstVisit: true },
    heading: { en: 'You cancelled your payment', cy: 'Rydych wedi canslo eich taliad' },
    says: { en: 'Try again', cy: 'Rhoi cynnig arall arni' },
  },
  {
    name: 'cancelled',
    view: 'cancelled',
    result: { outcome: 'cancelled', reason: 'cancelled_by_service', firstVisit: true },
    heading: { en: 'Your payment was cancelled', cy: 'Cafodd eich taliad ei ganslo' },
    says: {
      en: 'No money has been taken from your account.',
      cy: 'Nid oes arian wedi’i gymryd o’ch cyfrif.',
    },
  },
  {
    name: 'error (provider error)',
    view: 'error',
    result: { outcome: 'error', reason: 'provider_error', firstVisit: true },
    heading: {
      en: 'Sorry, there was a problem with your payment',
      cy: 'Mae’n ddrwg gennym, roedd problem gyda’ch taliad',
    },
    says: { en: 'No money has been taken', cy: 'Nid oes arian wedi’i gymryd' },
  },
  {
    name: 'error (unknown status)',
    view: 'error',
    result: { outcome: 'error', reason: 'unknown_state', firstVisit: true },
    heading: {
      en: 'Sorry, we could not finish your payment',
      cy: 'Mae’n ddrwg gennym, nid oeddem yn gallu gorffen eich taliad',
    },
    says: { en: 'Do not pay again', cy: 'Peidiwch â thalu eto' },
  },
  {
    name: 'pending',
    view: 'pending',
    result: { outcome: 'pending', firstVisit: true },
    heading: { en: 'Your payment is not finished', cy: 'Nid yw eich taliad wedi’i orffen' },
    says: { en: 'Go back to the start', cy: 'Mynd yn ôl i’r dechrau' },
  },
];

/** Outcomes with no payment to take a language from: the service passes `govukPayLanguage`. */
export const UNPAID_VIEW_CASES: ViewCase[] = [
  {
    name: 'error (could not start)',
    view: 'error',
    result: { outcome: 'error', reason: 'start_failed', firstVisit: true },
    heading: {
      en: 'Sorry, you cannot pay at the moment',
      cy: 'Mae’n ddrwg gennym, ni allwch dalu ar hyn o bryd',
    },
    says: { en: 'Try again later.', cy: 'Rhowch gynnig arall arni yn nes ymlaen.' },
  },
  {
    name: 'unconfirmed',
    view: 'unconfirmed',
    result: { outcome: 'unconfirmed', firstVisit: true },
    heading: {
      en: 'We could not confirm your payment',
      cy: 'Nid oeddem yn gallu cadarnhau eich taliad',
    },
    says: { en: 'Do not pay again', cy: 'Peidiwch â thalu eto' },
  },
  {
    name: 'missing',
    view: 'missing',
    result: { outcome: 'missing', reason: 'no_cookie', firstVisit: true },
    heading: {
      en: 'We could not find your payment',
      cy: 'Nid oeddem yn gallu dod o hyd i’ch taliad',
    },
    says: { en: 'do not pay again', cy: 'peidiwch â thalu eto' },
  },
];

export const ALL_VIEW_CASES = [...VIEW_CASES, ...UNPAID_VIEW_CASES];

/** A Nunjucks environment as a service would set one up: its views, ours, govuk-frontend's. */
export function createViewsEnvironment(serviceViews?: string): nunjucks.Environment {
  const paths = [
    ...(serviceViews === undefined ? [] : [serviceViews]),
    viewsPath,
    GOVUK_FRONTEND_DIST,
  ];
  return new nunjucks.Environment(new nunjucks.FileSystemLoader(paths), { autoescape: true });
}

/** The context an outcome handler would render with: the payment in the page's language. */
export function contextFor(
  viewCase: ViewCase,
  lang: ViewLanguage,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const paid = VIEW_CASES.includes(viewCase);
  return {
    result: paid ? { ...viewCase.result, payment: payment(lang) } : viewCase.result,
    ...(paid ? {} : { govukPayLanguage: lang }),
    startUrl: '/check-answers',
    serviceName: 'Pay for a parking permit',
    ...extra,
  };
}
