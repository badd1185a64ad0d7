// What one sync of a range is given (Plan, EngineHooks) and gives back
// (EngineResult), the engine's constants, and the errors both peers raise.

import {BlockpairError, EXIT, IoError, ProtocolError} from '../errors.js'
import type {Stats} from '../../proto/codec.js'

export const FINE = 4096
export const MIN_BLOCK = FINE
export const MAX_BLOCK = 4 << 20
export const DEFAULT_BLOCK = 64 << 10
export const SEGMENT = 4 << 20
/** Segment size: ranges cut at its multiples split no segment (no block is larger). */
export const SEGMENT_BYTES = SEGMENT
/**
 * Segments in flight that hold data (a buffer each), per peer, as the other
 * peer may use them: the checks on what arrives allow this much, so a peer
 * of an older version (which kept 5 in flight) is not cut off.
 */
export const WINDOW = 5
/**
 * What this version keeps in flight itself: segments that hold data per
 * peer (LOCAL_WINDOW) and reads ahead of use (LOCAL_READ_AHEAD). Each is a
 * 4 MiB buffer; fewer of them are most of the peak RSS the sync adds (issue
 * 19), and at 10 GB/s from the page cache a segment reads in half a
 * millisecond, so two ahead keep the reader busy.
 */
export const LOCAL_WINDOW = 2
export const LOCAL_READ_AHEAD = 2
/**
 * Segments in flight in all, all-hole ones included: those pin no buffer,
 * only a manifest of at most 16 KiB, so many can be in flight and a sparse
 * image is not paced by round trips over its holes.
 */
export const MAX_OPEN = 64
/** Reads ahead a destination may have, so manifests it may send early (a bound, like WINDOW). */
export const READ_AHEAD = 3
/**
 * Most all-hole segments one Manifest (and one SegmentEnd) stands for: an
 * 8 GiB sparse image is 2,048 segments, and a frame each way per segment was
 * most of what the source's event loop did.
 */
export const HOLE_RUN = 16
/** Largest run of adjacent changed pieces sent as one Data frame. */
export const MAX_RUN = 512 << 10
export const MAX_RANGES = 10_000

/**
 * Add [offset, offset+length) to a sorted list of differences, joining it to
 * an adjacent last range. The list stays a cover of every difference: past
 * `cap` ranges the last one grows over the rest, so a reader is never told a
 * range is equal when it was not.
 */
export function noteDifference(list: Range[], offset: number, length: number, cap = MAX_RANGES): void {
  const last = list[list.length - 1]
  if (last && (last.offset + last.length === offset || list.length >= cap)) last.length = offset + length - last.offset
  else list.push({offset, length})
}

export interface Plan {
  size: number
  blockSize: number
  start: number
  end: number
  destZeroFrom: number
  dryRun: boolean
  /** After writing, the destination drops its cache and re-reads everything to check it. */
  verify?: boolean
  /**
   * Change tracking (agent/track): only these ranges, sorted and on 4 KiB
   * boundaries, are read at either end; both treat the rest as equal (it
   * hashes as zero on both sides, so the digests still agree). A coarse
   * block partly in a range hashes with the rest zero-filled at both ends,
   * so a difference refines to the 4 KiB pieces read; a source zero there
   * zeroes only the pieces read, never the rest. Neither end seeks holes in
   * the ranges: the extent maps the ranges came from already said where the
   * data is, and a hole read in a range reads as zeros. Absent: all.
   */
  ranges?: Range[] | null
  /** A file destination takes this mtime (ns, decimal) once its data is durable: the source's (issue 14, item 14). */
  mtimeNs?: string
}

