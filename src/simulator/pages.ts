import express from 'express';
import type { Request, Response, Router } from 'express';
import type { Language } from '../client/index.js';
import type { CardForm, FieldError } from './card-form.js';
import { readCardForm, validateCardForm } from './card-form.js';
import type { SimulatorEngine } from './engine.js';
import { escapeHtml } from '../govuk-pay/index.js';
import { STYLESHEET, STYLESHEET_PATH, layout } from './html.js';
import type { PageText } from './i18n.js';
import { formatAmount, textFor } from './i18n.js';
import { newBrowserId } from './ids.js';
import type { SimPayment } from './model.js';
import {
  cancelByUser,
  confirmPayment,
  expireIfDue,
  startPayment,
  submitCard,
} from './transitions.js';

/** GOV.UK Pay's frontend binds a payment to the browser that first used its token (FACTS.md §10). */
export const BROWSER_COOKIE = 'govuk_pay_sim_browser';
const BROWSER_ID = /^[0-9a-v]{32}$/;
/** A payment opened in more browsers than this forgets the oldest. */
const MAX_BROWSERS_PER_PAYMENT = 8;

const PAGE_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
} as const;

const FIELD_IDS: Readonly<Record<FieldError['field'], string>> = {
  cardNo: 'card-no',
  expiry: 'expiry-month',
  cardholderName: 'cardholder-name',
  cvc: 'cvc',
  email: 'email',
};

function readBrowserId(req: Request): string | undefined {
  const header = req.headers.cookie;
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === BROWSER_COOKIE) {
      const value = part.slice(eq + 1).trim();
      return BROWSER_ID.test(value) ? value : undefined;
    }
  }
  return undefined;
}

function sendPage(res: Response, status: number, html: string): void {
  res.status(status).set(PAGE_HEADERS).type('html').send(html);
}

function redirect(res: Response, location: string): void {
  res.status(303).set(PAGE_HEADERS).set('location', location).end();
}

function errorPage(
  res: Response,
  status: number,
  language: Language,
  kind: 'unauthorised' | 'notFound',
): void {
  const text = textFor(language);
  const [title, body] =
    kind === 'unauthorised'
      ? [text.unauthorisedTitle, text.unauthorisedBody]
      : [text.notFoundTitle, text.notFoundBody];
  sendPage(
    res,
    status,
    layout(
      language,
      text,
      title,
      `<h1 class="heading-l">${escapeHtml(title)}</h1>\n<p class="body">${escapeHtml(body)}</p>`,
    ),
  );
}

function errorSummary(text: PageText, errors: readonly FieldError[]): string {
  if (errors.length === 0) return '';
  const items = errors
    .map((e) => `<li><a href="#${FIELD_IDS[e.field]}">${escapeHtml(text.errors[e.key])}</a></li>`)
    .join('');
  return `<div class="error-summary" aria-labelledby="error-summary-title" role="alert" tabindex="-1">
<h2 class="error-summary__title" id="error-summary-title">${escapeHtml(text.errorSummaryTitle)}</h2>
<ul class="error-summary__list">${items}</ul>
</div>
`;
}

interface InputSpec {
  readonly id: string;
  readonly name: keyof CardForm;
  readonly label: string;
  readonly hint?: string;
  readonly value: string;
  readonly autocomplete: string;
  readonly inputmode?: 'numeric';
  readonly type?: 'text' | 'email';
  readonly width?: string;
}

function textInput(text: PageText, spec: InputSpec, error: FieldError | undefined): string {
  const hintId = `${spec.id}-hint`;
  const errorId = `${spec.id}-error`;
  const describedBy = [spec.hint === undefined ? '' : hintId, error === undefined ? '' : errorId]
    .filter(Boolean)
    .join(' ');
  return `<div class="form-group${error === undefined ? '' : ' form-group--error'}">
<label class="label" for="${spec.id}">${escapeHtml(spec.label)}</label>
${spec.hint === undefined ? '' : `<div class="hint" id="${hintId}">${escapeHtml(spec.hint)}</div>\n`}${
    error === undefined
      ? ''
      : `<p class="error-message" id="${errorId}"><span class="visually-hidden">${escapeHtml(text.errorPrefix)}</span> ${escapeHtml(text.errors[error.key])}</p>\n`
  }<input class="input${spec.width === undefined ? '' : ` ${spec.width}`}${error === undefined ? '' : ' input--error'}" id="${spec.id}" name="${spec.name}" type="${spec.type ?? 'text'}" value="${escapeHtml(spec.value)}" autocomplete="${spec.autocomplete}" spellcheck="false"${spec.inputmode === undefined ? '' : ` inputmode="${spec.inputmode}"`}${describedBy === '' ? '' : ` aria-describedby="${describedBy}"`}${error === undefined ? '' : ' aria-invalid="true"'}>
</div>
`;
}

