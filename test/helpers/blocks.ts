// Fixtures for sync tests: files with data, zeros and holes, and the figures
// a sync of them must report, computed here from the two buffers alone,
// without any of blockpair's code.
import {execFileSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {closeSync, ftruncateSync, openSync, statSync, writeSync} from 'node:fs'

export const FINE = 4096
export const KiB = 1024
export const MiB = 1024 * KiB

const ZEROS = Buffer.alloc(MiB)

/** Every byte is 0 (a plain memcmp against zeros, independent of agent/engine/zero.ts). */
export function allZero(b: Buffer): boolean {
  for (let at = 0; at < b.length; at += ZEROS.length) {
    const n = Math.min(ZEROS.length, b.length - at)
    if (!b.subarray(at, at + n).equals(ZEROS.subarray(0, n))) return false
  }
  return true
}

export interface Expected {
  /** Bytes of 4 KiB pieces that differ and are not all zero at the source. */
  bytesSent: number
  /** Coarse blocks whose bytes differ. */
  blocksChanged: number
  /** Bytes the destination is told to zero (see the engine's top comment). */
  bytesZeroed: number
  /**
   * Where a sync acts, sorted and merged: the pieces it sends or zeroes
   * (a zero source block is zeroed whole, even its equal pieces).
   */
  differences: Array<{offset: number; length: number}>
}

/**
 * What syncing `src` onto `dst` (null: missing) must move. The destination
 * is compared as if cut or zero-extended to the source size: a grown file
 * reads as zeros past its old end.
 */
export function expectedFigures(src: Buffer, dst: Buffer | null, blockSize: number): Expected {
  const d = Buffer.alloc(src.length)
  dst?.copy(d, 0, 0, Math.min(dst.length, src.length))
  let bytesSent = 0
  let blocksChanged = 0
  let bytesZeroed = 0
  const differences: Array<{offset: number; length: number}> = []
  const note = (offset: number, end: number): void => {
    const last = differences[differences.length - 1]
    if (last && last.offset + last.length === offset) last.length += end - offset
    else differences.push({offset, length: end - offset})
  }
  for (let b = 0; b < src.length; b += blockSize) {
    const bEnd = Math.min(b + blockSize, src.length)
    const sb = src.subarray(b, bEnd)
    const db = d.subarray(b, bEnd)
    if (sb.equals(db)) continue
    blocksChanged++
    const srcZero = allZero(sb)
    const dstZero = allZero(db)
    if (srcZero) note(b, bEnd)
    for (let p = b; p < bEnd; p += FINE) {
      const pEnd = Math.min(p + FINE, bEnd)
      const sp = src.subarray(p, pEnd)
      if (sp.equals(d.subarray(p, pEnd))) continue
      if (!srcZero) note(p, pEnd)
      if (allZero(sp)) {
        // A zero source block is zeroed whole; a zero piece of a refined block alone.
        if (!srcZero && !dstZero && blockSize !== FINE) bytesZeroed += pEnd - p
      } else {
        bytesSent += pEnd - p
      }
    }
    if (srcZero) bytesZeroed += bEnd - b
  }
  return {bytesSent, blocksChanged, bytesZeroed, differences}
}

/**
 * Write `buf` to a new file at `path`. With `sparse`, all-zero 4 KiB pieces
 * are left as holes (ftruncate, then only the data written); otherwise every
 * byte is written, zeros included.
 */
export function writeFixture(path: string, buf: Buffer, opts: {sparse?: boolean} = {}): void {
  const fd = openSync(path, 'w')
  try {
    if (opts.sparse) {
      ftruncateSync(fd, buf.length)
      for (let p = 0; p < buf.length; p += FINE) {
        const piece = buf.subarray(p, Math.min(p + FINE, buf.length))
        if (!allZero(piece)) writeSync(fd, piece, 0, piece.length, p)
      }
    } else {
      let at = 0
      while (at < buf.length) at += writeSync(fd, buf, at, buf.length - at, at)
    }
  } finally {
    closeSync(fd)
  }
}

/**
 * Random data of `size` bytes with some 4 KiB-aligned zero runs (so both the
 * zero and the data paths are taken), deterministic in shape, random in content.
 */
export function sampleData(size: number): Buffer {
  const b = randomBytes(size)
  for (let at = 3 * FINE; at < size; at += 37 * FINE) b.fill(0, at, Math.min(at + 5 * FINE, size))
  if (size > 2 * MiB) b.fill(0, MiB, 2 * MiB) // a whole zero MiB
  return b
}

/** A copy of `src` with `n` scattered 4 KiB pieces changed in varied ways. */
export function scatterChanges(src: Buffer, n: number, seed = 1): Buffer {
  const out = Buffer.from(src)
  const pieces = Math.ceil(src.length / FINE)
  let x = seed
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2 ** 31
    const p = x % pieces
    const at = p * FINE
    const end = Math.min(at + FINE, src.length)
    switch (i % 4) {
      case 0: flip(out, at + (x % (end - at)), 0xff); break // one byte
      case 1: out.fill(0, at, end); break // zeroed at the destination
      case 2: randomBytes(end - at).copy(out, at); break // all new
      default: flip(out, end - 1, 0x01) // the last byte of the piece
    }
  }
  return out
}

/** XOR one byte with `mask`. */
export function flip(buf: Buffer, at: number, mask = 0xff): void {
  buf.writeUInt8((buf.readUInt8(at) ^ mask) & 0xff, at)
}

/** Bytes the file really occupies on disk. */
export function allocated(path: string): number {
  return statSync(path).blocks * 512
}

/** `cmp -s a b`: the two files hold the same bytes (checked by a tool outside blockpair). */
export function same(a: string, b: string): boolean {
  try {
    execFileSync('cmp', ['-s', a, b])
    return true
  } catch {
    return false
  }
}
