// What every browser test shares: where the server is, how to start the system Chromium, and
// where screenshots go. Kept outside tests/ so the test runner does not treat it as a test.

import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const BASE_URL = (process.env.LAUNCHREADY_E2E_BASE_URL ?? '').replace(/\/+$/, '');
export const NAVIGATION_TIMEOUT_MS = 20_000;
export const ACTION_TIMEOUT_MS = 10_000;
const SCREENSHOT_DIR = fileURLToPath(new URL('./screenshots/', import.meta.url));

// The flags this offline machine needs: without the background-networking ones Chromium keeps
// trying to reach Google's hosts.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/**
 * A page in a new browser context (its own cookies) on the server under test, with the suite's
 * timeouts. An uncaught exception in the hydrated app is added to `pageErrors`, which each test
 * checks is empty at its end; console errors are only reported through `t`, since a missing
 * favicon also logs one.
 */
export async function openPage(browser, t, pageErrors) {
  const context = await browser.newContext({ baseURL: BASE_URL });
  const page = await context.newPage();
  page.setDefaultNavigationTimeout(NAVIGATION_TIMEOUT_MS);
  page.setDefaultTimeout(ACTION_TIMEOUT_MS);
  page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${firstLine(err)}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') t.diagnostic(`console error on ${page.url()}: ${msg.text()}`);
  });
  return page;
}

export async function screenshot(page, name) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, name), fullPage: true });
}

/** The first line of an error's message. */
export function firstLine(err) {
  return String(err?.message ?? err).split('\n')[0];
}

/**
 * Runs one named step; on failure, keeps a screenshot of what the browser showed and names the
 * step in the error, so a red run says where it stopped without re-running it.
 */
export async function step(page, name, body) {
  try {
    await body();
  } catch (err) {
    const file = `failure-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`;
    await screenshot(page, file).catch(() => {});
    if (err instanceof Error) err.message = `step "${name}": ${err.message} [screenshot: ${file}]`;
    throw err;
  }
}

/** Signs a new account up with the test password and waits for the dashboard. */
export async function signUp(page, email) {
  await page.goto('/signup');
  await page.getByLabel(/^email/i).fill(email);
  await page.getByLabel(/^password/i).fill('correct horse battery staple');
  await page.getByRole('button', { name: /create account/i }).click();
  // Sign-up answers "check your inbox" (the same for a taken address); the password signs in.
  await page.getByText(/check your inbox/i).waitFor();
  await page.goto('/signin');
  await page.getByLabel(/^email/i).fill(email);
  await page.getByLabel(/^password/i).fill('correct horse battery staple');
  await page.getByRole('button', { name: /^sign in$/i }).click();
  await page.waitForURL(/\/app$/);
}

/** Follows the confirmation link of the newest mail to `email` in the development outbox. */
export async function confirmEmail(page, email, waitMs = 20_000) {
  await reloadUntil(page, '/dev/outbox', (p) => p.locator('article.mail', { hasText: email }), `no mail to ${email} in /dev/outbox`, waitMs);
  const link = page.locator('article.mail', { hasText: email }).locator('a[href*="/verify?token="]').first();
  await page.goto(new URL(await link.getAttribute('href'), BASE_URL).href);
  await page.getByRole('button', { name: /confirm my email/i }).click();
  await page.getByText(/email is confirmed/i).waitFor();
}

/** Loads `path` again and again until `locator(page)` matches, or fails with `message`. */
export async function reloadUntil(page, path, locator, message, waitMs = 40_000) {
  const deadline = Date.now() + waitMs;
  for (;;) {
    await page.goto(path);
    if ((await locator(page).count()) > 0) return;
    if (Date.now() > deadline) throw new Error(message);
    await page.waitForTimeout(700);
  }
}
