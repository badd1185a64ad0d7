// Several sessions over one file (--streams N). Each stream is an ordinary
// session over its own connection that syncs one range of the file
// (streamRange: cut at segment boundaries, so no segment is split); the
// ranges are disjoint and together cover the file.
//
// Why: one TLS connection is bound to the core that encrypts or decrypts it
// (about 0.7 GB/s here), and over ssh every stream gets its own remote agent
// process, so N streams can use N cores at the remote end and fill a link
// that one connection cannot.
//
// What makes N sessions one sync:
//   - A barrier before Start. Each stream computes its plan from what both
//     ends reported when opened; no stream may create, grow or shrink the
//     destination before every stream has opened it, or the later ones would
//     see a different destination (size, whether it existed) and plan
//     differently. The barrier also checks that all streams opened the same
//     source and destination and agree on the plan.
//   - One failure stops all: the first error is the sync's error, and the
//     other streams are aborted (E_STREAM_STOPPED, never reported over it).
//   - Per-stream checkpoints: a resume continues each range from its own.
//   - --bwlimit is shared: each stream gets an equal part.
//   - One summary: counts summed, differences in file order (summary.ts).

import {ProtocolError, UsageError} from '../errors.js'
import type {Identity} from '../disk/disk.js'
import type {Plan} from '../engine/engine.js'
// sameDest: the same object and size, mtime aside (a live source's mtime may move between the opens).
import {resumePointOf, sameDest} from './resume.js'
import type {SyncOptions} from './session.js'
import {merge, type Summary} from './summary.js'

export {bytesBelow, merge} from './summary.js'

export const MAX_STREAMS = 8

export interface StreamsOptions extends SyncOptions {
  /** Resume: where each stream's range is durable (absolute offsets), from the job's checkpoints. */
  resumeEach?: readonly number[]
  /** Every stream's durable offset, whenever one of them checkpoints (and once at the start). */
  onCheckpoints?: (offsets: number[]) => void
}

type StreamEnds = {source: Identity; dest: Identity}

/**
 * Every stream must have opened the same two files with the same plan; the
 * first plan, and where the sync as a whole starts (the size less what the
 * streams have left to do).
 */
function agreedPlan(plans: readonly Plan[], ends: readonly StreamEnds[]): {plan: Plan; start: number} {
  const first = plans[0] as Plan
  const e0 = ends[0] as StreamEnds
  let remaining = 0
  plans.forEach((p, i) => {
    const e = ends[i] as StreamEnds
    if (p.size !== first.size || p.blockSize !== first.blockSize || p.destZeroFrom !== first.destZeroFrom || p.verify !== first.verify ||
      !sameDest(e.source, e0.source) || !sameDest(e.dest, e0.dest)) {
      throw new ProtocolError('E_STREAMS_DIFFER', 'the streams of this sync opened different files, or the files changed while they opened; run the sync again')
    }
    remaining += p.end - p.start
  })
  return {plan: first, start: first.size - remaining}
}

/**
 * Where the streams of one sync wait for each other: no stream moves data
 * before every stream has its plan, so that they agree on one (agreedPlan).
 * The last to arrive runs `allReady`; a failure of any stream refuses all.
 */
class StartBarrier {
  private readonly plans: Plan[]
  private readonly ends: StreamEnds[]
  private arrived = 0
  private release: () => void = () => {}
  readonly refuse: (e: unknown) => void
  private readonly all: Promise<void>

  constructor(private readonly count: number, private readonly allReady: (plans: Plan[], ends: StreamEnds[]) => void) {
    this.plans = new Array(count)
    this.ends = new Array(count)
    let refuse: (e: unknown) => void = () => {}
    this.all = new Promise<void>((resolve, reject) => {
      this.release = resolve
      refuse = reject
    })
    this.refuse = refuse
    // Streams that are not waiting on it must not turn its rejection into an unhandled one.
    this.all.catch(() => {})
  }

  arrive(i: number, plan: Plan, ends: StreamEnds): Promise<void> {
    this.plans[i] = plan
    this.ends[i] = ends
    if (++this.arrived === this.count) {
      try {
        this.allReady(this.plans, this.ends)
        this.release()
      } catch (err) {
        this.refuse(err)
      }
    }
    return this.all
  }
}

/** Run one stream's session: connect to the agent and initiate(opts). */
export type RunStream = (index: number, opts: SyncOptions) => Promise<Summary>

export async function syncStreams(count: number, opts: StreamsOptions, run: RunStream): Promise<Summary> {
  if (!(Number.isInteger(count) && count >= 1 && count <= MAX_STREAMS)) {
    throw new UsageError('E_STREAMS', `--streams must be a whole number from 1 to ${MAX_STREAMS}`)
  }
  const began = Date.now()
  const stop = new AbortController()
  const done = new Array<number>(count).fill(0)
  const moved = new Array<number>(count).fill(0)
  const offsets = new Array<number>(count).fill(0)
  const barrier = new StartBarrier(count, (plans, ends) => {
    const {plan, start} = agreedPlan(plans, ends)
    for (let i = 0; i < count; i++) offsets[i] = (plans[i] as Plan).start
    opts.onStart?.({...plan, start, end: plan.size}, ends[0] as StreamEnds)
    opts.onCheckpoints?.([...offsets])
  })

  const stream = (i: number): SyncOptions => {
    const {resumeEach, onCheckpoints, onStart, hooks, resume, signal: _signal, ...rest} = opts
    return {
      ...rest,
      resume: resumePointOf(resume, i, resumeEach),
      hooks: {
        ...hooks,
        bwlimit: hooks?.bwlimit ? Math.max(1, Math.floor(hooks.bwlimit / count)) : undefined,
        onProgress: (n, m) => {
          done[i] = n
          moved[i] = m
          hooks?.onProgress?.(done.reduce((a, b) => a + b, 0), moved.reduce((a, b) => a + b, 0))
        },
        onCheckpoint: offset => {
          offsets[i] = offset
          onCheckpoints?.([...offsets])
        },
      },
      stream: {
        index: i,
        count,
        signal: stop.signal,
        ready: (plan, e) => barrier.arrive(i, plan, e),
      },
    }
  }

  let failure: unknown = null
  const fail = (err: unknown): void => {
    // The first failure is the sync's; the streams it stops fail with E_STREAM_STOPPED.
    if (failure === null) {
      failure = err
      barrier.refuse(err)
      stop.abort()
    }
  }
  // A run told to stop (a signal) stops every stream, with the signal's reason.
  const stopped = (): void => fail(opts.signal?.reason)
  opts.signal?.addEventListener('abort', stopped, {once: true})
  const results = await Promise.allSettled(Array.from({length: count}, (_, i) => run(i, stream(i)).catch(err => {
    fail(err)
    throw err
  })))
  opts.signal?.removeEventListener('abort', stopped)
  if (failure !== null) throw failure
  return merge(results.map(r => (r as PromiseFulfilledResult<Summary>).value), Date.now() - began)
}
