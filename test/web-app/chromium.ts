/**
 * Headless Chromium for the browser tests and `npm run bench:viewer`: Debian's `chromium` package
 * (.ci/run installs it), driven by playwright-core (which downloads no browser of its own).
 *
 * Missing browser: with CI set this is an error (CI must run the browser tests); without it the
 * tests skip with the reason, so a developer without chromium can still run `npm test`.
 */
import { existsSync } from 'node:fs';

import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.GQN_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Root in a container needs --no-sandbox; the rest keeps Chromium from reaching the network or
 * updating itself. There is no GPU here: --disable-gpu turns off hardware GL, and ANGLE's
 * SwiftShader (software Vulkan) then runs WebGL; Chromium only allows that with
 * --enable-unsafe-swiftshader. WebGPU finds no adapter this way.
 */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];

/** Why the browser tests cannot run here, or null when they can. Throws in CI. */
export function chromiumMissing(): string | null {
  if (existsSync(CHROMIUM)) return null;
  const reason = `no Chromium at ${CHROMIUM} (apt-get install chromium, as .ci/run does, or set GQN_CHROMIUM)`;
  if (process.env.CI) throw new Error(`browser tests: ${reason}`);
  return reason;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}
