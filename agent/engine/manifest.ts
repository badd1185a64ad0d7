// A segment's coarse block hashes: what hashing it takes (planHashes), and
// their form on the wire, where all-zero blocks are one bit each instead of
// a hash (packManifest, unpackManifest).

import type {Extent} from '../disk/disk.js'
import {type BlockHasher, HASH_BYTES, hashEquals} from './hash.js'
import type {Hashed, Layout, Segment} from './layout.js'
import {FINE, HOLE_RUN, protocol} from './plan.js'
import {isZero} from './zero.js'
import type {Message} from '../../proto/codec.js'

/** The destination's side of a segment: its coarse hashes, or null when it is all zero. */
export type Theirs = Buffer | null

/**
 * What hashing a segment takes: the runs of blocks that hold data (each
 * hashed in one call), and the hashes with those of the blocks that lie
 * wholly in a hole already filled in (the zero hash, unread).
 */
export function planHashes(h: BlockHasher, seg: Segment, blockSize: number): {hashes: Buffer; holes: Uint8Array; runs: Array<[number, number]>} {
  const n = Math.ceil(seg.length / blockSize)
  const hashes = Buffer.allocUnsafe(n * HASH_BYTES)
  const holes = new Uint8Array(n)
  // One extent over the whole segment (all of a dense image): one run, without
  // a walk over its blocks, which a short-lived process runs unoptimized.
  const first = seg.extents[0]
  if (first && first.offset <= seg.offset && endOf(first) >= seg.offset + seg.length) return {hashes, holes, runs: [[0, seg.length]]}
  const runs: Array<[number, number]> = []
  let runFrom = -1
  const endRun = (i: number): void => {
    if (runFrom >= 0) runs.push([runFrom * blockSize, Math.min(i * blockSize, seg.length)])
    runFrom = -1
  }
  let e = 0
  for (let i = 0; i < n; i++) {
    const from = i * blockSize
    const len = Math.min(blockSize, seg.length - from)
    const abs = seg.offset + from
    while (e < seg.extents.length && endOf(seg.extents[e] as Extent) <= abs) e++
    const ext = seg.extents[e]
    if (!ext || ext.offset >= abs + len) {
      endRun(i)
      h.zeroHash(len).copy(hashes, i * HASH_BYTES)
      holes[i] = 1
    } else if (runFrom < 0) {
      runFrom = i
    }
  }
  endRun(n)
  return {hashes, holes, runs}
}

/** Hashes of `length` bytes of zeros in blocks of `blockSize`: a fresh copy, which the caller may patch. */
export function zeroHashes(h: BlockHasher, length: number, blockSize: number): Buffer {
  return Buffer.from(h.zeroHashes(length, blockSize))
}

/** A segment's coarse hashes for the wire: all-zero blocks become bits. The result may share `hashes`: encode it before they change. */
export function packManifest(h: BlockHasher, layout: Layout, k: number, hashes: Buffer, allHole: boolean): {hashes: Buffer; zeros: Buffer} {
  const n = hashes.length / HASH_BYTES
  const zeros = Buffer.alloc(Math.ceil(n / 8))
  if (allHole) {
    zeros.fill(0xff)
    if (n % 8) zeros[zeros.length - 1] = (1 << (n % 8)) - 1
    return {hashes: Buffer.alloc(0), zeros}
  }
  // Most segments of a dense image have no zero block: they go as they are,
  // without a copy per block (which, in a process too short-lived for V8 to
  // optimize the loop, cost ~50 us a segment).
  const full = h.zeroHash(layout.plan.blockSize)
  // Only a segment's last block can be short (segments are whole blocks).
  const zeroAt = (i: number): boolean => hashEquals(hashes, i * HASH_BYTES, i < n - 1 ? full : h.zeroHash(layout.blockLength(k, i)), 0)
  let first = 0
  while (first < n && !zeroAt(first)) first++
  if (first === n) return {hashes, zeros: Buffer.alloc(0)}
  const kept = Buffer.allocUnsafe(hashes.length)
  let at = hashes.copy(kept, 0, 0, first * HASH_BYTES)
  for (let i = first; i < n; i++) {
    if (zeroAt(i)) {
      zeros[i >> 3] = (zeros[i >> 3] as number) | (1 << (i & 7))
    } else {
      at += hashes.copy(kept, at, i * HASH_BYTES, (i + 1) * HASH_BYTES)
    }
  }
  return {hashes: kept.subarray(0, at), zeros}
}

/**
 * The full coarse hash list of a manifest (null: every block is zero), or
 * undefined when its sizes do not fit segment k.
 */
