// Replaces the inline script of govuk-frontend's template, which a strict CSP would block. Loaded
// as a classic script at the top of <body>, so the classes are set before the page is painted.
document.body.className +=
  ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
