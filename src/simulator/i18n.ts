import type { Language } from '../client/index.js';

/** Every piece of text on the hosted pages, in English and Welsh. */
export interface PageText {
  serviceName: string;
  skipLink: string;
  footer: string;
  titleSuffix: string;
  errorTitlePrefix: string;
  errorPrefix: string;
  errorSummaryTitle: string;
  cardDetailsTitle: string;
  paymentSummary: string;
  totalAmount: string;
  description: string;
  cardNumber: string;
  cardNumberHint: string;
  expiry: string;
  expiryHint: string;
  month: string;
  year: string;
  cardholderName: string;
  cvc: string;
  cvcHint: string;
  email: string;
  emailHint: string;
  continue: string;
  cancel: string;
  confirmTitle: string;
  cardDetails: string;
  confirmButton: string;
  confirmEmail: string;
  cardEnding: (lastDigits: string) => string;
  unauthorisedTitle: string;
  unauthorisedBody: string;
  notFoundTitle: string;
  notFoundBody: string;
  /** The end pages: a failed, cancelled, expired or errored payment, with Continue. */
  declinedTitle: string;
  cancelledTitle: string;
  expiredTitle: string;
  technicalProblemTitle: string;
  noMoneyTaken: string;
  tryAgainLater: string;
  continueToService: string;
  /** On the card page of a payment that sets up an agreement. */
  cardWillBeSaved: string;
  errors: {
    cardNumberMissing: string;
    cardNumberInvalid: string;
    cardNotTestCard: string;
    expiryMissing: string;
    expiryInvalid: string;
    expiryPast: string;
    nameMissing: string;
    nameTooLong: string;
    cvcMissing: string;
    cvcInvalid: string;
    emailInvalid: string;
  };
}

export type ErrorKey = keyof PageText['errors'];

const en: PageText = {
  serviceName: 'GOV.UK Pay simulator',
  skipLink: 'Skip to main content',
  footer: 'This is an offline simulator of GOV.UK Pay for testing. No real payments are taken.',
  titleSuffix: ' – GOV.UK Pay simulator',
  errorTitlePrefix: 'Error: ',
  errorPrefix: 'Error:',
  errorSummaryTitle: 'There is a problem',
  cardDetailsTitle: 'Enter card details',
  paymentSummary: 'Payment summary',
  totalAmount: 'Total amount',
  description: 'Description',
  cardNumber: 'Card number',
  cardNumberHint: 'Use a test card, for example 4444 3333 2222 1111',
  expiry: 'Expiry date',
  expiryHint: 'For example, 10/30',
  month: 'Month',
  year: 'Year',
  cardholderName: 'Name on card',
  cvc: 'Card security code',
  cvcHint:
    'The last 3 digits on the back of the card, or 4 digits on the front for American Express',
  email: 'Email',
  emailHint: 'We’ll send your payment confirmation here',
  continue: 'Continue',
  cancel: 'Cancel payment',
  confirmTitle: 'Confirm your payment',
  cardDetails: 'Card details',
  confirmButton: 'Confirm payment',
  confirmEmail: 'Confirmation email',
  cardEnding: (last) => `Card ending ${last}`,
  unauthorisedTitle: 'There is a problem with your payment',
  unauthorisedBody:
    'You cannot continue this payment in this browser. Go back to the service and start again.',
  notFoundTitle: 'Page not found',
  notFoundBody: 'This payment link is not valid. Go back to the service and start again.',
  declinedTitle: 'Your payment has been declined',
  cancelledTitle: 'Your payment has been cancelled',
  expiredTitle: 'Your payment session has expired',
  technicalProblemTitle: 'Sorry, we’re experiencing technical problems',
  noMoneyTaken: 'No money has been taken from your account.',
  tryAgainLater: 'Try again later.',
  continueToService: 'Continue',
  cardWillBeSaved:
    'Your card details will be saved so the service can take future payments without you:',
  errors: {
    cardNumberMissing: 'Enter a card number',
    cardNumberInvalid: 'Enter a valid card number',
    cardNotTestCard:
      'This card number is not a test card. Use a test card, for example 4444 3333 2222 1111',
    expiryMissing: 'Enter the expiry date',
    expiryInvalid: 'Enter a valid expiry date',
    expiryPast: 'Enter an expiry date in the future',
    nameMissing: 'Enter the name as it appears on the card',
    nameTooLong: 'Name on card must be 255 characters or fewer',
    cvcMissing: 'Enter the card security code',
    cvcInvalid: 'Enter a valid card security code',
    emailInvalid: 'Enter a valid email address',
  },
};

