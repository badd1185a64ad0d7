// Seeded XXH3-128 block hashing. The seed is per session (both peers mix in
// random bytes), so a guest cannot craft blocks that collide on purpose.
//
// A block that is all zeros has a known hash for its length, computed once:
// holes are given that hash without being read or hashed.

import xxhash from 'xxhash-addon'

export const HASH_BYTES = 16

export class BlockHasher {
  private readonly h: xxhash.XXHash128
  private readonly zeroHashes = new Map<number, Buffer>()

  constructor(readonly seed: Buffer) {
    if (!Buffer.isBuffer(seed) || seed.length !== 8) throw new TypeError('hash seed must be an 8-byte Buffer')
    this.h = new xxhash.XXHash128(seed)
  }

  /** Hash one block into out[at, at+16). */
  hashInto(block: Buffer, out: Buffer, at: number): void {
    // xxhash-addon aborts the process on anything but a Buffer: check here, once, for every caller.
    if (!Buffer.isBuffer(block)) throw new TypeError('block to hash must be a Buffer')
    this.h.reset()
    this.h.update(block)
    this.h.digest().copy(out, at)
  }

  /** The hash an all-zero block of this length has. */
  zeroHash(length: number): Buffer {
    let z = this.zeroHashes.get(length)
    if (!z) {
      z = Buffer.allocUnsafe(HASH_BYTES)
      this.hashInto(Buffer.alloc(length), z, 0)
      this.zeroHashes.set(length, z)
    }
    return z
  }

  /** A new running digest (over block hashes), seeded like the blocks. */
  digest(): xxhash.XXHash128 {
    return new xxhash.XXHash128(this.seed)
  }
}

/** The session seed: both peers' random bytes mixed, so neither one alone picks it. */
export function sessionSeed(initiator: Uint8Array, responder: Uint8Array): Buffer {
  const mixed = xxhash.XXHash128.hash(Buffer.concat([Buffer.from(initiator), Buffer.from(responder)]))
  return Buffer.from(mixed.subarray(0, 8))
}

export function hashEquals(a: Buffer, aAt: number, b: Buffer, bAt: number): boolean {
  return a.compare(b, bAt, bAt + HASH_BYTES, aAt, aAt + HASH_BYTES) === 0
}
