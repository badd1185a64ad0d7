// --track-changes in a session: which end does what (agent/track holds the
// how). The source end snapshots its file and reads the snapshot; each end
// states its half of the pair's lineage (Track in Opened for the responder);
// the initiator decides and puts the changed ranges in Start; the responder
// refuses ranges its own half does not back. Each end records its half only
// after a sync that succeeded. A sync without the flag drops the pair's
// tracking state at both ends: the destination moves on, so a base would be
// stale, and its snapshot only costs space.

import fs from 'node:fs'
import type {Disk} from '../disk/disk.js'
import type {EngineResult, Plan, Range} from '../engine/engine.js'
import {isResumable, ProtocolError} from '../errors.js'
import type {Message} from '../../proto/codec.js'
import {decide, DestTrack, SourceTrack, untrackEnd, type TrackDecision, type TrackState} from '../track/lineage.js'
import {checkPair} from '../track/state.js'

export interface ChangeTracking {
  method: 'reflink' | null
  used: boolean
  reason: string | null
  bytesSkipped: number
}

export const UNTRACKED: ChangeTracking = Object.freeze({method: null, used: false, reason: null, bytesSkipped: 0})

/** This end's half of a tracked session. */
export class EndTrack {
  private source: SourceTrack | null = null
  private dest: DestTrack | null = null
  /** The plan read only tracked ranges: the destination was written within them alone. */
  private ranged = false

  constructor(readonly pair: string, readonly on: boolean) {
    checkPair(pair)
  }

  /** The path to open as the source: its snapshot when tracked. `fd`: snapshot the file open there. */
  sourcePath(file: string, blockSize: number, fd?: number): string {
    if (!this.on) return file
    this.source = SourceTrack.open(file, this.pair, blockSize, fd)
    return this.source.readPath
  }

  /** The destination, once open: is it what the last sync of the pair left? */
  checkDest(file: string, disk: Disk | null, blockSize: number): void {
    if (!this.on) return
    const st = disk && !disk.isDevice ? fs.fstatSync(disk.fd, {bigint: true}) : null
    this.dest = DestTrack.check(file, this.pair, blockSize, st, !!disk?.isDevice)
  }

  get state(): TrackState | null {
    return this.source?.state ?? this.dest?.state ?? null
  }

  /** A plan with ranges is acceptable here only when this end's half of the lineage holds. */
  checkPlan(plan: Plan): void {
    if (plan.ranges && (!this.state || this.state.reason !== null)) {
      throw new ProtocolError('E_BAD_PLAN', 'the plan skips unchanged ranges, but this end has no matching lineage for the pair')
    }
    this.ranged = !!plan.ranges
  }

  /**
   * After the session (its summary already taken): record success, or drop
   * the failed sync's snapshot. An interrupted tracked sync wrote the
   * destination only within its ranges, which any later snapshot of the
   * source finds changed against the same base again: the destination
   * restamps its record, so the resume (or next sync) stays tracked.
   */
  async settle(file: string, disk: Disk | null, result: EngineResult | null, dryRun: boolean, failure: unknown = null): Promise<void> {
    if (!result) {
      if (this.ranged && interrupted(failure) && this.dest && disk && !disk.isDevice) this.dest.restamp(fs.fstatSync(disk.fd, {bigint: true}))
      return this.source?.abort()
    }
    if (dryRun) return this.source?.abort()
    if (!this.on) return untrackEnd(file, this.pair)
    if (this.dest && disk && !disk.isDevice) this.dest.commit(result.digest, fs.fstatSync(disk.fd, {bigint: true}))
    await this.source?.commit(result.digest)
  }
}

/**
 * A failure that leaves the job resumable (a lost peer, a signal), not one
 * that casts doubt on the data. A frame cut short is a peer killed while
 * sending it: the frame was never applied.
 */
function interrupted(err: unknown): boolean {
  const e = err as {code?: string; exit?: number} | null
  return !!e?.code && (isResumable(e.code, e.exit) || e.code === 'E_FRAME_TRUNCATED')
}

export function trackMessage(s: TrackState | null): Message<'opened'>['track'] {
  if (!s) return null
  const r = s.ranges ?? []
  return {method: s.method ?? '', reason: s.reason ?? '', digest: Buffer.from(s.digest, 'hex'), rangeOffsets: r.map(x => x.offset), rangeLengths: r.map(x => x.length)}
}

export function trackState(m: Message<'opened'>['track'], source: boolean): TrackState {
  if (!m) return {method: null, reason: 'the other end did not answer for change tracking', digest: '', ranges: null}
  const offsets = m.rangeOffsets ?? []
  const lengths = m.rangeLengths ?? []
  if (offsets.length !== lengths.length) throw new ProtocolError('E_BAD_FRAME', 'the tracked ranges are malformed')
  return {
    method: m.method === 'reflink' ? 'reflink' : null,
    reason: m.reason || null,
    digest: Buffer.from(m.digest ?? []).toString('hex'),
    ranges: source && !m.reason ? offsets.map((o, i) => ({offset: o, length: lengths[i] as number})) : null,
  }
}

/** The initiator's decision, and the ranges of [start, end) the plan reads. */
export function decideTracking(source: TrackState, dest: TrackState, start: number, end: number): {decision: TrackDecision; ranges: Range[] | null} {
  const decision = decide(source, dest)
  if (!decision.used) return {decision, ranges: null}
  const ranges: Range[] = []
  for (const r of decision.ranges ?? []) {
    const a = Math.max(r.offset, start)
    const b = Math.min(r.offset + r.length, end)
    if (a < b) ranges.push({offset: a, length: b - a})
  }
  return {decision, ranges}
}

/** Why --track-changes was given but not run: a dry run writes no lineage, streams would each snapshot. */
export function offReason(asked: boolean, dryRun: boolean, streamed: boolean): string | null {
  if (!asked || !(dryRun || streamed)) return null
  return `change tracking does not run with ${dryRun ? '--dry-run' : '--streams'}: full compare`
}

/** The initiator's decision from its own half and the other end's (in Opened). */
export function decideEnds(localRole: 'source' | 'dest', mine: TrackState | null, remote: Message<'opened'>['track'], start: number, end: number): ReturnType<typeof decideTracking> {
  const here = mine ?? trackState(null, false)
  const there = trackState(remote, localRole === 'dest')
  return localRole === 'source' ? decideTracking(here, there, start, end) : decideTracking(there, here, start, end)
}

export function reportOf(decision: TrackDecision | null, plan: Plan, off: string | null = null): ChangeTracking {
  if (!decision) return {...UNTRACKED, reason: off}
  const read = (plan.ranges ?? []).reduce((a, r) => a + r.length, 0)
  return {method: decision.method, used: decision.used, reason: decision.reason, bytesSkipped: decision.used ? plan.end - plan.start - read : 0}
}
