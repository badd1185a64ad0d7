// --track-changes and --changed-ranges in a session: which end does what
// (agent/track holds the how). Each end states its half of the pair's lineage
// (Track in Opened for the responder): with --track-changes the source end
// snapshots its file and reads the snapshot; with --changed-ranges the
// source's half is its record and the ranges are the user's, given to the
// initiator. The initiator decides and puts the ranges to read in Start; the
// responder refuses ranges its own half does not back. Every successful sync
// records the lineage at both ends (tracked or not), so that the next one may
// take a shortcut; one stream of several drops it (no stream is the sync).

import fs from 'node:fs'
import type {Disk} from '../disk/disk.js'
import {FINE, type EngineResult, type Plan, type Range} from '../engine/engine.js'
import {isResumable, ProtocolError} from '../errors.js'
import type {Message} from '../../proto/codec.js'
import {decide, DestTrack, recordDest, recordSource, SourceTrack, sourceRecordState, untrackEnd, type SyncedEnd, type TrackDecision, type TrackState} from '../track/lineage.js'
import {toBlocks} from '../track/extent-diff.js'
import {mergeRanges, refuseQcow2} from '../track/ranges-input.js'
import {checkPair} from '../track/state.js'

export interface ChangeTracking {
  method: 'reflink' | 'ranges' | 'cache' | null
  used: boolean
  reason: string | null
  bytesSkipped: number
}

export const UNTRACKED: ChangeTracking = Object.freeze({method: null, used: false, reason: null, bytesSkipped: 0})

/**
 * What an end does with the pair's lineage: `reflink` (--track-changes),
 * `ranges` (--changed-ranges), `record` (any other sync: record it after),
 * `drop` (one stream of several: remove it).
 */
export type LineageMode = 'reflink' | 'ranges' | 'record' | 'drop'

/** The mode from what was asked; a dry run records nothing, so it tracks nothing. */
export function lineageMode(a: {trackChanges?: boolean; changedRanges?: boolean; dryRun?: boolean; streamed?: boolean}): LineageMode {
  if (a.streamed) return 'drop'
  if (a.dryRun) return 'record'
  return a.trackChanges ? 'reflink' : a.changedRanges ? 'ranges' : 'record'
}

function headOf(fd: number): Buffer {
  const b = Buffer.alloc(4)
  return b.subarray(0, fs.readSync(fd, b, 0, 4, 0))
}

/** This end's half of a session's lineage. */
export class EndTrack {
  private source: SourceTrack | null = null
  private own: TrackState | null = null
  private end: (SyncedEnd & {role: 'source' | 'dest'; size: number}) | null = null
  /** The plan read only tracked ranges: the destination was written within them alone. */
  private ranged = false

  /** `trusted`: a destination device counts as untouched since the last sync (--trust-destination). */
  constructor(readonly pair: string, readonly mode: LineageMode, readonly trusted = false) {
    checkPair(pair)
  }

  /** Does this end state its half to the other (Track in Opened)? */
  get on(): boolean {
    return this.mode === 'reflink' || this.mode === 'ranges'
  }

  /** The path to open as the source: its snapshot with --track-changes. `fd`: snapshot the file open there. */
  async sourcePath(file: string, blockSize: number, fd?: number): Promise<string> {
    if (this.mode !== 'reflink') return file
    this.source = await SourceTrack.open(file, this.pair, blockSize, fd)
    return this.source.readPath
  }

  /** This end's file (`file`: the live one) is open: state its half when asked, and keep what its record needs. */
  opened(role: 'source' | 'dest', file: string, disk: Disk | null, blockSize: number): void {
    if (!disk) return
    this.end = {role, file, pair: this.pair, blockSize, isDevice: disk.isDevice, st: fs.fstatSync(disk.fd, {bigint: true}), size: disk.size}
    if (role === 'source' && this.mode === 'ranges') {
      refuseQcow2(headOf(disk.fd), file)
      this.own = sourceRecordState(this.end, disk.size)
    }
    if (role === 'dest' && this.on) this.own = DestTrack.check(file, this.pair, blockSize, this.end.st, disk.isDevice, this.mode === 'ranges' ? 'ranges' : 'reflink', this.trusted).state
  }

  get state(): TrackState | null {
    return this.source?.state ?? this.own
  }

