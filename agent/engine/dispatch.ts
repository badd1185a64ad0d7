// The one frame loop both peers run: each frame goes to the handler named
// after its message, and whatever a handler throws (a protocol violation,
// a bad offset) aborts the channel, which tells the peer why.

import type {BlockpairError} from '../errors.js'
import type {Channel} from '../wire/channel.js'
import type {Frame, FrameKind, Message} from '../../proto/codec.js'
import {protocol} from './plan.js'

/** A peer's handlers, by message: frames of any other kind are a protocol error. */
export type Handlers = {[K in FrameKind]?: (frame: Frame & {kind: K}) => void}

export function dispatch(ch: Channel, handlers: Handlers): void {
  ch.listen(f => {
    try {
      const on = handlers[f.kind] as ((frame: Frame) => void) | undefined
      if (!on) throw protocol(`unexpected ${f.kind} frame during the sync`)
      on(f)
    } catch (err) {
      ch.abort(err as BlockpairError)
    }
  })
}

/** The segments one SegmentEnd ends, in order: `segment` and the count - 1 after it. */
export function endedSegments(m: Message<'segmentEnd'>): number[] {
  const k = m.segment ?? -1
  return Array.from({length: Math.max(1, m.count ?? 0)}, (_, j) => k + j)
}

/** A Finish is due only once every segment has ended. */
export function checkAllEnded(ended: number, segments: number): void {
  if (ended !== segments) throw protocol(`finish before all segments ended (${ended} of ${segments})`)
}
