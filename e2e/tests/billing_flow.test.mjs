// Flow 5 (upgrade) in the browser, against the local fake Stripe that e2e/run.sh starts: the
// billing page on Free, "Choose Pro" to the hosted Checkout, Pay, back to the billing page on
// Pro with the new limits; then the operator (ops@e2e.test, once their email is confirmed)
// publishes a sprint slot in the admin area.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, confirmEmail, launchBrowser, openPage, screenshot, signUp, step } from '../support.mjs';

const WAIT_MS = 20_000;

test('upgrade through Checkout, and the operator publishes a sprint slot', { timeout: 240_000 }, async (t) => {
  assert.ok(BASE_URL, 'LAUNCHREADY_E2E_BASE_URL must name the running server (e2e/run.sh sets it)');
  const browser = await launchBrowser();
  const pageErrors = [];
  try {
    const page = await openPage(browser, t, pageErrors);

    await step(page, 'billing page on Free', async () => {
      const email = `billing-${Date.now()}@example.com`;
      await signUp(page, email);
      // No reload: the header follows the new session on its own.
      await page.locator('.nav-user', { hasText: email }).waitFor();
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

    const admin = await openPage(browser, t, pageErrors);

    await step(admin, 'operator publishes a slot', async () => {
      await signUp(admin, 'ops@e2e.test');
      await confirmEmail(admin, 'ops@e2e.test');
      // A confirmed operator email makes the Admin link appear, again without a reload.
      await admin.getByRole('link', { name: /go to your dashboard/i }).click();
      await admin.getByRole('link', { name: /^admin$/i }).click();
      await admin.waitForURL(/\/admin\/sprints$/);
      // Other test files publish slots too, so the list is not assumed empty.
      await admin.getByRole('heading', { name: /upcoming slots/i }).waitFor();
      const starts = new Date(Date.now() + 21 * 24 * 3600 * 1000).toISOString().slice(0, 10);
      await admin.getByLabel(/^starts on/i).fill(starts);
      await admin.getByLabel(/^title/i).fill('Winter sprint (2 weeks)');
      await admin.getByLabel(/^seats/i).fill('2');
      await admin.getByLabel(/^price/i).fill('4500');
      await admin.getByLabel(/^deposit/i).fill('500');
      await admin.getByRole('button', { name: /publish slot/i }).click();
      await admin.getByRole('cell', { name: 'Winter sprint (2 weeks)' }).waitFor({ timeout: WAIT_MS });
      await admin.getByText('0 booked of 2').waitFor();
      assert.equal(await admin.getByLabel(/^title/i).inputValue(), '', 'the form is cleared for the next slot');
      assert.equal(await admin.getByLabel(/^seats/i).inputValue(), '3', 'and back to its default seats');
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