  /** A plan with ranges is acceptable here only when this end's half of the lineage holds. */
  checkPlan(plan: Plan): void {
    if (plan.ranges && (!this.state || this.state.reason !== null)) {
      throw new ProtocolError('E_BAD_PLAN', 'the plan skips unchanged ranges, but this end has no matching lineage for the pair')
    }
    this.ranged = !!plan.ranges
  }

  /**
   * After the session (its summary already taken): record a success at this
   * end, or drop the failed sync's snapshot. An interrupted sync that read
   * only ranges wrote the destination within them alone, and the next pass
   * reads them again (a later snapshot finds them changed against the same
   * base; the job keeps the listed ranges): the destination restamps its
   * record, so the resume (or next sync) keeps the shortcut.
   */
  async settle(disk: Disk | null, result: EngineResult | null, dryRun: boolean, failure: unknown = null): Promise<void> {
    const end = this.end
    if (!result || dryRun) {
      if (!result && this.ranged && interrupted(failure) && end?.role === 'dest' && disk && !disk.isDevice) this.restamp(end, disk)
      return this.source?.abort()
    }
    if (!end || !disk) return
    if (this.mode === 'drop') return untrackEnd(end.file, this.pair, end.isDevice)
    if (end.role === 'dest') return recordDest({...end, st: fs.fstatSync(disk.fd, {bigint: true})}, result.digest)
    if (this.source?.snapshotted) return this.source.commit(result.digest)
    await recordSource(end, result.digest, end.size)
  }

  /** Keep the recorded sync's digest, take the stamp the interrupted sync's writes left. */
  private restamp(end: SyncedEnd, disk: Disk): void {
    if (this.own?.reason !== null || !this.own.digest) return
    recordDest({...end, st: fs.fstatSync(disk.fd, {bigint: true})}, Buffer.from(this.own.digest, 'hex'))
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
    method: m.method === 'reflink' || m.method === 'ranges' ? m.method : null,
    reason: m.reason || null,
    digest: Buffer.from(m.digest ?? []).toString('hex'),
    ranges: source && !m.reason ? offsets.map((o, i) => ({offset: o, length: lengths[i] as number})) : null,
  }
}

/** The ranges the user listed (--changed-ranges) of a `size`-byte source; read, with its growth, in whole 4 KiB pieces. */
export interface Listed {
  ranges: readonly Range[]
  size: number
}

/** The initiator's decision, and the ranges of [start, end) the plan reads. */
export function decideTracking(source: TrackState, dest: TrackState, start: number, end: number, listed?: Listed): {decision: TrackDecision; ranges: Range[] | null} {
  const decision = decide(source, dest)
  if (!decision.used) return {decision, ranges: null}
  const given = listed ? toBlocks(mergeRanges([...listed.ranges, ...(decision.ranges ?? [])]), FINE, listed.size) : decision.ranges ?? []
  const ranges: Range[] = []
  for (const r of given) {
    const a = Math.max(r.offset, start)
    const b = Math.min(r.offset + r.length, end)
    if (a < b) ranges.push({offset: a, length: b - a})
  }
  return {decision, ranges}
}

/** Why change tracking was asked for but not run: a dry run writes no lineage, no stream is the whole sync. */
export function offReason(asked: boolean, dryRun: boolean, streamed: boolean): string | null {
  if (!asked || !(dryRun || streamed)) return null
  return `change tracking does not run with ${dryRun ? '--dry-run' : '--streams'}: full compare`
}

/** The initiator's decision from its own half and the other end's (in Opened). */
export function decideEnds(localRole: 'source' | 'dest', mine: TrackState | null, remote: Message<'opened'>['track'], start: number, end: number, listed?: Listed): ReturnType<typeof decideTracking> {
  const here = mine ?? trackState(null, false)
  const there = trackState(remote, localRole === 'dest')
  return localRole === 'source' ? decideTracking(here, there, start, end, listed) : decideTracking(there, here, start, end, listed)
}

export function reportOf(decision: TrackDecision | null, plan: Plan, off: string | null = null): ChangeTracking {
  if (!decision) return {...UNTRACKED, reason: off}
  const read = (plan.ranges ?? []).reduce((a, r) => a + r.length, 0)
  return {method: decision.method, used: decision.used, reason: decision.reason, bytesSkipped: decision.used ? plan.end - plan.start - read : 0}
}
