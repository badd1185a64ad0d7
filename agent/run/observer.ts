// How a run tells the outside what happens: ONE observer, passed down once.
// The CLI's progress bar and printing implement it (cli/progress.ts); a job
// (agent/run/job.ts) implements the parts it records. sync.ts turns the
// observer into the session's callbacks in one place (its session()), so
// no layer wraps another's hooks.

import type {Identity} from '../disk/disk.js'
import type {Plan} from '../engine/engine.js'
import type {Summary} from '../session/session.js'
import type {Direction, FilePair} from './plan.js'

export interface RunObserver {
  /** The run reaches its remote end: ssh and the remote agent start, or an agent:// connects. */
  onConnect?(remote: string): void
  /** A file's sync begins (before its session connects). */
  onFileStart?(direction: Direction, file: FilePair): void
  /** Both ends are open and agree: the range to sync is plan.start..plan.end. */
  onPlan?(plan: Plan, ends: {source: Identity; dest: Identity}): void
  /** Bytes of the range dealt with so far, and of block data moved (sent or written here). */
  onProgress?(done: number, moved: number): void
  /** One stream: everything below `offset` is durable at the destination, whose change stamp was then `stamp`. */
  onCheckpoint?(offset: number, stamp: string | null): void
  /** --streams: every stream's durable offset, whenever one of them checkpoints. */
  onCheckpoints?(offsets: number[]): void
  /** A file's sync ended: its summary, or null when it failed. */
  onFileEnd?(file: FilePair, summary: Summary | null): void
  /** Something the user should know that does not fail the run. */
  onWarning?(text: string): void
}

type Event = keyof RunObserver

const EVENTS: readonly Event[] = ['onConnect', 'onFileStart', 'onPlan', 'onProgress', 'onCheckpoint', 'onCheckpoints', 'onFileEnd', 'onWarning']

/** One observer that tells each of `all`, in order. */
export function observers(...all: RunObserver[]): RunObserver {
  const out: RunObserver = {}
  for (const e of EVENTS) {
    const those = all.filter(o => o[e])
    if (those.length === 0) continue
    out[e] = ((...args: unknown[]) => {
      for (const o of those) (o[e] as (...a: unknown[]) => void).apply(o, args)
    }) as never
  }
  return out
}
