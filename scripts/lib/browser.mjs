// Debian's Chromium driven by playwright-core, with the flags this closed network needs.
import { chromium } from 'playwright-core';
import { chromiumPath } from './host.mjs';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchBrowser() {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: chromiumArgs });
}
