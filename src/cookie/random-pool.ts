import { randomFillSync } from 'node:crypto';

// One call to the CSPRNG per 256 IVs: asking it for 12 bytes at a time costs more than the
// whole AES-GCM seal. IVs are public, so holding future ones in memory reveals nothing.
const VALUES_PER_REFILL = 256;

/** Hands out fresh random bytes of a fixed size, never the same bytes twice. */
export function createRandomPool(size: number): () => Buffer {
  const pool = Buffer.allocUnsafe(size * VALUES_PER_REFILL);
  let offset = pool.length;
  return function next(): Buffer {
    if (offset === pool.length) {
      randomFillSync(pool);
      offset = 0;
    }
    const bytes = pool.subarray(offset, offset + size);
    offset += size;
    return bytes;
  };
}
