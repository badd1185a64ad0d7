// Seeded XXH3-128 block hashing. The seed is per session (both peers mix in
// random bytes), so a guest cannot craft blocks that collide on purpose.
//
// A block that is all zeros has a known hash for its length, computed once:
// holes are given that hash without being read or hashed.
//
// Runs of blocks are hashed in one call by the project's own addon
// (agent/disk/addon: xxHash compiled from xxhash-addon's copy, byte-for-byte the
// same hashes). One xxhash-addon call costs ~1.3 µs of crossing into C++, so
// per-block calls run at ~2 GB/s on 4 KiB blocks where one call per run goes
// at memory speed; the async form hashes on libuv's thread pool, off the
// event loop that carries TLS and the protocol. Without the addon (no
// compiler at install, or BLOCKPAIR_NO_ADDON=1) the same results come from
// xxhash-addon one block at a time.

import {createRequire} from 'node:module'
import type xxhashT from 'xxhash-addon'
import {blockhash} from '../disk/blockhash.js'

export const HASH_BYTES = 16

// require: an ESM import of a CommonJS package costs a scan of its source at start-up.
const xxhash = createRequire(import.meta.url)('xxhash-addon') as typeof xxhashT

/** Whether runs of blocks are hashed natively (false: one xxhash-addon call per block). */
export const batchHashing = blockhash !== null

export class BlockHasher {
  private readonly h: xxhashT.XXHash128
  /** Disk.readRange can hash what it reads in the same thread-pool job (the addon is there). */
  readonly fused = batchHashing
  private readonly zeroCache = new Map<number, Buffer>()
  private readonly zeroRunCache = new Map<string, Buffer>()

  constructor(readonly seed: Buffer) {
    if (!Buffer.isBuffer(seed) || seed.length !== 8) throw new TypeError('hash seed must be an 8-byte Buffer')
    this.h = new xxhash.XXHash128(seed)
  }

  /** Hash one block into out[at, at+16). */
  hashInto(block: Buffer, out: Buffer, at: number): void {
    if (!Buffer.isBuffer(block)) throw new TypeError('block to hash must be a Buffer')
    // Every block blockpair hashes has bytes; an empty one would get no hash at all.
    if (block.length === 0) throw new RangeError('cannot hash an empty block')
    this.hashBlocks(block, block.length, out, at)
  }

  /**
   * Hash `data` cut into blockSize pieces (the last may be shorter), one
   * 16-byte hash per piece, into out from `at` on.
   */
  hashBlocks(data: Buffer, blockSize: number, out: Buffer, at: number): void {
    checkArgs(data, blockSize, out, at)
    if (blockhash) return blockhash.hashBlocks(data, blockSize, this.seed, out, at)
    for (let from = 0; from < data.length; from += blockSize, at += HASH_BYTES) {
      this.h.reset()
      this.h.update(data.subarray(from, from + blockSize))
      this.h.digest().copy(out, at)
    }
  }

  /**
   * hashBlocks on the thread pool. Neither buffer may be changed or reused
   * before the promise settles.
   */
  async hashBlocksAsync(data: Buffer, blockSize: number, out: Buffer, at: number): Promise<void> {
    checkArgs(data, blockSize, out, at)
    if (blockhash) return blockhash.hashBlocksAsync(data, blockSize, this.seed, out, at)
    this.hashBlocks(data, blockSize, out, at)
  }

  /** The hash an all-zero block of this length has. */
  zeroHash(length: number): Buffer {
    let z = this.zeroCache.get(length)
    if (!z) {
      z = Buffer.allocUnsafe(HASH_BYTES)
      this.hashInto(Buffer.alloc(length), z, 0)
      this.zeroCache.set(length, z)
    }
    return z
  }

  /**
   * The hashes of `length` zero bytes cut into blockSize pieces. Shared and
   * cached (a sparse image asks for the same few thousands of times): never
   * write into it.
   */
  zeroHashes(length: number, blockSize: number): Buffer {
    const key = `${length}/${blockSize}`
    let z = this.zeroRunCache.get(key)
    if (!z) {
      const n = Math.ceil(length / blockSize)
      z = Buffer.allocUnsafe(n * HASH_BYTES)
      for (let i = 0; i < n; i++) this.zeroHash(Math.min(blockSize, length - i * blockSize)).copy(z, i * HASH_BYTES)
      // Segment lengths: the full one, the last one, a few block sizes; bounded anyway.
      if (this.zeroRunCache.size < 64) this.zeroRunCache.set(key, z)
    }
    return z
  }

  /** A new running digest (over block hashes), seeded like the blocks. */
  digest(): xxhashT.XXHash128 {
    return new xxhash.XXHash128(this.seed)
  }
}

// xxhash-addon aborts the process on anything but a Buffer, and the addon
// must not write past `out`: checked here, once, for every caller.
function checkArgs(data: Buffer, blockSize: number, out: Buffer, at: number): void {
  if (!Buffer.isBuffer(data)) throw new TypeError('block to hash must be a Buffer')
  if (!Buffer.isBuffer(out)) throw new TypeError('hash output must be a Buffer')
  if (!Number.isInteger(blockSize) || blockSize < 1) throw new RangeError(`block size must be a positive integer, got ${blockSize}`)
  const n = Math.ceil(data.length / blockSize)
  if (!Number.isInteger(at) || at < 0 || at + n * HASH_BYTES > out.length) {
    throw new RangeError(`${n} hashes do not fit in ${out.length} bytes at ${at}`)
  }
}

/** The session seed: both peers' random bytes mixed, so neither one alone picks it. */
export function sessionSeed(initiator: Uint8Array, responder: Uint8Array): Buffer {
  const mixed = xxhash.XXHash128.hash(Buffer.concat([Buffer.from(initiator), Buffer.from(responder)]))
  return Buffer.from(mixed.subarray(0, 8))
}

/**
 * The indexes i < count at which the hashes a[aAt + 16i] and b[bAt + 16i]
 * differ: one native call for a whole list (see diffhash.c), or hashEquals
 * in a loop without the addon.
 */
export function diffHashes(a: Buffer, aAt: number, b: Buffer, bAt: number, count: number): number[] {
  if (blockhash) return blockhash.diffHashes(a, aAt, b, bAt, count)
  const fits = (buf: Buffer, at: number): boolean => Number.isInteger(at) && at >= 0 && at + count * HASH_BYTES <= buf.length
  if (!Number.isInteger(count) || count < 0 || !fits(a, aAt) || !fits(b, bAt)) throw new RangeError('the hashes do not fit the buffer at that offset')
  const out: number[] = []
  for (let i = 0; i < count; i++) if (!hashEquals(a, aAt + i * HASH_BYTES, b, bAt + i * HASH_BYTES)) out.push(i)
  return out
}

// Four word reads, which V8 inlines: Buffer.compare with offsets crosses into
// C++ and cost ~0.4 µs, called a few times per block of a multi-GiB image.
export function hashEquals(a: Buffer, aAt: number, b: Buffer, bAt: number): boolean {
  return a.readUInt32LE(aAt) === b.readUInt32LE(bAt) && a.readUInt32LE(aAt + 4) === b.readUInt32LE(bAt + 4) &&
    a.readUInt32LE(aAt + 8) === b.readUInt32LE(bAt + 8) && a.readUInt32LE(aAt + 12) === b.readUInt32LE(bAt + 12)
}
