// The baseline's cookie: what a careful developer would write by hand with node:crypto.
// AES-256-GCM, random 96-bit IV, value = base64url(iv | tag | ciphertext) of a small JSON array.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export function baselineKey(secret) {
  return createHash('sha256').update(secret).digest();
}

export function sealBaseline(key, { paymentId, selfHref }, ttlMs) {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([
    cipher.update(JSON.stringify([Date.now() + ttlMs, paymentId, selfHref]), 'utf8'),
    cipher.final(),
  ]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** The sealed payment, or undefined for anything forged, truncated or expired. */
export function unsealBaseline(key, value) {
  if (typeof value !== 'string' || value.length > 4096) return undefined;
  const raw = Buffer.from(value, 'base64url');
  if (raw.length < 29) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    const json = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString(
      'utf8',
    );
    const [expiresAt, paymentId, selfHref] = JSON.parse(json);
    if (typeof expiresAt !== 'number' || expiresAt < Date.now()) return undefined;
    return { paymentId, selfHref };
  } catch {
    return undefined;
  }
}
