'use strict';

const express = require('express');

/**
 * The pages every GOV.UK service links from its footer: cookies and the accessibility statement,
 * in the citizen's language like every other page.
 */
function footerPages({ sessionCookieName, paymentCookieName }) {
  const router = express.Router();
  router.get('/cookies', (req, res) => {
    res.render('cookies.njk', { sessionCookieName, paymentCookieName });
  });
  router.get('/accessibility-statement', (req, res) => {
    res.render('accessibility-statement.njk');
  });
  return router;
}

module.exports = { footerPages };