export function unpackManifest(h: BlockHasher, layout: Layout, k: number, hashes: Buffer, zeros: Buffer): Theirs | undefined {
  const n = layout.blocksIn(layout.segLength(k))
  if (zeros.length !== 0 && zeros.length !== Math.ceil(n / 8)) return undefined
  if (hashes.length === 0 && zeros.length > 0 && allBits(zeros, n)) return null
  // No zero block (most of a dense image): the hashes as sent, in one copy.
  if (zeros.length === 0) return hashes.length === n * HASH_BYTES ? Buffer.from(hashes) : undefined
  const out = Buffer.allocUnsafe(n * HASH_BYTES)
  let at = 0
  for (let i = 0; i < n; i++) {
    const zero = zeros.length > 0 && ((zeros[i >> 3] as number) & (1 << (i & 7))) !== 0
    if (zero) {
      h.zeroHash(layout.blockLength(k, i)).copy(out, i * HASH_BYTES)
    } else {
      if (at + HASH_BYTES > hashes.length) return undefined
      hashes.copy(out, i * HASH_BYTES, at, at + HASH_BYTES)
      at += HASH_BYTES
    }
  }
  return at === hashes.length ? out : undefined
}

/**
 * The answer to a Refine: the 4 KiB hashes of the named coarse blocks of
 * segment k, read into x (blocks in a hole hash as zeros). The list must
 * name blocks of the segment in increasing order.
 */
export function fineHashes(h: BlockHasher, layout: Layout, k: number, x: Hashed, list: readonly number[]): Buffer {
  const bs = layout.plan.blockSize
  const n = layout.blocksIn(x.seg.length)
  let count = 0
  let prev = -1
  for (const i of list) {
    if (!(i > prev && i < n)) throw protocol(`refine for segment ${k} names block ${i} out of order or range`)
    prev = i
    count += layout.blocksIn(Math.min(bs, x.seg.length - i * bs), FINE)
  }
  const out = Buffer.allocUnsafe(count * HASH_BYTES)
  let at = 0
  for (const i of list) {
    const bFrom = i * bs
    const bTo = Math.min(bFrom + bs, x.seg.length)
    if (x.seg.lease && x.holes[i] !== 1) h.hashBlocks(x.seg.lease.buf.subarray(bFrom, bTo), FINE, out, at)
    else h.zeroHashes(bTo - bFrom, FINE).copy(out, at)
    at += layout.blocksIn(bTo - bFrom, FINE) * HASH_BYTES
  }
  return out
}

/**
 * The segments a Manifest stands for, with their hashes (null: all zero),
 * checked against the layout: it must be for segment `expected`, within the
 * file, not known zero, and a run of holes carries no hashes.
 */
export function manifestEntries(h: BlockHasher, layout: Layout, m: Message<'manifest'>, expected: number): Array<[number, Theirs]> {
  const k = m.segment ?? -1
  const count = Math.max(1, m.count ?? 0)
  // knownZero holds from some segment to the end: checking the last one covers the run.
  if (k !== expected || count > HOLE_RUN || k + count > layout.segments || layout.knownZero(k + count - 1)) {
    throw protocol(`unexpected manifest for segment ${k} (count ${count})`)
  }
  if (count > 1) {
    if ((m.hashes?.length ?? 0) > 0 || (m.zeros?.length ?? 0) > 0) throw protocol(`the manifest for the hole run at segment ${k} carries hashes`)
    return Array.from({length: count}, (_, j) => [k + j, null])
  }
  // Views of the received frame: unpackManifest copies what it keeps.
  const hashes = unpackManifest(h, layout, k, asBuffer(m.hashes), asBuffer(m.zeros))
  if (hashes === undefined) throw protocol(`manifest for segment ${k} does not match its ${layout.blocksIn(layout.segLength(k))} blocks`)
  return [[k, hashes]]
}

const EMPTY = Buffer.alloc(0)

function asBuffer(b: Uint8Array | null | undefined): Buffer {
  if (!b) return EMPTY
  return Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)
}

/** Are bits 0..n-1 of the bitmap all set? */
function allBits(bits: Buffer, n: number): boolean {
  for (let i = 0; i < n >> 3; i++) if (bits[i] !== 0xff) return false
  return n % 8 === 0 || ((bits[n >> 3] as number) & ((1 << (n % 8)) - 1)) === (1 << (n % 8)) - 1
}

function endOf(e: Extent): number {
  return e.offset + e.length
}

/**
 * A segment read as all zeros, as a hole: its buffer goes back and every
 * block is marked a hole; null when it holds data. The source ends a segment
 * that is zero at both ends only after a run of them (HOLE_RUN), so a peer
 * that pinned a buffer for each would run out of them while both ends wait
 * for each other (a zeroed device against a sparse source).
 */
export function zeroAsHole(h: BlockHasher, blockSize: number, r: Hashed): Hashed | null {
  const {seg, hashes} = r
  if (!seg.lease || !hashes.equals(h.zeroHashes(seg.length, blockSize))) return null
  if (!isZero(seg.lease.buf.subarray(0, seg.length))) return null
  seg.lease.unref()
  seg.lease = null
  return {seg, hashes, holes: new Uint8Array(hashes.length / HASH_BYTES).fill(1)}
}