export interface EngineHooks {
  /**
   * Bytes of the range dealt with so far (holes and equal blocks too), and of
   * block data moved: sent by a source, written by a destination. A progress
   * bar's rate is the second: the first runs ahead over holes.
   */
  onProgress?: (done: number, moved: number) => void
  /** Everything below `offset` is durable at the destination, whose change stamp was then `stamp` (null: a device, or unknown). */
  onCheckpoint?: (offset: number, stamp: string | null) => void
  /** Source only: cap block data at this many bytes per second. */
  bwlimit?: number
  /** Source only: was the source modified while it was read? Asked once, at the end. */
  sourceChanged?: () => Promise<boolean>
  /** Source only: the coarse hashes of segment k as read (a diff keeps those of the blocks it changes). */
  onHashes?: (k: number, hashes: Buffer) => void
  /**
   * Destination only: the coarse hashes of a block-aligned range as the
   * destination's hash cache holds them (agent/track/cache.ts). Given, the
   * destination answers every manifest from it and reads only the blocks
   * the source asks to refine; the plan must then read everything (no ranges).
   */
  cache?: HashCache
  /** Destination only: the hashes of what segment k holds once it ended, in order (a new hash cache). */
  onFinalHashes?: (k: number, hashes: Buffer) => void
  /** Destination only: bytes [offset, offset+length) were written or zeroed (a revised hash cache marks their blocks unknown). */
  onWritten?: (offset: number, length: number) => void
}

/**
 * The destination's hash cache as the engine sees it: the hashes of the
 * first `size` bytes as they were. An all-zero hash is no hash but "not
 * known" (the blocks a sync that read only tracked ranges wrote): the
 * destination reads and hashes such a block itself. A real hash that
 * happens to be zero (2^-128 under a seed no guest knows) only costs a read.
 */
export interface HashCache {
  size: number
  /** The coarse hashes of a block-aligned range within `size`. */
  hashes(offset: number, length: number): Buffer
}

/** A byte range where the two ends differ (reported by dry runs and `verify`). */
export interface Range {
  offset: number
  length: number
}

export interface EngineResult {
  blocks: number
  blocksChanged: number
  bytesSent: number
  bytesRead: number
  bytesWritten: number
  bytesZeroed: number
  digest: Buffer
  peer: Stats
  /** Dry runs: where the ends differ, merged, at most MAX_RANGES entries. */
  differences: Range[]
  /** The destination re-read from disk matched (plan.verify). */
  verified: boolean
  /** The source was modified during the sync: the destination may hold a mix of old and new. */
  sourceChanged: boolean
}

export function validateBlockSize(n: number): string | null {
  if (!Number.isInteger(n) || n < MIN_BLOCK || n > MAX_BLOCK || (n & (n - 1)) !== 0) {
    return `block size must be a power of two from ${MIN_BLOCK} to ${MAX_BLOCK} bytes, got ${n}`
  }
  return null
}

/** What each peer counts, sent to the other in Finish/Finished. */
export interface Counters {
  bytesRead: number
  bytesWritten: number
  bytesZeroed: number
  bytesSent: number
  blocksChanged: number
}

export function emptyStats(): Counters {
  return {bytesRead: 0, bytesWritten: 0, bytesZeroed: 0, bytesSent: 0, blocksChanged: 0}
}

export function protocol(msg: string): ProtocolError {
  return new ProtocolError('E_BAD_FRAME', msg)
}

export function digestMismatch(): IoError {
  return new IoError('E_DIGEST_MISMATCH', 'the destination does not match the source after the sync (digest mismatch); run the sync again, and check the destination disk if it repeats')
}

export function verifyFailed(): BlockpairError {
  return new BlockpairError('E_VERIFY_MISMATCH', EXIT.DIFFERENT, 'verify: the destination read back from disk does not match the source; the disk or something else writing to it changed the data; run the sync again')
}

/** A promise settled from outside (a frame that ends a wait, or the channel failing). */
export class Deferred<T> {
  resolve!: (v: T) => void
  reject!: (e: Error) => void
  readonly promise: Promise<T>

  constructor() {
    this.promise = new Promise<T>((resolve, reject) => {
      this.resolve = resolve
      this.reject = reject
    })
    this.promise.catch(() => {})
  }
}
