const BASE64URL_CHARS = /^[A-Za-z0-9_-]*$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Decodes base64url only when `text` is the one canonical encoding of its bytes, else undefined.
 * Buffer.from is lenient (it skips stray characters and ignores the unused low bits of the last
 * character), which would let several cookie strings carry the same sealed bytes; a tampered
 * cookie must never read as the original.
 */
export function decodeCanonicalBase64url(text: string): Buffer | undefined {
  const remainder = text.length % 4;
  if (remainder === 1 || !BASE64URL_CHARS.test(text)) return undefined;
  if (remainder !== 0) {
    // 2 trailing characters carry 1 byte (4 unused bits), 3 carry 2 bytes (2 unused bits).
    const unusedBitsMask = remainder === 2 ? 0b1111 : 0b11;
    if ((ALPHABET.indexOf(text.charAt(text.length - 1)) & unusedBitsMask) !== 0) return undefined;
  }
  return Buffer.from(text, 'base64url');
}
