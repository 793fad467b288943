// The single sign-on round trip on loopback, as a browser makes it: "Log in with …" (POST
// /sso/start), the provider (oidc-provider.mjs: its sign-in page the first time, straight back
// while its session lasts), the callback (which exchanges the code at the provider's token
// endpoint and checks the ID token), and the CRM start page. Each request is timed and counted
// as Frontdoor's or the provider's.
//   node sso-round-trip.mjs FRONTDOOR_URL PROVIDER_ID EMAIL PASSWORD ROUNDS
const [frontdoor, providerId, email, password, roundsArg] = process.argv.slice(2);
const rounds = Number(roundsArg ?? 100);
const fdOrigin = new URL(frontdoor).origin;

let browsers = 0;
/** A browser: its cookies, and its own address (the server trusts X-Forwarded-For here: the
 * per-client limit of 30 starts a minute is per person, not per benchmark). */
function jar() {
  const cookies = new Map();
  const n = ++browsers;
  return {
    address: `10.9.${(n >> 8) & 255}.${n & 255}`,
    header: (url) => [...(cookies.get(new URL(url).host) ?? new Map())].map(([k, v]) => `${k}=${v}`).join('; '),
    take(url, response) {
      const host = new URL(url).host;
      const mine = cookies.get(host) ?? new Map();
      for (const line of response.headers.getSetCookie()) {
        const [pair, ...attributes] = line.split(';');
        const [name, value] = [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1)];
        const expired = attributes.some((a) => /max-age=0\b/i.test(a.trim()) || /expires=thu, 01 jan 1970/i.test(a.trim()));
        if (expired || value === '') mine.delete(name);
        else mine.set(name, value);
      }
      cookies.set(host, mine);
    },
  };
}

async function timed(cookies, spent, url, init = {}) {
  const started = performance.now();
  const headers = { ...(init.headers ?? {}), cookie: cookies.header(url), 'x-forwarded-for': cookies.address };
  const response = await fetch(url, { ...init, headers, redirect: 'manual' });
  const body = await response.text();
  const ms = performance.now() - started;
  if (new URL(url).origin === fdOrigin) spent.frontdoor += ms;
  else spent.provider += ms;
  cookies.take(url, response);
  return { response, body };
}

/** One round trip; `signedIn` tells whether the provider asked for the password. */
async function roundTrip(cookies) {
  const spent = { frontdoor: 0, provider: 0 };
  const started = performance.now();
  const form = { 'content-type': 'application/x-www-form-urlencoded', origin: fdOrigin };
  let { response } = await timed(cookies, spent, `${frontdoor}/sso/start`, {
    method: 'POST',
    headers: form,
    body: `provider=${providerId}`,
  });
  // The start answers a redirect to the provider (earlier versions: a Refresh header).
  let next = response.headers.get('refresh')?.replace(/^0; url=/, '') ?? response.headers.get('location');
  if (!next) throw new Error(`the single sign-on start answered ${response.status}`);
  let signedIn = false;
  for (let hops = 0; next && hops < 12; hops++) {
    if (next.startsWith(`${fdOrigin}/crm`)) break;
    const url = next;
    const result = await timed(cookies, spent, url);
    response = result.response;
    if (response.status === 200 && result.body.includes('name="password"')) {
      const action = result.body.match(/action="([^"]+\/login)"/)[1];
      const target = new URL(action, url).href;
      const posted = await timed(cookies, spent, target, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email, password }).toString(),
      });
      signedIn = true;
      next = new URL(posted.response.headers.get('location'), target).href;
      continue;
    }
    const location = response.headers.get('location');
    if (!location) throw new Error(`stuck at ${url}: ${response.status}`);
    next = new URL(location, url).href;
  }
  const crm = await timed(cookies, spent, `${frontdoor}/crm`);
  if (crm.response.status !== 200) throw new Error(`the CRM start page answered ${crm.response.status} (${crm.response.headers.get("location")}) after ${next}`);
  return { total: performance.now() - started, ...spent, signedIn };
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function report(label, results) {
  const f = (key, p) => percentile(results.map((r) => r[key]), p).toFixed(1);
  console.log(
    `${label}: ${results.length} round trips; total p50 ${f('total', 50)} ms, p95 ${f('total', 95)} ms; ` +
      `Frontdoor p50 ${f('frontdoor', 50)} ms, p95 ${f('frontdoor', 95)} ms; provider p50 ${f('provider', 50)} ms, p95 ${f('provider', 95)} ms`,
  );
}

const first = [];
const again = [];
for (let i = 0; i < rounds; i++) {
  const cookies = jar(); // a new browser: the provider asks for the password
  const one = await roundTrip(cookies);
  if (!one.signedIn) throw new Error('a new browser was not asked to sign in at the provider');
  first.push(one);
  const two = await roundTrip(cookies); // the same browser: one click
  if (two.signedIn) throw new Error('the provider asked again while its session lasts');
  again.push(two);
}
report('first login (sign-in page at the provider)', first);
report('again while the provider session lasts (one click)', again);