const cy: PageText = {
  serviceName: 'Efelychydd GOV.UK Pay',
  skipLink: 'Neidio i’r prif gynnwys',
  footer:
    'Efelychydd all-lein o GOV.UK Pay ar gyfer profi yw hwn. Ni chymerir unrhyw daliadau go iawn.',
  titleSuffix: ' – Efelychydd GOV.UK Pay',
  errorTitlePrefix: 'Gwall: ',
  errorPrefix: 'Gwall:',
  errorSummaryTitle: 'Mae problem wedi codi',
  cardDetailsTitle: 'Rhowch fanylion y cerdyn',
  paymentSummary: 'Crynodeb y taliad',
  totalAmount: 'Cyfanswm',
  description: 'Disgrifiad',
  cardNumber: 'Rhif cerdyn',
  cardNumberHint: 'Defnyddiwch gerdyn prawf, er enghraifft 4444 3333 2222 1111',
  expiry: 'Dyddiad dod i ben',
  expiryHint: 'Er enghraifft, 10/30',
  month: 'Mis',
  year: 'Blwyddyn',
  cardholderName: 'Enw ar y cerdyn',
  cvc: 'Cod diogelwch y cerdyn',
  cvcHint: 'Y 3 digid olaf ar gefn y cerdyn, neu 4 digid ar y blaen ar gyfer American Express',
  email: 'E-bost',
  emailHint: 'Byddwn yn anfon cadarnhad eich taliad yma',
  continue: 'Parhau',
  cancel: 'Canslo’r taliad',
  confirmTitle: 'Cadarnhau eich taliad',
  cardDetails: 'Manylion cerdyn',
  confirmButton: 'Cadarnhau’r taliad',
  confirmEmail: 'E-bost cadarnhad',
  cardEnding: (last) => `Cerdyn yn gorffen gyda ${last}`,
  unauthorisedTitle: 'Mae problem gyda’ch taliad',
  unauthorisedBody:
    'Ni allwch barhau â’r taliad hwn yn y porwr hwn. Ewch yn ôl i’r gwasanaeth a dechrau eto.',
  notFoundTitle: 'Ni chanfuwyd y dudalen',
  notFoundBody: 'Nid yw’r ddolen dalu hon yn ddilys. Ewch yn ôl i’r gwasanaeth a dechrau eto.',
  declinedTitle: 'Mae eich taliad wedi cael ei wrthod',
  cancelledTitle: 'Mae eich taliad wedi cael ei ganslo',
  expiredTitle: 'Mae eich sesiwn talu wedi dod i ben',
  technicalProblemTitle: 'Mae’n ddrwg gennym, rydym yn cael problemau technegol',
  noMoneyTaken: 'Nid oes arian wedi’i gymryd o’ch cyfrif.',
  tryAgainLater: 'Rhowch gynnig arall arni nes ymlaen.',
  continueToService: 'Parhau',
  cardWillBeSaved:
    'Bydd manylion eich cerdyn yn cael eu cadw fel y gall y gwasanaeth gymryd taliadau yn y dyfodol hebddoch chi:',
  errors: {
    cardNumberMissing: 'Rhowch rif cerdyn',
    cardNumberInvalid: 'Rhowch rif cerdyn dilys',
    cardNotTestCard:
      'Nid yw’r rhif cerdyn hwn yn gerdyn prawf. Defnyddiwch gerdyn prawf, er enghraifft 4444 3333 2222 1111',
    expiryMissing: 'Rhowch y dyddiad dod i ben',
    expiryInvalid: 'Rhowch ddyddiad dod i ben dilys',
    expiryPast: 'Rhowch ddyddiad dod i ben yn y dyfodol',
    nameMissing: 'Rhowch yr enw fel y mae’n ymddangos ar y cerdyn',
    nameTooLong: 'Rhaid i’r enw ar y cerdyn fod yn 255 nod neu lai',
    cvcMissing: 'Rhowch god diogelwch y cerdyn',
    cvcInvalid: 'Rhowch god diogelwch cerdyn dilys',
    emailInvalid: 'Rhowch gyfeiriad e-bost dilys',
  },
};

export function textFor(language: Language): PageText {
  return language === 'cy' ? cy : en;
}

/** `£1,234.50` from pence. */
export function formatAmount(pence: number): string {
  return `£${(pence / 100).toLocaleString('en-GB', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
