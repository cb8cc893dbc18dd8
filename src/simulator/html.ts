import type { Language } from '../client/index.js';
import { escapeHtml } from '../govuk-pay/index.js';
import type { PageText } from './i18n.js';

export const STYLESHEET_PATH = '/assets/simulator.css';

/** A full page. No inline scripts or styles, so the strictest CSP applies. */
export function layout(
  language: Language,
  text: PageText,
  title: string,
  main: string,
  hasErrors = false,
): string {
  const fullTitle = `${hasErrors ? text.errorTitlePrefix : ''}${title}${text.titleSuffix}`;
  return `<!DOCTYPE html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(fullTitle)}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<a href="#main-content" class="skip-link">${escapeHtml(text.skipLink)}</a>
<header class="header"><div class="width-container"><p class="header__name">${escapeHtml(text.serviceName)}</p></div></header>
<div class="width-container">
<main class="main" id="main-content">
${main}
</main>
</div>
<footer class="footer"><div class="width-container"><p>${escapeHtml(text.footer)}</p></div></footer>
</body>
</html>
`;
}

/**
 * GOV.UK Design System colours, all at least 4.5:1 against their background: text #0b0c0c,
 * links #1d70b8, errors #d4351c, buttons white on #00703c, focus #0b0c0c on #ffdd00.
 */
export const STYLESHEET = `*,*::before,*::after{box-sizing:border-box}
html{background:#f3f2f1}
body{margin:0;background:#fff;color:#0b0c0c;font-family:Arial,Helvetica,sans-serif;font-size:19px;line-height:1.32}
a{color:#1d70b8}
a:visited{color:#4c2c92}
a:focus,button:focus,input:focus{outline:3px solid #ffdd00;outline-offset:0;box-shadow:inset 0 0 0 2px #0b0c0c}
a:focus{background:#ffdd00;color:#0b0c0c;text-decoration:none;box-shadow:0 4px #0b0c0c;outline:none}
.skip-link{position:absolute;left:-9999px;top:auto;padding:10px 15px;color:#0b0c0c}
.skip-link:focus{position:static;display:inline-block}
.width-container{max-width:960px;margin:0 15px}
@media (min-width:40.0625em){.width-container{margin:0 30px}}
@media (min-width:1020px){.width-container{margin:0 auto}}
.header{background:#0b0c0c;color:#fff;border-bottom:10px solid #1d70b8}
.header__name{margin:0;padding:10px 0;font-weight:700;font-size:24px}
.main{display:block;padding:30px 0 45px}
.footer{background:#f3f2f1;border-top:1px solid #b1b4b6;padding:25px 0;font-size:16px}
.heading-l{font-size:36px;line-height:1.1;margin:0 0 30px}
.heading-m{font-size:24px;margin:0 0 15px}
.body{margin:0 0 20px}
.summary{border-left:10px solid #b1b4b6;padding:15px;margin:0 0 30px;background:#f3f2f1}
.summary__amount{font-size:36px;font-weight:700;margin:0}
.form-group{margin:0 0 30px}
.form-group--error{border-left:5px solid #d4351c;padding-left:15px}
.fieldset{margin:0;padding:0;border:0}
.fieldset__legend{font-weight:700;margin:0 0 10px;padding:0}
.label{display:block;font-weight:700;margin:0 0 5px}
.date-input__item .label{font-weight:400}
.hint{color:#505a5f;margin:0 0 15px}
.error-message{color:#d4351c;font-weight:700;margin:0 0 15px}
.input{display:block;width:100%;max-width:30em;height:40px;padding:5px;border:2px solid #0b0c0c;border-radius:0;font:inherit;color:#0b0c0c;background:#fff}
.input--error{border-color:#d4351c}
.input--width-2{max-width:5.4ex}
.input--width-4{max-width:9ex}
.input--width-20{max-width:41ex}
.date-input{display:flex;gap:20px}
.date-input__item{display:inline-block}
.button{display:inline-block;margin:0 0 20px;padding:8px 10px 7px;border:2px solid transparent;border-radius:0;background:#00703c;box-shadow:0 2px 0 #002d18;color:#fff;font:inherit;font-weight:400;cursor:pointer}
.button:hover{background:#005a30}
.button:focus{background:#ffdd00;color:#0b0c0c;box-shadow:0 2px 0 #0b0c0c;outline:3px solid transparent}
.button-link{padding:0;border:0;background:none;color:#1d70b8;font:inherit;text-decoration:underline;cursor:pointer}
.button-link:focus{background:#ffdd00;color:#0b0c0c;box-shadow:0 4px #0b0c0c;text-decoration:none}
.error-summary{border:5px solid #d4351c;padding:20px;margin:0 0 30px}
.error-summary__title{font-size:24px;margin:0 0 15px}
.error-summary__list{margin:0;padding:0;list-style:none}
.error-summary__list a{color:#d4351c;font-weight:700}
.summary-list{margin:0 0 30px}
.summary-list__row{display:flex;flex-wrap:wrap;border-bottom:1px solid #b1b4b6;padding:10px 0}
.summary-list__key{font-weight:700;width:40%;margin:0}
.summary-list__value{margin:0;width:60%}
.visually-hidden{position:absolute!important;width:1px!important;height:1px!important;margin:0!important;padding:0!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;clip-path:inset(50%)!important;border:0!important;white-space:nowrap!important}
`;
