'use strict';

// Regenerates demo-app/screenshot.png for the README: the confirmation page after a test-card
// payment through the embedded simulator. Needs the build (npm run build) and /usr/bin/chromium.
//
//   node demo-app/capture-screenshot.js

const path = require('node:path');
const { chromium } = require('playwright-core');
const { startDemo } = require('./server.js');

async function capture() {
  const running = await startDemo({ host: '127.0.0.1', port: 0 });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 }, locale: 'en-GB' });
    const base = running.url;
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Start now' }).click();
    await page.locator('#vehicle-registration').fill('CU57 ABC');
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await page.locator('input[name="months"][value="6"]').check();
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await page.getByRole('button', { name: 'Continue to payment' }).click();
    await page.locator('#card-no').fill('4444333322221111');
    await page.locator('#expiry-month').fill('12');
    await page.locator('#expiry-year').fill(String(new Date().getUTCFullYear() + 3));
    await page.locator('#cardholder-name').fill('Ann Example');
    await page.locator('#cvc').fill('123');
    if ((await page.locator('#email').count()) > 0) {
      await page.locator('#email').fill('ann@example.com');
    }
    await page.getByRole('button', { name: 'Continue', exact: true }).click();
    await page.getByRole('button', { name: 'Confirm payment' }).click();
    await page.waitForURL(`${base}/payment/return`);
    const file = path.join(__dirname, 'screenshot.png');
    await page.screenshot({ path: file });
    console.log(`Wrote ${path.relative(process.cwd(), file)}`);
  } finally {
    await browser.close();
    await running.close();
  }
}

capture().catch((err) => {
  console.error(err);
  process.exit(1);
});
