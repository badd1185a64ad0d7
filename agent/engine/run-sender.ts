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
