// Flows 1 (audit) and 3 (monitoring) in the browser: a founder runs an audit and sees its
// progress reach a verdict, adds an email alert channel and a monitor of a service this test
// runs on loopback, stops the service, sees the incident and the DOWN mail (recovery is covered by
// server/tests/api/monitoring.rs), then reads the dashboard and the public status page.
//
// The server (e2e/run.sh) resolves names through a loopback port where nothing answers, so the
// audit of `shop.test` ends with the reason it could not run; the scorecard itself is covered
// by the server's integration tests against the fixture internet.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { BASE_URL, confirmEmail, launchBrowser, openPage, reloadUntil, screenshot, signUp, step } from '../support.mjs';

const WAIT_MS = 40_000;

function startService() {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      res.writeHead(req.url === '/health' ? 200 : 404, { 'content-type': 'text/plain', connection: 'close' });
      res.end('all good');
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

test('audit progress, an outage alert, the dashboard and the status page', { timeout: 400_000 }, async (t) => {
  assert.ok(BASE_URL, 'LAUNCHREADY_E2E_BASE_URL must name the running server (e2e/run.sh sets it)');
  const service = await startService();
  const port = service.address().port;
  const browser = await launchBrowser();
  const pageErrors = [];
  try {
    const page = await openPage(browser, t, pageErrors);
    const email = `monitor-${Date.now()}@example.com`;
    let productPath = '';

    await step(page, 'sign up and add a product', async () => {
      await signUp(page, email);
      // Email alerts go out only from a confirmed account.
      await confirmEmail(page, email);
      await page.goto('/app/products/new');
      await page.getByLabel(/^name/i).fill('Shop');
      await page.getByLabel(/^apex domain/i).fill('shop.test');
      await page.getByRole('button', { name: /save product/i }).click();
      await page.waitForURL(/\/app\/products\/[0-9a-f-]{36}$/);
      productPath = new URL(page.url()).pathname;
    });

    await step(page, 'run an audit', async () => {
      await page.getByRole('button', { name: /^run audit$/i }).click();
      // Live progress: the count of finished checks, updated while the audit runs.
      await page.getByText(/running: \d+ of \d+ checks|queued/i).first().waitFor({ state: 'visible', timeout: WAIT_MS });
      await screenshot(page, 'product-audit-running.png');
    });

    await step(page, 'add an email alert channel', async () => {
      await page.goto('/app/alerts');
      await page.getByLabel(/^kind/i).selectOption('email');
      await page.getByLabel(/^name/i).fill('On-call');
      await page.getByLabel(/^destination/i).fill('oncall@example.com');
      await page.getByRole('button', { name: /add channel/i }).click();
      await page.locator('td, li', { hasText: 'oncall@example.com' }).first().waitFor({ state: 'visible' });
      await screenshot(page, 'alerts.png');
    });

    await step(page, 'add a monitor of the local service', async () => {
      await page.goto(productPath);
      await page.locator('details.add-monitor > summary').click();
      const form = page.locator('details.add-monitor form');
      await form.getByLabel(/^kind/i).selectOption('http');
      await form.getByLabel(/^name/i).fill('Health');
      await form.getByLabel(/^target/i).fill(`http://127.0.0.1:${port}/health`);
      await form.getByLabel(/^interval/i).fill('1');
      await form.getByRole('button', { name: /^add monitor$/i }).click();
      // The state pill of the row headed "Health" (a row's text runs its cells together).
      const healthState = (p) => p.locator('tbody.monitor tr', { has: p.locator('th', { hasText: /^Health$/ }) }).locator('.status-pill');
      await reloadUntil(page, productPath, (p) => healthState(p).filter({ hasText: /^Up$/ }), 'the Health monitor never showed "Up"');
      await screenshot(page, 'product-monitor-up.png');
    });

    await step(page, 'the service goes down: incident and alert', async () => {
      await new Promise((resolve) => service.close(resolve));
      await reloadUntil(page, productPath, (p) => p.locator('table.incident-table tr', { hasText: 'Health' }).filter({ hasText: /Ongoing/ }), 'no ongoing incident of Health appeared');
      await screenshot(page, 'product-incident.png');
      await reloadUntil(page, '/dev/outbox', (p) => p.locator('article.mail', { hasText: /DOWN/ }).filter({ hasText: 'Health' }), 'no DOWN alert mail reached the outbox');
    });

    await step(page, 'the dashboard', async () => {
      await page.goto('/app');
      await page.getByRole('link', { name: 'Shop' }).first().waitFor({ state: 'visible' });
      assert.ok((await page.locator('svg').count()) > 0, 'the dashboard draws its charts as inline SVG');
      await screenshot(page, 'dashboard-with-incident.png');
    });

    await step(page, 'the public status page', async () => {
      await page.goto(productPath);
      await page.getByLabel(/public status page/i).check();
      await page.getByRole('button', { name: /save settings/i }).click();
      const statusPath = productPath.replace(/^\/app\/products\//, '/status/');
      await reloadUntil(page, statusPath, (p) => p.getByText('Health'), 'the status page does not list the Health monitor');
      assert.equal(await page.getByText(`127.0.0.1:${port}`).count(), 0, 'the status page never shows a monitor target');
      await screenshot(page, 'status-page.png');
    });

    await step(page, 'the audit reaches a verdict and its scorecard', async () => {
      // Nothing answers DNS here, so no check of shop.test can run: the audit still ends with a
      // scorecard that says so, within the audit deadline, and it is an honest Hold: no score,
      // no grade, and one cause instead of 52 errors.
      await reloadUntil(page, productPath, (p) => p.getByRole('link', { name: /view scorecard/i }), 'the audit never finished', 150_000);
      await page.getByRole('link', { name: /view scorecard/i }).first().click();
      await page.waitForURL(/\/audits\/[0-9a-f-]{36}$/);
      const verdict = page.locator('section.verdict');
      await verdict.getByText(/^hold$/i).first().waitFor();
      await verdict.getByText(/not scored/i).first().waitFor();
      await verdict.getByText(/could not verify/i).first().waitFor();
      await page.getByRole('heading', { name: /^could not be checked/i }).waitFor();
      await page.getByText(/DNS resolver .* did not answer/).first().waitFor({ state: 'visible' });
      assert.equal(await page.locator('.causes article.cause').count(), 1, 'one cause, one entry');
      await screenshot(page, 'scorecard.png');
    });

    assert.deepEqual(pageErrors, [], 'no uncaught exception in the hydrated app');
  } finally {
    await browser.close();
    service.close();
  }
});