function paymentSummary(text: PageText, payment: SimPayment): string {
  // A payment that sets up an agreement tells the citizen their card will be kept, and why.
  const agreement = payment.agreement;
  const setUp =
    agreement === undefined
      ? ''
      : `<p class="body">${escapeHtml(text.cardWillBeSaved)}</p>
<p class="body">${escapeHtml(agreement.description)}</p>
`;
  return `<div class="summary">
<h2 class="heading-m">${escapeHtml(text.paymentSummary)}</h2>
<p class="body">${escapeHtml(payment.description)}</p>
${setUp}<p class="body">${escapeHtml(text.totalAmount)}:</p>
<p class="summary__amount">${escapeHtml(formatAmount(payment.amount))}</p>
</div>
`;
}

function cancelForm(text: PageText, pageId: string): string {
  return `<form method="post" action="/pay/${pageId}/cancel" novalidate>
<button type="submit" class="button-link">${escapeHtml(text.cancel)}</button>
</form>
`;
}

function cardDetailsPage(
  payment: SimPayment,
  pageId: string,
  form: CardForm,
  errors: readonly FieldError[],
): string {
  const text = textFor(payment.language);
  const errorFor = (field: FieldError['field']): FieldError | undefined =>
    errors.find((e) => e.field === field);
  const expiryError = errorFor('expiry');
  const expiryDescribedBy = `expiry-hint${expiryError === undefined ? '' : ' expiry-error'}`;
  const dateClass = `input input--width-2${expiryError === undefined ? '' : ' input--error'}`;
  const yearClass = `input input--width-4${expiryError === undefined ? '' : ' input--error'}`;
  const main = `<h1 class="heading-l">${escapeHtml(text.cardDetailsTitle)}</h1>
${errorSummary(text, errors)}${paymentSummary(text, payment)}<form method="post" action="/pay/${pageId}" novalidate>
${textInput(text, { id: 'card-no', name: 'cardNo', label: text.cardNumber, hint: text.cardNumberHint, value: form.cardNo, autocomplete: 'cc-number', inputmode: 'numeric', width: 'input--width-20' }, errorFor('cardNo'))}<div class="form-group${expiryError === undefined ? '' : ' form-group--error'}">
<fieldset class="fieldset" role="group" aria-describedby="${expiryDescribedBy}">
<legend class="fieldset__legend">${escapeHtml(text.expiry)}</legend>
<div class="hint" id="expiry-hint">${escapeHtml(text.expiryHint)}</div>
${
  expiryError === undefined
    ? ''
    : `<p class="error-message" id="expiry-error"><span class="visually-hidden">${escapeHtml(text.errorPrefix)}</span> ${escapeHtml(text.errors[expiryError.key])}</p>\n`
}<div class="date-input">
<div class="date-input__item"><label class="label" for="expiry-month">${escapeHtml(text.month)}</label>
<input class="${dateClass}" id="expiry-month" name="expiryMonth" type="text" inputmode="numeric" autocomplete="cc-exp-month" value="${escapeHtml(form.expiryMonth)}"${expiryError === undefined ? '' : ' aria-invalid="true"'}></div>
<div class="date-input__item"><label class="label" for="expiry-year">${escapeHtml(text.year)}</label>
<input class="${yearClass}" id="expiry-year" name="expiryYear" type="text" inputmode="numeric" autocomplete="cc-exp-year" value="${escapeHtml(form.expiryYear)}"${expiryError === undefined ? '' : ' aria-invalid="true"'}></div>
</div>
</fieldset>
</div>
${textInput(text, { id: 'cardholder-name', name: 'cardholderName', label: text.cardholderName, value: form.cardholderName, autocomplete: 'cc-name' }, errorFor('cardholderName'))}${textInput(text, { id: 'cvc', name: 'cvc', label: text.cvc, hint: text.cvcHint, value: '', autocomplete: 'cc-csc', inputmode: 'numeric', width: 'input--width-4' }, errorFor('cvc'))}${
    payment.email === undefined
      ? textInput(
          text,
          {
            id: 'email',
            name: 'email',
            label: text.email,
            hint: text.emailHint,
            value: form.email,
            autocomplete: 'email',
            type: 'email',
          },
          errorFor('email'),
        )
      : ''
  }<button type="submit" class="button">${escapeHtml(text.continue)}</button>
</form>
${cancelForm(text, pageId)}`;
  return layout(payment.language, text, text.cardDetailsTitle, main, errors.length > 0);
}

