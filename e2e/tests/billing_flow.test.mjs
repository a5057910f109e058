// Flow 5 (upgrade) in the browser, against the local fake Stripe that e2e/run.sh starts: the
// billing page on Free, "Choose Pro" to the hosted Checkout, Pay, back to the billing page on
// Pro with the new limits; then the operator (ops@e2e.test, once their email is confirmed)
// publishes a sprint slot in the admin area.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTION_TIMEOUT_MS, BASE_URL, NAVIGATION_TIMEOUT_MS, firstLine, launchBrowser, screenshot, step } from '../support.mjs';

const WAIT_MS = 20_000;

async function signUp(page, email) {
  await page.goto('/signup');
  await page.getByLabel(/^email/i).fill(email);
  await page.getByLabel(/^password/i).fill('correct horse battery staple');
  await page.getByRole('button', { name: /create account/i }).click();
  await page.waitForURL(/\/app$/);
}

async function confirmEmail(page, email) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    await page.goto('/dev/outbox');
    if ((await page.locator('article.mail', { hasText: email }).count()) > 0) break;
    if (Date.now() > deadline) assert.fail(`no mail to ${email} in /dev/outbox`);
    await page.waitForTimeout(500);
  }
  const link = page.locator('article.mail', { hasText: email }).locator('a[href*="/verify?token="]').first();
  await page.goto(new URL(await link.getAttribute('href'), BASE_URL).href);
  await page.getByRole('button', { name: /confirm my email/i }).click();
  await page.getByText(/email is confirmed/i).waitFor();
}

test('upgrade through Checkout, and the operator publishes a sprint slot', { timeout: 240_000 }, async (t) => {
  assert.ok(BASE_URL, 'LAUNCHREADY_E2E_BASE_URL must name the running server (e2e/run.sh sets it)');
  const browser = await launchBrowser();
  const pageErrors = [];
  try {
    const context = await browser.newContext({ baseURL: BASE_URL });
    const page = await context.newPage();
    page.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
    page.setDefaultTimeout(ACTION_TIMEOUT_MS);
    page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${firstLine(err)}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') t.diagnostic(`console error on ${page.url()}: ${msg.text()}`);
    });

    await step(page, 'billing page on Free', async () => {
      await signUp(page, `billing-${Date.now()}@example.com`);
      // A full load: the header (with its Billing link) is rendered for the signed-in user.
      await page.goto('/app');
      await page.getByRole('link', { name: /^billing$/i }).click();
      await page.waitForURL(/\/app\/billing$/);
      await page.getByRole('heading', { name: /current plan: free/i }).waitFor();
      await page.getByRole('button', { name: /choose pro/i }).waitFor();
      await screenshot(page, 'billing-free.png');
    });

    await step(page, 'Stripe Checkout', async () => {
      await page.getByRole('button', { name: /choose pro/i }).click();
      await page.waitForURL(/\/pay\/cs_/);
      await page.getByText(/price_pro_e2e/).waitFor();
      await screenshot(page, 'stripe-checkout.png');
      await page.getByRole('button', { name: /^pay$/i }).click();
    });

    await step(page, 'back on Pro', async () => {
      await page.waitForURL(/\/app\/billing\?checkout=success/);
      await page.getByRole('heading', { name: /current plan: pro/i }).waitFor({ timeout: WAIT_MS });
      await page.getByText(/subscription: active/i).waitFor();
      await page.getByRole('button', { name: /manage billing and invoices/i }).waitFor();
      await screenshot(page, 'billing-pro.png');
    });

    await step(page, 'Customer Portal', async () => {
      await page.getByRole('button', { name: /manage billing and invoices/i }).click();
      await page.waitForURL(/\/portal\/bps_/);
      await page.getByText(/price_pro_e2e/).waitFor();
      await page.getByRole('link', { name: /return to launchready/i }).click();
      await page.waitForURL(/\/app\/billing$/);
    });

    const ops = await context.browser().newContext({ baseURL: BASE_URL });
    const admin = await ops.newPage();
    admin.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
    admin.setDefaultTimeout(ACTION_TIMEOUT_MS);
    admin.on('pageerror', (err) => pageErrors.push(`${admin.url()}: ${firstLine(err)}`));

    await step(admin, 'operator publishes a slot', async () => {
      await signUp(admin, 'ops@e2e.test');
      await confirmEmail(admin, 'ops@e2e.test');
      await admin.goto('/app');
      await admin.getByRole('link', { name: /^admin$/i }).click();
      await admin.waitForURL(/\/admin\/sprints$/);
      await admin.getByText(/no upcoming slot/i).waitFor();
      const starts = new Date(Date.now() + 21 * 24 * 3600 * 1000).toISOString().slice(0, 10);
      await admin.getByLabel(/^starts on/i).fill(starts);
      await admin.getByLabel(/^title/i).fill('January sprint (2 weeks)');
      await admin.getByLabel(/^seats/i).fill('2');
      await admin.getByLabel(/^price/i).fill('4500');
      await admin.getByLabel(/^deposit/i).fill('500');
      await admin.getByRole('button', { name: /publish slot/i }).click();
      await admin.getByRole('cell', { name: 'January sprint (2 weeks)' }).waitFor({ timeout: WAIT_MS });
      await admin.getByText('0 booked of 2').waitFor();
      await screenshot(admin, 'admin-sprints.png');
    });

    await step(page, 'a founder is not an operator', async () => {
      const response = await page.goto('/admin/sprints');
      assert.equal(response.status(), 404);
    });

    assert.deepEqual(pageErrors, [], 'no uncaught error on any page');
  } finally {
    await browser.close();
  }
});
