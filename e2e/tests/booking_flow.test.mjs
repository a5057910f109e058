// Flow 6 (book a sprint) in the browser: a founder audits a product that is not ready (a site
// this test serves on loopback, see ../defective_site.mjs), its scorecard says Hold and offers a
// Launch Ready sprint; the founder picks the slot the operator published, shares the snapshot,
// pays the deposit in the local fake Stripe's Checkout, and sees the booking requested; the
// operator (sprint-desk@e2e.test) sees the snapshot, but not the founder's product, and
// confirms; the founder sees it confirmed and both are mailed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDefectiveSite } from '../defective_site.mjs';
import { BASE_URL, confirmEmail, launchBrowser, openPage, reloadUntil, screenshot, signUp, step } from '../support.mjs';

const APEX = 'holdco.test';
const OPERATOR = 'sprint-desk@e2e.test';
const SLOT_TITLE = 'Launch fix sprint (e2e)';
// An audit's deadline is 90 s; a Hold scorecard of this site usually takes well under that.
const AUDIT_WAIT_MS = 150_000;
const WAIT_MS = 30_000;

test('book a sprint from a Hold scorecard, pay the deposit, the operator confirms', { timeout: 420_000 }, async (t) => {
  assert.ok(BASE_URL, 'LAUNCHREADY_E2E_BASE_URL must name the running server (e2e/run.sh sets it)');
  let site;
  let browser;
  const pageErrors = [];
  try {
    site = await startDefectiveSite(APEX);
    browser = await launchBrowser();
    const founder = await openPage(browser, t, pageErrors);
    const ops = await openPage(browser, t, pageErrors);
    const founderEmail = `holdco-${Date.now()}@example.com`;
    let productPath = '';
    let scorecardPath = '';
    let bookingId = '';

    await step(founder, 'sign up, add the product and run an audit', async () => {
      await signUp(founder, founderEmail);
      // Booking needs a confirmed address (the booking mail goes there).
      await confirmEmail(founder, founderEmail);
      await founder.goto('/app/products/new');
      await founder.getByLabel(/^name/i).fill('HoldCo');
      await founder.getByLabel(/^apex domain/i).fill(APEX);
      await founder.getByRole('button', { name: /save product/i }).click();
      await founder.waitForURL(/\/app\/products\/[0-9a-f-]{36}$/);
      productPath = new URL(founder.url()).pathname;
      await founder.getByRole('button', { name: /^run audit$/i }).click();
      // No wait for the progress line: on loopback the audit can finish before it shows.
    });

    await step(ops, 'the operator publishes a slot with a deposit', async () => {
      await signUp(ops, OPERATOR);
      await confirmEmail(ops, OPERATOR);
      await ops.goto('/admin/sprints');
      const starts = new Date(Date.now() + 35 * 24 * 3600 * 1000).toISOString().slice(0, 10);
      await ops.getByLabel(/^starts on/i).fill(starts);
      await ops.getByLabel(/^title/i).fill(SLOT_TITLE);
      await ops.getByLabel(/^seats/i).fill('1');
      await ops.getByLabel(/^price/i).fill('3900');
      await ops.getByLabel(/^deposit/i).fill('390');
      await ops.getByRole('button', { name: /publish slot/i }).click();
      await ops.getByRole('cell', { name: SLOT_TITLE }).waitFor({ timeout: WAIT_MS });
    });

    await step(founder, 'the scorecard says Hold and offers a sprint', async () => {
      await reloadUntil(founder, productPath, (p) => p.getByRole('link', { name: /view scorecard/i }), 'the audit never finished', AUDIT_WAIT_MS);
      await founder.getByRole('link', { name: /view scorecard/i }).first().click();
      await founder.waitForURL(/\/audits\/[0-9a-f-]{36}$/);
      scorecardPath = new URL(founder.url()).pathname;
      const verdict = founder.locator('section.verdict');
      await verdict.getByText(/^hold$/i).first().waitFor();
      // The critical failure that holds the launch: nothing answers on port 443.
      await founder.getByText('http.https.available').first().waitFor();
      await founder.getByRole('link', { name: /book a launch ready sprint/i }).waitFor();
      await screenshot(founder, 'scorecard-hold.png');
    });

    await step(founder, 'book the slot with the snapshot shared', async () => {
      await founder.getByRole('link', { name: /book a launch ready sprint/i }).click();
      await founder.waitForURL(/\/audits\/[0-9a-f-]{36}\/book$/);
      await founder.getByRole('heading', { name: /book a launch ready sprint/i }).waitFor();
      await founder.getByLabel(new RegExp(SLOT_TITLE.replace(/[()]/g, '\\$&'))).check();
      assert.ok(await founder.getByLabel(/share a snapshot of this scorecard/i).isChecked(), 'sharing the snapshot is the default');
      await founder.getByLabel(/^your name/i).fill('Hana Holdco');
      assert.equal(await founder.getByLabel(/^email for the sprint/i).inputValue(), founderEmail, 'the contact email starts as the account email');
      await founder.getByLabel(/^notes/i).fill('We launch on March 1st; HTTPS is the blocker.');
      await screenshot(founder, 'book-sprint.png');
      await founder.getByRole('button', { name: /book this sprint/i }).click();
    });

    await step(founder, 'pay the deposit in Checkout', async () => {
      await founder.waitForURL(/\/pay\/cs_/, { timeout: WAIT_MS });
      await founder.getByText(/EUR 390\.00/).first().waitFor();
      await screenshot(founder, 'deposit-checkout.png');
      await founder.getByRole('button', { name: /^pay$/i }).click();
      await founder.waitForURL(/\/app\/sprints\/[0-9a-f-]{36}\?deposit=paid$/, { timeout: WAIT_MS });
      bookingId = new URL(founder.url()).pathname.split('/').pop();
      // The webhook moves the booking on; the page shows it once it has arrived.
      await reloadUntil(founder, `/app/sprints/${bookingId}`, (p) => p.getByText(/requested — waiting for confirmation/i), 'the deposit never showed as paid', WAIT_MS);
      await founder.getByText(/EUR 390\.00, paid/).waitFor();
      await screenshot(founder, 'booking-requested.png');
    });

    await step(ops, 'the operator sees the snapshot, not the product', async () => {
      await reloadUntil(ops, '/dev/outbox', (p) => p.locator('article.mail', { hasText: OPERATOR }).filter({ hasText: /new sprint booking: holdco/i }), 'the operator was not mailed');
      await ops.goto('/admin/sprints');
      await ops.getByText('1 booked of 1').waitFor();
      await ops.getByRole('link', { name: 'HoldCo' }).click();
      await ops.waitForURL(new RegExp(`/admin/bookings/${bookingId}$`));
      await ops.getByRole('heading', { name: /^scorecard snapshot/i }).waitFor();
      await ops.getByText('We launch on March 1st; HTTPS is the blocker.').waitFor();
      await ops.getByText('http.https.available').first().waitFor();
      await screenshot(ops, 'admin-booking.png');
      for (const path of [productPath, scorecardPath]) {
        const response = await ops.goto(path);
        assert.equal(response.status(), 404, `the operator gets 404 on the founder's ${path}`);
      }
    });

    await step(ops, 'the operator confirms', async () => {
      await ops.goto(`/admin/bookings/${bookingId}`);
      await ops.getByRole('button', { name: /^confirm$/i }).click();
      await ops.locator('.status-pill', { hasText: /^confirmed$/i }).waitFor({ timeout: WAIT_MS });
    });

    await step(founder, 'the founder sees it confirmed and is mailed', async () => {
      await founder.goto('/app/sprints');
      await founder.getByRole('link', { name: 'HoldCo' }).waitFor();
      await founder.locator('.status-pill', { hasText: /^confirmed$/i }).waitFor();
      await reloadUntil(founder, '/dev/outbox', (p) => p.locator('article.mail', { hasText: founderEmail }).filter({ hasText: /sprint is confirmed/i }), 'the founder was not mailed the confirmation');
      await founder.goto(`/app/sprints/${bookingId}`);
      await founder.locator('.status-pill', { hasText: /^confirmed$/i }).waitFor();
      await screenshot(founder, 'booking-confirmed.png');
    });

    assert.deepEqual(pageErrors, [], 'no uncaught error on any page');
  } finally {
    // The site must stop even if the browser does not close cleanly: an open socket would keep
    // this file's process, and so the whole run, from ending.
    try {
      await browser?.close();
    } finally {
      await site?.close();
    }
  }
});
