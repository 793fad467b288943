// Times the browser's strength meter: opens an activation link in headless Chromium, types a
// password one key at a time and reads how long the web worker took to score each keystroke
// (the meter's data-score-ms), plus the page's WASM + JS transfer sizes.
//   node bench/keystroke.mjs http://127.0.0.1:3900/activate/TOKEN
import { chromium } from 'playwright-core';

const link = process.argv[2];
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const page = await browser.newPage();
const transferred = {};
page.on('response', async (response) => {
  const path = new URL(response.url()).pathname;
  if (/\.(wasm|js)$/.test(path)) {
    const body = await response.body().catch(() => Buffer.alloc(0));
    transferred[path] = { encoding: response.headers()['content-encoding'] ?? 'identity', bytes: body.length };
  }
});
await page.goto(link);
await page.waitForSelector('body[data-hydrated]');
const typed = 'violet canyon drifts over seven lanterns, 1987!';
const input = page.locator('#new-password');
const meter = page.locator('[role=meter]');
const times = [];
for (let i = 0; i < typed.length; i++) {
  await input.press(typed[i] === ' ' ? 'Space' : typed[i]);
  await page.waitForFunction(
    (n) => document.querySelector('#new-password').value.length === n && document.querySelector('[role=meter]').dataset.scoreMs !== undefined,
    i + 1,
  );
  // The answer for this exact prefix: wait until the meter has seen it.
  await page.waitForTimeout(30);
  times.push(Number(await meter.getAttribute('data-score-ms')));
}
times.sort((a, b) => a - b);
const pick = (p) => times[Math.min(times.length - 1, Math.round((times.length - 1) * p))];
console.log(`keystrokes scored in the worker: ${times.length}; p50 ${pick(0.5).toFixed(2)} ms, p95 ${pick(0.95).toFixed(2)} ms, max ${times.at(-1).toFixed(2)} ms`);
console.log('final verdict:', await meter.getAttribute('aria-valuetext'));
console.log('files fetched (decoded bytes):', transferred);
await browser.close();
