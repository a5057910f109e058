// Forms must work before (or without) the WASM bundle: with JavaScript switched off, a sign-in
// with wrong credentials is a plain HTML form post, and the server's answer must show the error.
//
// Runs against the server at LAUNCHREADY_E2E_BASE_URL (see e2e/run.sh) with the system Chromium.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTION_TIMEOUT_MS, BASE_URL, NAVIGATION_TIMEOUT_MS, launchBrowser, screenshot } from '../support.mjs';

test('sign-in with wrong credentials shows an error without JavaScript', { timeout: 60_000 }, async () => {
  assert.ok(BASE_URL, 'LAUNCHREADY_E2E_BASE_URL must name the running server (e2e/run.sh sets it)');

  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ baseURL: BASE_URL, javaScriptEnabled: false });
    const page = await context.newPage();
    page.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
    page.setDefaultTimeout(ACTION_TIMEOUT_MS);

    await page.goto('/signin');
    await page.getByLabel(/^email/i).fill('nobody@example.com');
    await page.getByLabel(/^password/i).fill('wrong password 123');
    await page.getByRole('button', { name: /^sign in$/i }).click();

    try {
      await page.getByText(/invalid email or password/i).first().waitFor({ state: 'visible' });
    } catch (err) {
      await screenshot(page, 'failure-no-js-signin.png').catch(() => {});
      assert.fail(
        `without JavaScript, a wrong password shows "Invalid email or password": the page is at ${page.url()} ` +
          `(${String(err.message).split('\n')[0]}) [screenshot: failure-no-js-signin.png]`,
      );
    }
    await screenshot(page, 'no-js-signin-error.png');
  } finally {
    await browser.close();
  }
});
