// Geometry shared by both peers: the segments and blocks of a plan, and the
// shapes a segment takes once read (Segment) and hashed (Hashed).

import type {Extent} from '../disk/disk.js'
import type {Lease} from './pool.js'
import {SEGMENT, type Plan} from './plan.js'

export class Layout {
  readonly segSize: number
  readonly segments: number

  constructor(readonly plan: Plan) {
    this.segSize = Math.max(SEGMENT, plan.blockSize)
    this.segments = Math.ceil((plan.end - plan.start) / this.segSize)
  }

  segStart(k: number): number {
    return this.plan.start + k * this.segSize
  }

  segLength(k: number): number {
    return Math.min(this.segSize, this.plan.end - this.segStart(k))
  }

  blocksIn(length: number, blockSize = this.plan.blockSize): number {
    return Math.ceil(length / blockSize)
  }

  /** Length of coarse block i of segment k (the last may be short). */
  blockLength(k: number, i: number): number {
    return Math.min(this.plan.blockSize, this.segLength(k) - i * this.plan.blockSize)
  }

  /** Does the destination hold only zeros in segment k, without looking? */
  knownZero(k: number): boolean {
    return this.segStart(k) >= this.plan.destZeroFrom
  }

  segmentOf(offset: number): number {
    return Math.floor((offset - this.plan.start) / this.segSize)
  }

  /**
   * The extents of [from, to) the plan reads, `to` cut at the file's `size`:
   * all its data (`extents`, asked only then), or with tracked ranges just
   * those, without asking where the holes are.
   */
  toRead(from: number, to: number, size: number, extents: (from: number, to: number) => Extent[]): Extent[] {
    const ranges = this.plan.ranges
    if (!ranges) return extents(from, to)
    const end = Math.min(to, size)
    let lo = 0
    let hi = ranges.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      const r = ranges[mid] as Extent
      if (r.offset + r.length <= from) lo = mid + 1
      else hi = mid
    }
    const out: Extent[] = []
    for (let i = lo; i < ranges.length && (ranges[i] as Extent).offset < end; i++) {
      const r = ranges[i] as Extent
      const a = Math.max(from, r.offset)
      const b = Math.min(end, r.offset + r.length)
      if (a < b) out.push({offset: a, length: b - a})
    }
    return out
  }

  /** Segment k with no bytes read: all hole, or not looked at. */
  emptySegment(k: number): Segment {
    return {k, offset: this.segStart(k), length: this.segLength(k), lease: null, extents: []}
  }
}

/** A segment's bytes in a pooled buffer, or null when it is all hole. */
export interface Segment {
  k: number
  offset: number
  length: number
  lease: Lease | null
  extents: Extent[]
}

/** A segment read and hashed: its coarse block hashes. */
export interface Hashed {
  seg: Segment
  hashes: Buffer
  /**
   * holes[i] is 1 when coarse block i lies wholly in a hole: it reads as zero,
   * and its bytes in the buffer are stale (never filled), so nothing may look
   * at them. The destination clears the mark when it zero-fills the block to
   * patch it.
   */
  holes: Uint8Array
}
