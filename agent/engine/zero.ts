// All-zero block detection. Runs on every block scanned, so it has to go at
// memory speed: Buffer#compare against a shared zero buffer is a single
// memcmp in C++ per chunk, where a JS byte loop is ~10-50x slower.

/** Size of the shared zero buffer; exported so tests can probe its edges. */
export const ZERO_CHUNK = 64 * 1024

// Buffer.alloc never hands out a slice of the shared pool, so nothing else can
// write into this; it stays zero for the life of the process.
const ZERO = Buffer.alloc(ZERO_CHUNK)

/** True when every byte of `buf` (a view: only its own byteOffset..byteLength) is 0. */
export function isZero(buf: Uint8Array): boolean {
  const n = buf.byteLength
  for (let off = 0; off < n; off += ZERO_CHUNK) {
    const len = Math.min(ZERO_CHUNK, n - off)
    // compare(target, targetStart, targetEnd, sourceStart, sourceEnd): ranges,
    // not subarrays, so no allocation per chunk. The ranges are relative to
    // the view, which Node resolves against its byteOffset.
    if (ZERO.compare(buf, off, off + len, 0, len) !== 0) return false
  }
  return true
}

/** Plain byte loop; the obviously-correct oracle the fast path is tested against. */
export function isZeroReference(buf: Uint8Array): boolean {
  for (let i = 0; i < buf.length; i++) if (buf[i] !== 0) return false
  return true
}