function confirmPage(payment: SimPayment, pageId: string): string {
  const text = textFor(payment.language);
  const card = payment.card;
  const row = (key: string, value: string): string =>
    `<div class="summary-list__row"><dt class="summary-list__key">${escapeHtml(key)}</dt><dd class="summary-list__value">${escapeHtml(value)}</dd></div>`;
  const rows = [
    row(text.description, payment.description),
    row(text.totalAmount, formatAmount(payment.amount)),
    row(text.cardNumber, text.cardEnding(card?.last_digits_card_number ?? '')),
    row(text.expiry, card?.expiry_date ?? ''),
    row(text.cardholderName, card?.cardholder_name ?? ''),
    ...(payment.email === undefined ? [] : [row(text.confirmEmail, payment.email)]),
  ].join('\n');
  const main = `<h1 class="heading-l">${escapeHtml(text.confirmTitle)}</h1>
<dl class="summary-list">
${rows}
</dl>
<form method="post" action="/pay/${pageId}/confirm" novalidate>
<button type="submit" class="button">${escapeHtml(text.confirmButton)}</button>
</form>
${cancelForm(text, pageId)}`;
  return layout(payment.language, text, text.confirmTitle, main);
}

function emptyForm(payment: SimPayment): CardForm {
  return {
    cardNo: '',
    expiryMonth: '',
    expiryYear: '',
    cardholderName: payment.prefilled?.cardholder_name ?? '',
    cvc: '',
    email: '',
  };
}

/** Which end page a finished, unsuccessful payment shows (FACTS.md §10). */
type EndPage = 'declined' | 'cancelled' | 'expired' | 'technicalProblem';

function endPageFor(payment: SimPayment): EndPage | undefined {
  switch (payment.status) {
    case 'failed':
      return payment.code === 'P0020'
        ? 'expired'
        : payment.code === 'P0030'
          ? 'cancelled'
          : 'declined';
    case 'cancelled':
      return 'cancelled';
    case 'error':
      return 'technicalProblem';
    case 'created':
    case 'started':
    case 'submitted':
    case 'capturable':
    case 'success':
      return undefined;
    default: {
      const unknown: never = payment.status;
      throw new Error(`unknown payment status ${String(unknown)}`);
    }
  }
}

/**
 * Where the citizen belongs for the payment's status. A paid journey goes back to the service
 * through `/return`, as GOV.UK Pay's does; an unsuccessful one shows its end page first, unless
 * the account uses its own error pages.
 */
function nextStep(payment: SimPayment, pageId: string): string {
  if (payment.status === 'submitted') return `/pay/${pageId}/confirm`;
  if (payment.status === 'created' || payment.status === 'started') return `/pay/${pageId}`;
  if (endPageFor(payment) !== undefined && !payment.owner.ownErrorPages) {
    return `/pay/${pageId}/done`;
  }
  return `/return/${pageId}`;
}

function endPage(payment: SimPayment, pageId: string, kind: EndPage): string {
  const text = textFor(payment.language);
  const title = {
    declined: text.declinedTitle,
    cancelled: text.cancelledTitle,
    expired: text.expiredTitle,
    technicalProblem: text.technicalProblemTitle,
  }[kind];
  const body =
    kind === 'technicalProblem' ? `${text.noMoneyTaken} ${text.tryAgainLater}` : text.noMoneyTaken;
  // A form rather than a link, so the service is reached by the same top-level navigation as
  // GOV.UK Pay's Continue: /return, then a redirect to return_url.
  const main = `<h1 class="heading-l">${escapeHtml(title)}</h1>
<p class="body">${escapeHtml(body)}</p>
<form method="get" action="/return/${pageId}" novalidate>
<button type="submit" class="button">${escapeHtml(text.continueToService)}</button>
</form>`;
  return layout(payment.language, text, title, main);
}

