// Cookie sealing: seal + unseal of the same payment record, createPaymentCookieSealer against
// iron-session@8 sealData/unsealData, in alternating rounds. Prints one JSON line.
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { median } from './stats.mjs';
import { COOKIE_NAME, COOKIE_SECRET } from './bench-config.mjs';

const require = createRequire(import.meta.url);
const { sealData, unsealData } = await import('iron-session');
const sealer = loadSealer()({ secrets: [COOKIE_SECRET], cookieName: COOKIE_NAME });

// Many short rounds, each side right after the other: on a shared machine the load drifts, and
// a ratio of two adjacent rounds cancels most of that drift.
const ROUNDS = Number(process.env.BENCH_SEAL_ROUNDS ?? 8);
const ROUND_MS = Number(process.env.BENCH_SEAL_ROUND_MS ?? 600);
const TTL_MS = 120 * 60 * 1000;
const paymentId = 'hu20sqlact5260q2nanm0q8u93';
const record = {
  paymentId,
  selfHref: `https://publicapi.payments.service.gov.uk/v1/payments/${paymentId}`,
  reference: 'APPLICATION-2024-000123',
  amount: 14500,
  createdAt: Date.parse('2024-05-01T10:00:00Z'),
};
const ironOptions = { password: COOKIE_SECRET, ttl: TTL_MS / 1000 };

function loadSealer() {
  for (const path of ['../../dist/cjs/index.js', '../../dist/cjs/cookie/index.js']) {
    try {
      const mod = require(path);
      if (typeof mod.createPaymentCookieSealer === 'function') return mod.createPaymentCookieSealer;
    } catch {
      // try the next entry point
    }
  }
  throw new Error('createPaymentCookieSealer is not built yet (dist/cjs/cookie)');
}

function ours(ms) {
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 200; i++) {
      const back = sealer.unseal(sealer.seal(record, TTL_MS));
      if (back?.paymentId !== paymentId)
        throw new Error('createPaymentCookieSealer round trip failed');
    }
    ops += 200;
    now = performance.now();
  }
  return ops / ((now - start) / 1000);
}

async function iron(ms) {
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 20; i++) {
      const back = await unsealData(await sealData(record, ironOptions), ironOptions);
      if (back?.paymentId !== paymentId) throw new Error('iron-session round trip failed');
    }
    ops += 20;
    now = performance.now();
  }
  return ops / ((now - start) / 1000);
}

/**
 * The floor: one bare AES-256-GCM seal and unseal of the same plaintext through node:crypto,
 * with no encoding, parsing or checks. No sealer built on node:crypto can beat it, so it shows
 * how much of the sealer's time is its own.
 */
const floorKey = createSecretKey(randomBytes(32));
const floorAad = Buffer.from('aad');
const floorPlaintext = JSON.stringify([Date.now(), ...Object.values(record)]);
// IVs drawn in bulk, as the sealer does: a CSPRNG call per IV would be a cost of the floor's own.
const floorIvs = randomBytes(12 * 200);
function floor(ms) {
  let ops = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 200; i++) {
      const iv = floorIvs.subarray(i * 12, i * 12 + 12);
      const cipher = createCipheriv('aes-256-gcm', floorKey, iv, { authTagLength: 16 });
      cipher.setAAD(floorAad);
      const ciphertext = cipher.update(floorPlaintext, 'utf8');
      cipher.final();
      const decipher = createDecipheriv('aes-256-gcm', floorKey, iv, { authTagLength: 16 });
      decipher.setAAD(floorAad);
      decipher.setAuthTag(cipher.getAuthTag());
      decipher.update(ciphertext);
      decipher.final();
    }
    ops += 200;
    now = performance.now();
  }
  return ops / ((now - start) / 1000);
}

// Warm both up so neither side pays for JIT compilation inside a measured round.
ours(300);
await iron(300);
const oursRounds = [];
const ironRounds = [];
for (let r = 0; r < ROUNDS; r++) {
  if (r % 2 === 0) {
    oursRounds.push(ours(ROUND_MS));
    ironRounds.push(await iron(ROUND_MS));
  } else {
    ironRounds.push(await iron(ROUND_MS));
    oursRounds.push(ours(ROUND_MS));
  }
}
const pairedRatios = oursRounds.map((o, i) => o / ironRounds[i]);
floor(300);
const floorRounds = [];
const oursNextToFloor = [];
for (let r = 0; r < 3; r++) {
  floorRounds.push(floor(ROUND_MS));
  oursNextToFloor.push(ours(ROUND_MS));
}
const sealedLength = sealer.seal(record, TTL_MS).length;
const ironLength = (await sealData(record, ironOptions)).length;
console.log(
  JSON.stringify({
    oursPerSecond: median(oursRounds),
    ironPerSecond: median(ironRounds),
    ratio: median(pairedRatios),
    pairedRatios,
    floorPerSecond: median(floorRounds),
    oursShareOfFloor: median(oursNextToFloor.map((o, i) => o / floorRounds[i])),
    oursRounds,
    ironRounds,
    sealedLength,
    ironLength,
  }),
);
