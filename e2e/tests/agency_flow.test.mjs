// Flow 6 (agency) in the browser: an agency owner buys the Agency plan through Checkout,
// creates two client workspaces with a product each, invites a client user to one of them
// (the mail from the outbox), the client signs up from the link and sees only that workspace,
// with no control that changes anything; the owner reads the team page and the activity log.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, confirmEmail, launchBrowser, openPage, reloadUntil, screenshot, signUp, step } from '../support.mjs';

const WAIT_MS = 20_000;

async function addProduct(page, name, apex) {
  await page.getByRole('link', { name: /add (your first )?product/i }).first().click();
  await page.getByLabel(/^name/i).fill(name);
  await page.getByLabel(/^apex domain/i).fill(apex);
  await page.getByRole('button', { name: /save product/i }).click();
  await page.waitForURL(/\/app\/w\/[a-z0-9-]+\/products\/[0-9a-f-]{36}$/);
}

test('client workspaces, a client user who only reads, the team and the activity log', { timeout: 300_000 }, async (t) => {
  assert.ok(BASE_URL, 'LAUNCHREADY_E2E_BASE_URL must name the running server (e2e/run.sh sets it)');
  const browser = await launchBrowser();
  const pageErrors = [];
  const stamp = Date.now();
  const ownerEmail = `agency-${stamp}@example.com`;
  const clientEmail = `client-${stamp}@customer.example`;
  try {
    const owner = await openPage(browser, t, pageErrors);

    await step(owner, 'the agency buys the Agency plan', async () => {
      await signUp(owner, ownerEmail);
      await confirmEmail(owner, ownerEmail);
      await owner.goto('/app/billing');
      await owner.getByRole('button', { name: /choose agency/i }).click();
      await owner.waitForURL(/\/pay\/cs_/);
      await owner.getByRole('button', { name: /^pay$/i }).click();
      await owner.waitForURL(/\/app\/billing\?checkout=success/);
      await owner.getByRole('heading', { name: /current plan: agency/i }).waitFor({ timeout: WAIT_MS });
    });

    const workspaceUrls = [];
    await step(owner, 'two client workspaces with a product each', async () => {
      for (const [name, apex] of [['Acme Inc.', 'acme.test'], ['Globex', 'globex.test']]) {
        await owner.goto('/app/workspaces');
        await owner.getByLabel(/^name/i).fill(name);
        await owner.getByRole('button', { name: /create workspace/i }).click();
        await owner.getByRole('link', { name: /open it/i }).click();
        await owner.waitForURL(/\/app\/w\/[a-z0-9-]+$/);
        workspaceUrls.push(new URL(owner.url()).pathname);
        // The switcher names the workspace the page acts in.
        await owner.locator('.switcher-name', { hasText: name }).waitFor();
        await addProduct(owner, `${name} shop`, apex);
      }
      await owner.goto(workspaceUrls[0]);
      await owner.getByRole('heading', { name: 'Acme Inc. shop' }).waitFor();
      assert.equal(await owner.getByText('Globex shop').count(), 0, 'one workspace does not show the other\'s products');
      await owner.locator('.switcher summary').click();
      await screenshot(owner, 'agency-switcher.png');
    });

    await step(owner, 'invite a client to Acme', async () => {
      await owner.goto('/app/team');
      await owner.getByLabel(/^email address/i).fill(clientEmail);
      await owner.getByLabel(/^role/i).selectOption('client');
      await owner.getByLabel('Acme Inc.').check();
      await owner.getByRole('button', { name: /send invitation/i }).click();
      await owner.getByText(`Invitation sent to ${clientEmail}`).waitFor();
      await owner.getByRole('rowheader', { name: clientEmail }).waitFor();
      await screenshot(owner, 'agency-team.png');
    });

    const client = await openPage(browser, t, pageErrors);
    await step(client, 'the client signs up from the mailed link', async () => {
      await reloadUntil(client, '/dev/outbox', (p) => p.locator('article.mail', { hasText: clientEmail }), `no invitation to ${clientEmail}`, WAIT_MS);
      const link = client.locator('article.mail', { hasText: clientEmail }).locator('a[href*="/invite?token="]').first();
      await client.goto(new URL(await link.getAttribute('href'), BASE_URL).href);
      await client.getByRole('heading', { name: /join/i }).waitFor();
      await client.getByLabel(/^password/i).fill('correct horse battery staple');
      await client.getByRole('button', { name: /create account and accept/i }).click();
      await client.waitForURL(/\/app\/w\/[a-z0-9-]+$/);
    });

    await step(client, 'the client sees Acme only, read-only', async () => {
      assert.equal(new URL(client.url()).pathname, workspaceUrls[0], 'the client lands in the workspace they were given');
      await client.getByRole('heading', { name: 'Acme Inc. shop' }).waitFor();
      await client.getByText('Read-only').first().waitFor();
      assert.equal(await client.getByRole('link', { name: /add product/i }).count(), 0, 'no add-product control');
      assert.equal(await client.getByRole('link', { name: /^alerts$/i }).count(), 0, 'no alert settings');
      await client.getByRole('link', { name: 'Acme Inc. shop' }).click();
      await client.waitForURL(/\/products\/[0-9a-f-]{36}$/);
      await client.getByRole('heading', { name: 'Acme Inc. shop' }).waitFor();
      for (const control of [/^run audit$/i, /^edit$/i, /add monitor/i, /save settings/i]) {
        assert.equal(await client.getByRole('button', { name: control }).count() + await client.getByRole('link', { name: control }).count(), 0, `no ${control} control`);
      }
      await screenshot(client, 'agency-client-view.png');
      // The other workspace does not exist for the client.
      const other = await client.goto(workspaceUrls[1]);
      assert.equal(other.status(), 404, 'Globex is not the client\'s');
    });

    await step(owner, 'white-label branding', async () => {
      await owner.goto('/app/branding');
      await owner.getByRole('textbox', { name: 'Name', exact: true }).fill('Northwind Digital');
      await owner.getByLabel(/^accent colour/i).fill('#0b5394');
      await owner.getByLabel(/^footer text/i).fill('Prepared for you by Northwind Digital');
      await owner.getByRole('button', { name: /save branding/i }).click();
      await owner.getByText(/^saved\.$/i).waitFor();
    });

    let shareUrl = '';
    await step(owner, 'share a white-labelled scorecard', async () => {
      await owner.goto(workspaceUrls[0]);
      await owner.getByRole('link', { name: 'Acme Inc. shop' }).click();
      const productPath = new URL(owner.url()).pathname;
      await owner.getByRole('button', { name: /^run audit$/i }).click();
      // Nothing resolves on this machine's test DNS: the audit ends quickly, not scored, and
      // says why; that is still a scorecard to share.
      await reloadUntil(owner, productPath, (p) => p.getByRole('link', { name: /view scorecard/i }), 'the audit never finished', 120_000);
      await owner.getByRole('link', { name: /view scorecard/i }).click();
      await owner.waitForURL(/\/audits\/[0-9a-f-]{36}$/);
      await owner.getByRole('heading', { name: /share this scorecard/i }).waitFor();
      await owner.getByLabel(/^label/i).fill('For the Acme board');
      await owner.getByRole('button', { name: /make a share link/i }).click();
      const field = owner.getByRole('textbox', { name: /share link/i });
      await field.waitFor();
      shareUrl = await field.inputValue();
      assert.match(shareUrl, /\/s\/[0-9a-f]{64}$/);
    });

    const visitor = await openPage(browser, t, pageErrors);
    await step(visitor, 'a signed-out browser opens the link', async () => {
      await visitor.goto(shareUrl);
      await visitor.getByRole('heading', { name: /launch readiness of acme inc\. shop/i }).waitFor();
      await visitor.getByText('Northwind Digital').first().waitFor();
      await visitor.getByText('Prepared for you by Northwind Digital').waitFor();
      const text = await visitor.locator('body').innerText();
      assert.ok(!/launchready/i.test(text), 'no launchready branding on a white-label page');
      assert.ok(!text.includes(ownerEmail), 'no addresses');
      await screenshot(visitor, 'agency-share.png');
    });

    await step(owner, 'the owner revokes the link', async () => {
      await owner.goto(`${workspaceUrls[0]}/shares`);
      await owner.getByRole('rowheader', { name: /for the acme board/i }).waitFor();
      await owner.getByRole('button', { name: /^revoke$/i }).first().click();
      await owner.getByText('Revoked').first().waitFor();
      const gone = await visitor.goto(shareUrl);
      assert.equal(gone.status(), 404, 'a revoked link is gone');
      await visitor.getByRole('heading', { name: /not available/i }).waitFor();
    });

    await step(owner, 'the portfolio', async () => {
      await owner.goto('/app/portfolio');
      await owner.getByRole('link', { name: 'Acme Inc. shop' }).waitFor();
      await owner.getByRole('link', { name: 'Globex shop' }).waitFor();
      await screenshot(owner, 'agency-portfolio.png');
    });

    await step(owner, 'the monthly report of Acme, and a preview of it', async () => {
      await owner.goto('/app/workspaces');
      const acme = () => owner.locator('tr', { hasText: 'Acme Inc.' });
      await acme().getByRole('button', { name: /turn on the monthly report of acme inc\./i }).click();
      await acme().getByText('On: mailed on the 1st').waitFor();
      await acme().getByRole('button', { name: /email me a preview/i }).click();
      await acme().getByText(/preview of the month so far on its way to/i).waitFor();
      await screenshot(owner, 'agency-monthly-report.png');
      const preview = (p) => p.locator('article.mail', { hasText: '[Preview] Acme Inc.' });
      await reloadUntil(owner, '/dev/outbox', preview, 'no report preview in the outbox', WAIT_MS);
      const text = await preview(owner).first().innerText();
      assert.match(text, /Acme Inc\. shop \(acme\.test\)/, 'the report names the product');
      assert.match(text, /Uptime: (not measured|[0-9.]+% over)/, 'uptime measured, or said not to be');
      assert.ok(!/launchready/i.test(text), 'the agency is white-labelled: no launchready in the mail');
    });

    await step(owner, 'the activity log', async () => {
      await owner.goto('/app/activity');
      await owner.getByRole('cell', { name: new RegExp(`invited ${clientEmail.replace(/[.]/g, '\\.')}`, 'i') }).waitFor();
      await owner.getByText(/joined/i).first().waitFor();
      await owner.getByText(/created a workspace/i).first().waitFor();
      await owner.getByText(/changed the monthly report/i).first().waitFor();
      await screenshot(owner, 'agency-activity.png');
    });

    assert.deepEqual(pageErrors, [], 'no uncaught errors in the app');
  } finally {
    await browser.close();
  }
});
