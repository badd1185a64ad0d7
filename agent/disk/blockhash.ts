// The project's own N-API addon (agent/disk/addon/blockhash.c), loaded when it was
// built. Everything it offers has a slower pure-JS path, so a machine without
// a compiler at install time still runs; BLOCKPAIR_NO_ADDON=1 forces that path
// (tests and benchmarks compare the two).

import {createRequire} from 'node:module'

export interface BlockhashAddon {
  hashBlocks(data: Buffer, blockSize: number, seed: Buffer, out: Buffer, outAt: number): void
  hashBlocksAsync(data: Buffer, blockSize: number, seed: Buffer, out: Buffer, outAt: number): Promise<void>
  alignOffset(buf: Buffer, align: number): number
  /** Rejects with an Error carrying `errno`, `index` (the read that failed) and `eof`. */
  readHashAsync(fd: number, buf: Buffer, reads: number[], blockSize: number, seed: Buffer, out: Buffer, runs: number[]): Promise<void>
  /** Rejects with an Error carrying `errno` (positive) and `index` (the buffer that failed). */
  writeBatchAsync(fd: number, buffers: Buffer[], positions: number[]): Promise<void>
  /** The indexes i < count where the 16-byte hashes at a[aAt + 16i] and b[bAt + 16i] differ. */
  diffHashes(a: Buffer, aAt: number, b: Buffer, bAt: number, count: number): number[]
}

function load(): BlockhashAddon | null {
  if (process.env.BLOCKPAIR_NO_ADDON === '1') return null
  const require = createRequire(import.meta.url)
  // From agent/disk/ (tests, tsx) and from dist/agent/disk/ (the CLI).
  for (const rel of ['./addon/build/Release/blockhash.node', '../../../agent/disk/addon/build/Release/blockhash.node']) {
    try {
      return require(rel) as BlockhashAddon
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw err
    }
  }
  return null
}

export const blockhash = load()

const ALIGN = 4096

/**
 * A buffer of `size` bytes that starts on a page boundary. Large Node buffers
 * start 16 bytes past one, and the kernel fills those from the page cache at
 * half the speed (see blockhash.c). Without the addon: a plain buffer.
 */
export function alignedBuffer(size: number): Buffer {
  if (!blockhash) return Buffer.allocUnsafeSlow(size)
  const raw = Buffer.allocUnsafeSlow(size + ALIGN - 1)
  const at = blockhash.alignOffset(raw, ALIGN)
  return raw.subarray(at, at + size)
}
