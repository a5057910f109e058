// The path a new founder takes: landing page → sign up ("check your inbox": sign-up answers
// the same for a taken address, so it signs nobody in) → sign in → confirm the emailed link →
// add a product (after one rejected attempt) → see it on the dashboard → sign out.
//
// Runs against a server that is already up (see e2e/run.sh), at LAUNCHREADY_E2E_BASE_URL, and
// drives the system Chromium through playwright-core, so no browser download is ever needed.
// playwright-core has no `expect`, so the small helpers below turn Playwright's waits into
// node:assert failures that say which step broke and why.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTION_TIMEOUT_MS, BASE_URL, NAVIGATION_TIMEOUT_MS, firstLine, launchBrowser, openPage, screenshot, step } from '../support.mjs';

// Mail may be written by a background job, so the outbox is polled for up to this long.
const OUTBOX_WAIT_MS = 20_000;

async function expectVisible(locator, message, timeout = ACTION_TIMEOUT_MS) {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch (err) {
    assert.fail(`${message} (${firstLine(err)})`);
  }
}

/** Fails with `message` unless the page's URL comes to match `pattern` (RegExp or predicate). */
async function expectUrl(page, pattern, message) {
  try {
    await page.waitForURL(pattern, { timeout: NAVIGATION_TIMEOUT_MS });
  } catch (err) {
    assert.fail(`${message}: the page is at ${page.url()} (${firstLine(err)})`);
  }
}

/** Reloads the development outbox until a mail to `address` is listed. */
async function openOutboxFor(page, address) {
  const deadline = Date.now() + OUTBOX_WAIT_MS;
  for (;;) {
    await page.goto('/dev/outbox');
    // Only a mail counts: the signed-in user's address is also shown in the page header.
    if ((await page.locator('article.mail', { hasText: address }).count()) > 0) return;
    if (Date.now() > deadline) assert.fail(`no mail to ${address} appeared in /dev/outbox within ${OUTBOX_WAIT_MS} ms`);
    await page.waitForTimeout(500);
  }
}

test('a founder signs up, confirms the email, adds a product and signs out', { timeout: 180_000 }, async (t) => {
  assert.ok(BASE_URL, 'LAUNCHREADY_E2E_BASE_URL must name the running server (e2e/run.sh sets it)');

  const browser = await launchBrowser();
  const pageErrors = [];
  try {
    const page = await openPage(browser, t, pageErrors);

    const email = `founder-${Date.now()}@example.com`;
    const password = 'correct horse battery staple';

    await step(page, 'landing page', async () => {
      await page.goto('/');
      await expectVisible(page.locator('h1'), 'the landing page shows an h1 heading');
      await screenshot(page, 'landing.png');
    });

    await step(page, 'sign up', async () => {
      await page.getByRole('link', { name: /sign up/i }).first().click();
      await expectUrl(page, /\/signup$/, 'the "Sign up" link leads to /signup');
      await page.getByLabel(/^email/i).fill(email);
      await page.getByLabel(/^password/i).fill(password);
      await page.getByRole('button', { name: /create account/i }).click();
      await expectVisible(page.getByText(/check your inbox/i), 'creating an account asks the founder to check their inbox');
      await screenshot(page, 'signup-sent.png');
    });

    await step(page, 'sign in', async () => {
      await page.getByRole('link', { name: /^sign in$/i }).last().click();
      await expectUrl(page, /\/signin$/, 'the "Sign in" link leads to /signin');
      await page.getByLabel(/^email/i).fill(email);
      await page.getByLabel(/^password/i).fill(password);
      await page.getByRole('button', { name: /^sign in$/i }).click();
      await expectUrl(page, /\/app$/, 'signing in lands on the dashboard at /app');
      await expectVisible(page.getByText(/verify your email/i), 'the dashboard asks the new user to verify their email');
    });

    await step(page, 'empty dashboard', async () => {
      await expectVisible(page.getByText(/no products yet/i), 'a new account sees the "no products yet" empty state');
      await screenshot(page, 'dashboard-empty.png');
    });

    await step(page, 'confirm email from the outbox', async () => {
      await openOutboxFor(page, email);
      await expectVisible(page.getByText(/confirm your email/i), `the mail to ${email} has a "Confirm your email" subject`);
      const link = page.locator('a[href*="/verify?token="]').first();
      await expectVisible(link, 'the confirmation mail body holds a clickable /verify?token= link');
      const verifyUrl = new URL(await link.getAttribute('href'), BASE_URL);
      // The link is built from LAUNCHREADY_BASE_URL; a different origin would mean mail links
      // that point somewhere other than this server.
      assert.equal(verifyUrl.origin, new URL(BASE_URL).origin, 'the confirmation link points at the configured base URL');

      await page.goto(verifyUrl.href);
      // Opening the link only shows a button (mail scanners prefetch links); the click confirms.
      await page.getByRole('button', { name: /confirm my email/i }).click();
      await expectVisible(page.getByText(/email is confirmed/i), 'clicking "Confirm my email" confirms the address');
    });

    await step(page, 'add a product', async () => {
      await page.goto('/app');
      await page.getByRole('link', { name: /add product/i }).first().click();
      await expectUrl(page, /\/app\/products\/new$/, 'the "Add product" link leads to /app/products/new');

      // First an apex domain the server must refuse: audits never target IP addresses.
      await page.getByLabel(/^name/i).fill('Acme Shop');
      await page.getByLabel(/^apex domain/i).fill('127.0.0.1');
      await page.getByRole('button', { name: /save product/i }).click();
      await expectVisible(
        page.locator('.field-error').filter({ hasText: /apex_domain|not an IP address/i }),
        'an IP address as apex domain is refused with a field error',
      );

      // Fill every field again: a server-rendered error page may not keep the earlier values.
      await page.getByLabel(/^name/i).fill('Acme Shop');
      await page.getByLabel(/^apex domain/i).fill('acme-shop.example');
      await page.getByLabel(/^app host/i).fill('app.acme-shop.example');
      await page.getByLabel(/^endpoints/i).fill('/api/login=public,login\n/api/me=authenticated');
      await page.getByRole('button', { name: /save product/i }).click();
      await expectUrl(page, /\/app\/products\/[0-9a-f-]{36}$/, 'saving a valid product opens its page');
      await expectVisible(page.getByRole('heading', { name: 'Acme Shop' }), 'the product page is headed "Acme Shop"');
      await expectVisible(page.getByText(/no audits yet/i), 'a new product shows the "no audits yet" scorecard');
      await screenshot(page, 'product.png');
    });

    await step(page, 'dashboard lists the product', async () => {
      await page.goto('/app');
      await expectVisible(page.getByRole('link', { name: /acme shop/i }), 'the dashboard links to "Acme Shop"');
      await screenshot(page, 'dashboard.png');
    });

    await step(page, 'sign out', async () => {
      await page.getByRole('button', { name: /sign out/i }).first().click();
      await expectUrl(
        page,
        (url) => url.pathname === '/' || url.pathname === '/signin',
        'signing out leads to / or /signin',
      );
      // Without a reload the header already offers to sign in again.
      await expectVisible(page.getByRole('banner').getByRole('link', { name: /^sign in$/i }), 'the header shows "Sign in" after signing out');
      assert.equal(await page.locator('.nav-user').count(), 0, 'the header no longer names the signed-out user');
      await page.goto('/app');
      await expectUrl(page, /\/signin/, 'after signing out, /app redirects to /signin');
    });

    assert.deepEqual(pageErrors, [], 'no uncaught JavaScript error on any page of the flow');
  } finally {
    await browser.close();
  }
});