/** The hosted payment pages behind `next_url`, server-rendered, in English or Welsh. */
export function createPagesRouter(engine: SimulatorEngine): Router {
  const { store, clock } = engine;
  const router = express.Router();
  const readForm = express.urlencoded({ extended: false, limit: '16kb' });

  router.get(STYLESHEET_PATH, (_req, res) => {
    res.set({ 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' });
    res.type('css').send(STYLESHEET);
  });

  function openToken(token: unknown, req: Request, res: Response): void {
    const entry = typeof token === 'string' ? store.getToken(token) : undefined;
    if (entry === undefined) {
      errorPage(res, 404, 'en', 'notFound');
      return;
    }
    const { payment } = entry;
    expireIfDue(payment, clock.now());
    let browserId = readBrowserId(req);
    if (entry.used) {
      if (browserId === undefined || payment.browsers?.includes(browserId) !== true) {
        errorPage(res, 403, payment.language, 'unauthorised');
        return;
      }
    } else {
      store.markTokenUsed(token as string, entry);
      if (browserId === undefined) {
        browserId = newBrowserId();
        res.append(
          'set-cookie',
          `${BROWSER_COOKIE}=${browserId}; Path=/; HttpOnly; SameSite=Lax${req.secure ? '; Secure' : ''}`,
        );
      }
      const browsers = (payment.browsers ??= []);
      if (!browsers.includes(browserId)) browsers.push(browserId);
      if (browsers.length > MAX_BROWSERS_PER_PAYMENT) browsers.shift();
    }
    redirect(res, nextStep(payment, store.pageIdFor(payment)));
  }

  /** The payment behind a page URL, if this browser may see it; otherwise answers itself. */
  function pagePayment(req: Request, res: Response): [SimPayment, string] | undefined {
    const pageId = String(req.params.pageId ?? '');
    const payment = store.getByPageId(pageId);
    if (payment === undefined) {
      errorPage(res, 404, 'en', 'notFound');
      return undefined;
    }
    const browserId = readBrowserId(req);
    if (browserId === undefined || payment.browsers?.includes(browserId) !== true) {
      errorPage(res, 403, payment.language, 'unauthorised');
      return undefined;
    }
    expireIfDue(payment, clock.now());
    return [payment, pageId];
  }

  router.get('/secure/:token', (req, res) => openToken(req.params.token, req, res));
  router.post('/secure', readForm, (req, res) =>
    openToken((req.body as Record<string, unknown> | undefined)?.chargeTokenId, req, res),
  );

  router.get('/pay/:pageId', (req, res) => {
    const found = pagePayment(req, res);
    if (found === undefined) return;
    const [payment, pageId] = found;
    if (payment.status !== 'created' && payment.status !== 'started') {
      redirect(res, nextStep(payment, pageId));
      return;
    }
    startPayment(payment, clock.now());
    sendPage(res, 200, cardDetailsPage(payment, pageId, emptyForm(payment), []));
  });

  router.post('/pay/:pageId', readForm, (req, res) => {
    const found = pagePayment(req, res);
    if (found === undefined) return;
    const [payment, pageId] = found;
    if (payment.status !== 'created' && payment.status !== 'started') {
      redirect(res, nextStep(payment, pageId));
      return;
    }
    const form = readCardForm(req.body);
    const result = validateCardForm(form, clock.now(), payment.email === undefined);
    if (!result.ok) {
      sendPage(res, 200, cardDetailsPage(payment, pageId, form, result.errors));
      return;
    }
    // A declined or errored card ends the journey on its end page.
    submitCard(payment, result.entry, clock.now());
    redirect(res, nextStep(payment, pageId));
  });

  router.get('/pay/:pageId/confirm', (req, res) => {
    const found = pagePayment(req, res);
    if (found === undefined) return;
    const [payment, pageId] = found;
    if (payment.status !== 'submitted') {
      redirect(res, nextStep(payment, pageId));
      return;
    }
    sendPage(res, 200, confirmPage(payment, pageId));
  });

  router.post('/pay/:pageId/confirm', (req, res) => {
    const found = pagePayment(req, res);
    if (found === undefined) return;
    const [payment, pageId] = found;
    if (payment.status === 'submitted') confirmPayment(payment, clock.now());
    redirect(res, nextStep(payment, pageId));
  });

  router.post('/pay/:pageId/cancel', (req, res) => {
    const found = pagePayment(req, res);
    if (found === undefined) return;
    const [payment, pageId] = found;
    const { status } = payment;
    if (status === 'created' || status === 'started' || status === 'submitted') {
      cancelByUser(payment, clock.now());
    }
    redirect(res, nextStep(payment, pageId));
  });

  router.get('/pay/:pageId/done', (req, res) => {
    const found = pagePayment(req, res);
    if (found === undefined) return;
    const [payment, pageId] = found;
    const kind = endPageFor(payment);
    if (kind === undefined) {
      redirect(res, nextStep(payment, pageId));
      return;
    }
    sendPage(res, 200, endPage(payment, pageId, kind));
  });

  /**
   * GOV.UK Pay's last hop: a 302 to return_url. A citizen who comes here while the payment can
   * still be cancelled (the browser's back button, a bookmark) cancels it, as a user cancel,
   * before going back (FACTS.md §10).
   */
  function returnToService(req: Request, res: Response): void {
    const found = pagePayment(req, res);
    if (found === undefined) return;
    const [payment] = found;
    const { status } = payment;
    if (status === 'created' || status === 'started' || status === 'submitted') {
      cancelByUser(payment, clock.now());
    }
    // Set directly: res.redirect would echo return_url into an HTML body.
    res
      .status(302)
      .set(PAGE_HEADERS)
      .set('location', payment.returnUrl ?? '/')
      .end();
  }
  router.get('/return/:pageId', returnToService);
  router.post('/return/:pageId', returnToService);

  return router;
}
