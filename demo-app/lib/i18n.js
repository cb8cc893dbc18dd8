'use strict';

// The demo's own words, in English and Welsh. GOV.UK Pay's hosted pages translate themselves
// when the payment is created with `language: 'cy'`.

const LANGUAGES = ['en', 'cy'];

const messages = {
  en: {
    'service.name': 'Pay for a resident parking permit',
    'common.skipLink': 'Skip to main content',
    'common.errorPrefix': 'Error',
    'common.errorSummaryTitle': 'There is a problem',
    'common.continue': 'Continue',
    'common.change': 'Change',
    'common.back': 'Back',
    'common.languageLabel': 'Language',
    'common.licence':
      'All content is available under the <a class="govuk-footer__link" href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/" rel="license">Open Government Licence v3.0</a>, except where otherwise stated',
    'common.copyright': '© Crown copyright',
    'common.demoBanner': 'This is a demonstration service. No real money is taken.',
    'common.phase': 'Demo',

    'start.title': 'Pay for a resident parking permit',
    'start.intro':
      'Use this service to buy a permit to park your vehicle in your residents’ parking zone.',
    'start.needHeading': 'Before you start',
    'start.need': 'You will need your vehicle registration number and a debit or credit card.',
    'start.prices': 'A permit costs:',
    'start.button': 'Start now',

    'vehicle.title': 'What is your vehicle registration number?',
    'vehicle.hint': 'For example, CU57 ABC',
    'vehicle.errorEmpty': 'Enter your vehicle registration number',
    'vehicle.errorFormat':
      'Vehicle registration number must only include letters a to z, numbers and spaces',
    'vehicle.errorLength': 'Vehicle registration number must be 2 to 8 letters and numbers',

    'length.title': 'How long do you want the permit for?',
    'length.errorEmpty': 'Select how long you want the permit for',
    'length.option': '{months} months – {price}',

    'check.title': 'Check your answers before paying',
    'check.vehicle': 'Vehicle registration number',
    'check.length': 'Permit length',
    'check.months': '{months} months',
    'check.amount': 'Amount to pay',
    'check.changeVehicle': 'vehicle registration number',
    'check.changeLength': 'permit length',
    'check.payHeading': 'Now pay for your permit',
    'check.payText':
      'You will be taken to GOV.UK Pay to pay {price} by debit or credit card. Do not refresh the page or press the back button while your payment is being taken.',
    'check.payButton': 'Continue to payment',

    'payment.description': 'Resident parking permit for {months} months',

    'confirmation.title': 'Payment complete',
    'confirmation.referenceLabel': 'Your payment reference',
    'confirmation.permitLabel': 'Your permit number',
    'confirmation.amountLabel': 'Amount paid',
    'confirmation.vehicleLabel': 'Vehicle',
    'confirmation.lengthLabel': 'Permit length',
    'confirmation.next': 'What happens next',
    'confirmation.nextText':
      'Your permit is valid from today. Display it or keep the permit number – civil enforcement officers check permits by vehicle registration number.',
    'confirmation.pending':
      'We have received your payment. Your permit number will be sent to you when it is ready.',
    'confirmation.another': 'Apply for another permit',

    'failed.declined.title': 'Your payment was declined',
    'failed.declined.text':
      'Your card was declined. Check the card details, or use a different card, and try again.',
    'failed.cancelled_by_user.title': 'You cancelled your payment',
    'failed.cancelled_by_user.text': 'You cancelled your payment before it was completed.',
    'failed.expired.title': 'Your payment session expired',
    'failed.expired.text':
      'You did not complete your payment within 90 minutes, so it has been cancelled.',
    'failed.noMoney': 'No money has been taken from your account.',
    'failed.tryAgain': 'Try again',

    'cancelled.title': 'Your payment was cancelled',
    'cancelled.text':
      'We cancelled this payment before it was completed. No money has been taken from your account.',
    'cancelled.contact': 'Contact the parking team if you did not expect this.',
    'cancelled.startAgain': 'Start again',

    'error.startFailed.title': 'Sorry, GOV.UK Pay is unavailable',
    'error.startFailed.text':
      'You cannot pay for your permit at the moment. Try again later. Your answers have been saved.',
    'error.tooManyStarts.title': 'You have tried to pay too many times',
    'error.tooManyStarts.text': 'Wait a minute, then try again. Your answers have been saved.',
    'error.provider.title': 'Sorry, there was a problem with your payment',
    'error.provider.text': 'No money has been taken from your account. You can try again.',
    'error.generic.title': 'Sorry, there is a problem with the service',
    'error.generic.text': 'Try again later.',
    'error.notFound.title': 'Page not found',
    'error.notFound.text': 'If you typed the web address, check it is correct.',
    'error.startPage': 'Go to the start of the service',

    'unconfirmed.title': 'We could not confirm your payment',
    'unconfirmed.warning': 'Do not pay again.',
    'unconfirmed.text':
      'Your payment may have been taken. We could not get a confirmation from GOV.UK Pay. We will check your payment and issue your permit if it went through.',
    'unconfirmed.checkAgain': 'Check your payment again',

    'missing.title': 'We could not find your payment',
    'missing.text':
      'Your payment session may have timed out, or you may have opened this page in a different browser. If you have paid, you will be sent your permit. Do not pay again.',
    'missing.checkAnswers': 'Go back to your answers',

    'footer.supportLinks': 'Support links',
    'footer.cookies': 'Cookies',
    'footer.accessibility': 'Accessibility statement',

    'cookies.title': 'Cookies',
    'cookies.intro':
      'Cookies are small files saved on your phone, tablet or computer when you visit a website.',
    'cookies.essentialHeading': 'Essential cookies',
    'cookies.essential':
      'We only use the cookies this service needs to work. We do not use cookies to measure how you use the service, so we do not ask for your permission.',
    'cookies.tableCaption': 'Cookies this service sets',
    'cookies.name': 'Name',
    'cookies.purpose': 'Purpose',
    'cookies.expires': 'Expires',
    'cookies.session.purpose':
      'Remembers your answers, and the language you chose, as you go through the service',
    'cookies.session.expires': '4 hours after you last use the service',
    'cookies.payment.purpose':
      'Links your payment on GOV.UK Pay to your application when you come back from paying',
    'cookies.payment.expires': '2 hours',
    'cookies.govukPay': 'GOV.UK Pay’s pages set their own cookies while you pay.',

    'accessibility.title': 'Accessibility statement for Pay for a resident parking permit',
    'accessibility.intro':
      'This accessibility statement applies to the Pay for a resident parking permit demonstration service.',
    'accessibility.designed':
      'This service is built with the GOV.UK Design System. We want as many people as possible to be able to use it. For example, that means you should be able to:',
    'accessibility.can.colours':
      'change colours, contrast levels and fonts using your browser or device settings',
    'accessibility.can.zoom': 'zoom in up to 400% without the text spilling off the screen',
    'accessibility.can.keyboard':
      'get through the service using just a keyboard or speech recognition software',
    'accessibility.can.screenReader': 'listen to the service using a screen reader',
    'accessibility.howHeading': 'How accessible this service is',
    'accessibility.how':
      'We test every page with the axe accessibility checker, in English and Welsh. Accessibility specialists have not yet audited this demonstration service.',
    'accessibility.reportingHeading': 'Reporting accessibility problems',
    'accessibility.reporting':
      'This is a demonstration service. In a real service, this section tells you how to contact the team that runs it if you need information in a different format or find a problem.',
    'accessibility.enforcementHeading': 'Enforcement procedure',
    'accessibility.enforcement':
      'The Equality and Human Rights Commission (EHRC) is responsible for enforcing the Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018 (the ‘accessibility regulations’). If you’re not happy with how we respond to your complaint, contact the Equality Advisory and Support Service (EASS).',
    'accessibility.eass': 'Contact the Equality Advisory and Support Service (EASS)',
    'accessibility.complianceHeading': 'Compliance status',
    'accessibility.compliance':
      'This service is designed to meet the Web Content Accessibility Guidelines version 2.2 AA standard. It has not been audited yet, so we cannot say it fully complies.',
    'accessibility.preparationHeading': 'Preparation of this accessibility statement',
    'accessibility.preparation': 'This statement was prepared on 1 December 2026.',
  },
  cy: {
    'service.name': 'Talu am drwydded parcio i breswylwyr',
    'common.skipLink': 'Neidio i’r prif gynnwys',
    'common.errorPrefix': 'Gwall',
    'common.errorSummaryTitle': 'Mae problem wedi codi',
    'common.continue': 'Parhau',
    'common.change': 'Newid',
    'common.back': 'Yn ôl',
    'common.languageLabel': 'Iaith',
    'common.licence':
      'Mae’r holl gynnwys ar gael o dan y <a class="govuk-footer__link" href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/" rel="license">Drwydded Llywodraeth Agored v3.0</a>, oni nodir yn wahanol',
    'common.copyright': '© Hawlfraint y Goron',
    'common.demoBanner': 'Gwasanaeth arddangos yw hwn. Nid oes arian go iawn yn cael ei gymryd.',
    'common.phase': 'Arddangos',

    'start.title': 'Talu am drwydded parcio i breswylwyr',
    'start.intro':
      'Defnyddiwch y gwasanaeth hwn i brynu trwydded i barcio eich cerbyd yn eich parth parcio i breswylwyr.',
    'start.needHeading': 'Cyn i chi ddechrau',
    'start.need': 'Bydd angen rhif cofrestru eich cerbyd a cherdyn debyd neu gredyd arnoch.',
    'start.prices': 'Mae trwydded yn costio:',
    'start.button': 'Dechrau nawr',

    'vehicle.title': 'Beth yw rhif cofrestru eich cerbyd?',
    'vehicle.hint': 'Er enghraifft, CU57 ABC',
    'vehicle.errorEmpty': 'Rhowch rif cofrestru eich cerbyd',
    'vehicle.errorFormat':
      'Rhaid i rif cofrestru’r cerbyd gynnwys llythrennau a i z, rhifau a bylchau yn unig',
    'vehicle.errorLength': 'Rhaid i rif cofrestru’r cerbyd fod rhwng 2 ac 8 llythyren a rhif',

    'length.title': 'Am ba mor hir ydych chi eisiau’r drwydded?',
    'length.errorEmpty': 'Dewiswch am ba mor hir rydych eisiau’r drwydded',
    'length.option': '{months} mis – {price}',

    'check.title': 'Gwiriwch eich atebion cyn talu',
    'check.vehicle': 'Rhif cofrestru’r cerbyd',
    'check.length': 'Hyd y drwydded',
    'check.months': '{months} mis',
    'check.amount': 'Swm i’w dalu',
    'check.changeVehicle': 'rhif cofrestru’r cerbyd',
    'check.changeLength': 'hyd y drwydded',
    'check.payHeading': 'Nawr talwch am eich trwydded',
    'check.payText':
      'Byddwch yn cael eich anfon i GOV.UK Pay i dalu {price} gyda cherdyn debyd neu gredyd. Peidiwch ag adnewyddu’r dudalen na phwyso’r botwm yn ôl tra bo’ch taliad yn cael ei gymryd.',
    'check.payButton': 'Parhau i dalu',

    'payment.description': 'Trwydded parcio i breswylwyr am {months} mis',

    'confirmation.title': 'Taliad wedi’i gwblhau',
    'confirmation.referenceLabel': 'Cyfeirnod eich taliad',
    'confirmation.permitLabel': 'Rhif eich trwydded',
    'confirmation.amountLabel': 'Swm a dalwyd',
    'confirmation.vehicleLabel': 'Cerbyd',
    'confirmation.lengthLabel': 'Hyd y drwydded',
    'confirmation.next': 'Beth sy’n digwydd nesaf',
    'confirmation.nextText':
      'Mae eich trwydded yn ddilys o heddiw. Dangoswch hi neu cadwch rif y drwydded – mae swyddogion gorfodi sifil yn gwirio trwyddedau yn ôl rhif cofrestru’r cerbyd.',
    'confirmation.pending':
      'Rydym wedi cael eich taliad. Byddwn yn anfon rhif eich trwydded atoch pan fydd yn barod.',
    'confirmation.another': 'Gwneud cais am drwydded arall',

    'failed.declined.title': 'Cafodd eich taliad ei wrthod',
    'failed.declined.text':
      'Cafodd eich cerdyn ei wrthod. Gwiriwch fanylion y cerdyn, neu defnyddiwch gerdyn gwahanol, a rhowch gynnig arall arni.',
    'failed.cancelled_by_user.title': 'Rydych wedi canslo eich taliad',
    'failed.cancelled_by_user.text': 'Gwnaethoch ganslo eich taliad cyn iddo gael ei gwblhau.',
    'failed.expired.title': 'Daeth eich sesiwn talu i ben',
    'failed.expired.text':
      'Ni wnaethoch gwblhau eich taliad o fewn 90 munud, felly mae wedi cael ei ganslo.',
    'failed.noMoney': 'Nid oes arian wedi’i gymryd o’ch cyfrif.',
    'failed.tryAgain': 'Rhoi cynnig arall arni',

    'cancelled.title': 'Cafodd eich taliad ei ganslo',
    'cancelled.text':
      'Gwnaethom ganslo’r taliad hwn cyn iddo gael ei gwblhau. Nid oes arian wedi’i gymryd o’ch cyfrif.',
    'cancelled.contact': 'Cysylltwch â’r tîm parcio os nad oeddech yn disgwyl hyn.',
    'cancelled.startAgain': 'Dechrau eto',

    'error.startFailed.title': 'Mae’n ddrwg gennym, nid yw GOV.UK Pay ar gael',
    'error.startFailed.text':
      'Ni allwch dalu am eich trwydded ar hyn o bryd. Rhowch gynnig arall arni yn nes ymlaen. Mae eich atebion wedi’u cadw.',
    'error.tooManyStarts.title': 'Rydych wedi ceisio talu gormod o weithiau',
    'error.tooManyStarts.text':
      'Arhoswch funud, yna rhowch gynnig arall arni. Mae eich atebion wedi’u cadw.',
    'error.provider.title': 'Mae’n ddrwg gennym, roedd problem gyda’ch taliad',
    'error.provider.text':
      'Nid oes arian wedi’i gymryd o’ch cyfrif. Gallwch roi cynnig arall arni.',
    'error.generic.title': 'Mae’n ddrwg gennym, mae problem gyda’r gwasanaeth',
    'error.generic.text': 'Rhowch gynnig arall arni yn nes ymlaen.',
    'error.notFound.title': 'Heb ddod o hyd i’r dudalen',
    'error.notFound.text': 'Os gwnaethoch deipio’r cyfeiriad gwe, gwiriwch ei fod yn gywir.',
    'error.startPage': 'Mynd i ddechrau’r gwasanaeth',

    'unconfirmed.title': 'Nid oeddem yn gallu cadarnhau eich taliad',
    'unconfirmed.warning': 'Peidiwch â thalu eto.',
    'unconfirmed.text':
      'Efallai bod eich taliad wedi’i gymryd. Ni chawsom gadarnhad gan GOV.UK Pay. Byddwn yn gwirio eich taliad ac yn rhoi eich trwydded i chi os aeth drwodd.',
    'unconfirmed.checkAgain': 'Gwirio eich taliad eto',

    'missing.title': 'Nid oeddem yn gallu dod o hyd i’ch taliad',
    'missing.text':
      'Efallai bod eich sesiwn talu wedi dod i ben, neu efallai eich bod wedi agor y dudalen hon mewn porwr gwahanol. Os ydych wedi talu, byddwch yn cael eich trwydded. Peidiwch â thalu eto.',
    'missing.checkAnswers': 'Mynd yn ôl i’ch atebion',

    'footer.supportLinks': 'Dolenni cymorth',
    'footer.cookies': 'Cwcis',
    'footer.accessibility': 'Datganiad hygyrchedd',

    'cookies.title': 'Cwcis',
    'cookies.intro':
      'Ffeiliau bach yw cwcis sy’n cael eu cadw ar eich ffôn, llechen neu gyfrifiadur pan fyddwch yn ymweld â gwefan.',
    'cookies.essentialHeading': 'Cwcis hanfodol',
    'cookies.essential':
      'Dim ond y cwcis sydd eu hangen ar y gwasanaeth hwn i weithio rydym yn eu defnyddio. Nid ydym yn defnyddio cwcis i fesur sut rydych yn defnyddio’r gwasanaeth, felly nid ydym yn gofyn am eich caniatâd.',
    'cookies.tableCaption': 'Y cwcis mae’r gwasanaeth hwn yn eu gosod',
    'cookies.name': 'Enw',
    'cookies.purpose': 'Pwrpas',
    'cookies.expires': 'Yn dod i ben',
    'cookies.session.purpose':
      'Yn cofio eich atebion, a’r iaith a ddewisoch, wrth i chi fynd drwy’r gwasanaeth',
    'cookies.session.expires': '4 awr ar ôl i chi ddefnyddio’r gwasanaeth ddiwethaf',
    'cookies.payment.purpose':
      'Yn cysylltu eich taliad ar GOV.UK Pay â’ch cais pan fyddwch yn dod yn ôl ar ôl talu',
    'cookies.payment.expires': '2 awr',
    'cookies.govukPay':
      'Mae tudalennau GOV.UK Pay yn gosod eu cwcis eu hunain tra byddwch yn talu.',

    'accessibility.title': 'Datganiad hygyrchedd ar gyfer Talu am drwydded parcio i breswylwyr',
    'accessibility.intro':
      'Mae’r datganiad hygyrchedd hwn yn berthnasol i’r gwasanaeth arddangos Talu am drwydded parcio i breswylwyr.',
    'accessibility.designed':
      'Mae’r gwasanaeth hwn wedi’i adeiladu gyda System Ddylunio GOV.UK. Rydym eisiau i gymaint o bobl â phosibl allu ei ddefnyddio. Er enghraifft, mae hynny’n golygu y dylech allu:',
    'accessibility.can.colours':
      'newid lliwiau, lefelau cyferbyniad a ffontiau gan ddefnyddio gosodiadau eich porwr neu’ch dyfais',
    'accessibility.can.zoom': 'chwyddo hyd at 400% heb i’r testun fynd oddi ar y sgrin',
    'accessibility.can.keyboard':
      'mynd drwy’r gwasanaeth gan ddefnyddio bysellfwrdd yn unig neu feddalwedd adnabod lleferydd',
    'accessibility.can.screenReader': 'gwrando ar y gwasanaeth gan ddefnyddio darllenydd sgrin',
    'accessibility.howHeading': 'Pa mor hygyrch yw’r gwasanaeth hwn',
    'accessibility.how':
      'Rydym yn profi pob tudalen gyda’r offeryn gwirio hygyrchedd axe, yn Saesneg ac yn Gymraeg. Nid yw arbenigwyr hygyrchedd wedi archwilio’r gwasanaeth arddangos hwn eto.',
    'accessibility.reportingHeading': 'Rhoi gwybod am broblemau hygyrchedd',
    'accessibility.reporting':
      'Gwasanaeth arddangos yw hwn. Mewn gwasanaeth go iawn, mae’r adran hon yn dweud wrthych sut i gysylltu â’r tîm sy’n ei redeg os oes angen gwybodaeth arnoch mewn fformat gwahanol neu os byddwch yn dod o hyd i broblem.',
    'accessibility.enforcementHeading': 'Gweithdrefn orfodi',
    'accessibility.enforcement':
      'Y Comisiwn Cydraddoldeb a Hawliau Dynol (EHRC) sy’n gyfrifol am orfodi Rheoliadau Hygyrchedd Cyrff Sector Cyhoeddus (Gwefannau a Chymwysiadau Symudol) (Rhif 2) 2018 (y ‘rheoliadau hygyrchedd’). Os nad ydych yn hapus gyda sut rydym yn ymateb i’ch cwyn, cysylltwch â’r Gwasanaeth Cynghori a Chefnogi Cydraddoldeb (EASS).',
    'accessibility.eass': 'Cysylltu â’r Gwasanaeth Cynghori a Chefnogi Cydraddoldeb (EASS)',
    'accessibility.complianceHeading': 'Statws cydymffurfio',
    'accessibility.compliance':
      'Mae’r gwasanaeth hwn wedi’i gynllunio i fodloni safon AA Canllawiau Hygyrchedd Cynnwys y We fersiwn 2.2. Nid yw wedi cael ei archwilio eto, felly ni allwn ddweud ei fod yn cydymffurfio’n llawn.',
    'accessibility.preparationHeading': 'Paratoi’r datganiad hygyrchedd hwn',
    'accessibility.preparation': 'Paratowyd y datganiad hwn ar 1 Rhagfyr 2026.',
  },
};

/** Keys whose value is trusted HTML written here, never user input. */
const HTML_KEYS = new Set(['common.licence']);

function isLanguage(value) {
  return LANGUAGES.includes(value);
}

/**
 * Returns the text for `key` in `lang`, with `{name}` placeholders filled in. A missing key is a
 * bug in this file, so it throws rather than showing the key to a citizen.
 */
function translate(lang, key, params) {
  const text = messages[isLanguage(lang) ? lang : 'en'][key];
  if (text === undefined) throw new Error(`demo-app: no ${lang} text for "${key}"`);
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

/** Pence as pounds, e.g. 2600 -> "£26.00". */
function formatPence(pence) {
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' }).format(pence / 100);
}

module.exports = { LANGUAGES, messages, HTML_KEYS, isLanguage, translate, formatPence };
