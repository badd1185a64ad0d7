// The source's outgoing changes, merged into runs (see RunSender).

import type {Segment} from './layout.js'
import {MAX_RUN} from './plan.js'

export type RunKind = 'data' | 'zero'

/**
 * Merges adjacent pieces of the same kind into one Data or Zero frame, so
 * a run of changed 4 KiB pieces costs one header.
 */
export class RunSender {
  private kind: RunKind | null = null
  private from = 0
  private to = 0
  private seg: Segment | null = null

  constructor(private readonly emit: (kind: RunKind, seg: Segment, from: number, to: number) => void) {}

  add(kind: RunKind, seg: Segment, from: number, to: number): void {
    if (this.kind === kind && this.seg === seg && this.to === from && to - this.from <= MAX_RUN) {
      this.to = to
      return
    }
    this.flush()
    this.kind = kind
    this.seg = seg
    this.from = from
    this.to = to
  }

  flush(): void {
    if (this.kind && this.seg) this.emit(this.kind, this.seg, this.from, this.to)
    this.kind = null
    this.seg = null
  }
}

/** Runs shorter than this travel gathered with others (see PieceBatch). */
export const PIECE_BELOW = 64 << 10
/** Most bytes gathered into one frame. */
export const PIECES_MAX = 256 << 10

/**
 * Gathers small data runs into one frame of pieces. Scattered 4 KiB changes
 * (a guest's random writes) made one frame each, and framing, a socket write
 * and TLS record per piece cost both ends more CPU than the bytes themselves.
 * The pieces are views of a segment's buffer: flush() before the segment's
 * buffer is released (it copies them into the frame).
 */
export class PieceBatch {
  private offsets: number[] = []
  private pieces: Buffer[] = []
  private bytes = 0

  constructor(private readonly send: (offsets: number[], pieces: Buffer[]) => void) {}

  add(offset: number, piece: Buffer): void {
    if (this.bytes + piece.length > PIECES_MAX) this.flush()
    this.offsets.push(offset)
    this.pieces.push(piece)
    this.bytes += piece.length
  }

  flush(): void {
    if (this.pieces.length === 0) return
    const {offsets, pieces} = this
    this.offsets = []
    this.pieces = []
    this.bytes = 0
    this.send(offsets, pieces)
  }
}
