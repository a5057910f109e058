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

export async function screenshot(page, name) {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, name), fullPage: true });
}
