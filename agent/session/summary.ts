// What a sync reports when it ends (the JSON Summary of --json): built once
// from the engine's result at the initiating end, which knows its own figures
// and the peer's (sent in Finish); for --streams, one Summary per stream
// merged into one for the whole file.

import type {Identity} from '../disk/disk.js'
import type {EngineResult, Plan, Range} from '../engine/engine.js'
import {streamRange, type DestState} from './plan.js'
import {UNTRACKED, type ChangeTracking} from './tracking.js'

export interface Summary {
  ok: boolean
  job: string | null
  source: string
  destination: string
  size: number
  blockSize: number
  blocks: number
  blocksChanged: number
  bytesReadSource: number
  bytesReadDest: number
  bytesSent: number
  bytesOnWire: number
  bytesWritten: number
  bytesZeroed: number
  durationMs: number
  resumedFrom: number
  /** Why a resume started from the beginning instead, or null. */
  resumeDiscarded: string | null
  verified: boolean
  /** The source changed while it was read: sync again with the source quiet (the VM stopped). */
  sourceChanged: boolean
  /** The ranges that differed (sent or zeroed; a dry run's that would be), sorted and merged. */
  differences: Range[]
  dryRun: boolean
  destinationCreated: boolean
  /** Whether the destination existed, and its size, before the sync. */
  destinationExisted: boolean
  destinationSize: number
  destinationLargerBy: number
  sourceIdentity: Identity | null
  destIdentity: Identity | null
  /** --track-changes: which way it went and why (agent/session/tracking.ts). */
  changeTracking: ChangeTracking
}

/** One session's outcome, as the initiator saw it. */
export interface Outcome {
  localRole: 'source' | 'dest'
  job: string | null
  source: string
  destination: string
  plan: Plan
  result: EngineResult
  /** The destination before the sync. */
  dest: DestState
  sourceIdentity: Identity
  destIdentity: Identity
  resumeDiscarded: string | null
  bytesOnWire: number
  durationMs: number
  changeTracking?: ChangeTracking
}

interface Figures {
  bytesRead: number
  bytesWritten: number
  bytesZeroed: number
  bytesSent: number
  blocksChanged: number
}

/** Each role's figures: this end's from its engine, the other end's from its Finish. */
function byRole(localRole: 'source' | 'dest', r: EngineResult): {source: Figures; dest: Figures} {
  const p = r.peer
  const peer = {bytesRead: Number(p.bytesRead ?? 0), bytesWritten: Number(p.bytesWritten ?? 0), bytesZeroed: Number(p.bytesZeroed ?? 0), bytesSent: Number(p.bytesSent ?? 0), blocksChanged: Number(p.blocksChanged ?? 0)}
  return localRole === 'source' ? {source: r, dest: peer} : {source: peer, dest: r}
}

export function summarize(o: Outcome): Summary {
  const {plan, result: r, dest} = o
  const {source: src, dest: dst} = byRole(o.localRole, r)
  return {
    ok: true,
    job: o.job,
    source: o.source,
    destination: o.destination,
    size: plan.size,
    blockSize: plan.blockSize,
    blocks: r.blocks,
    blocksChanged: src.blocksChanged,
    bytesReadSource: src.bytesRead,
    bytesReadDest: dst.bytesRead,
    bytesSent: src.bytesSent,
    bytesOnWire: o.bytesOnWire,
    bytesWritten: dst.bytesWritten,
    // A dry run sends no Zero frames: what would be zeroed is the source's count.
    bytesZeroed: plan.dryRun ? src.bytesZeroed : dst.bytesZeroed,
    durationMs: o.durationMs,
    resumedFrom: plan.start,
    resumeDiscarded: o.resumeDiscarded,
    verified: r.verified,
    sourceChanged: r.sourceChanged,
    differences: sortedRanges(r.differences),
    dryRun: plan.dryRun,
    destinationCreated: !dest.existed && !plan.dryRun,
    destinationExisted: dest.existed,
    destinationSize: dest.size,
    destinationLargerBy: dest.isDevice ? Math.max(0, dest.size - plan.size) : 0,
    sourceIdentity: o.sourceIdentity,
    destIdentity: o.destIdentity,
    changeTracking: o.changeTracking ?? {...UNTRACKED},
  }
}

/** Ranges in file order, touching ones merged: they are noted as refinement finishes, not in order. */
export function sortedRanges(ranges: readonly Range[]): Range[] {
  const out: Range[] = []
  for (const r of [...ranges].sort((a, b) => a.offset - b.offset)) {
    const last = out[out.length - 1]
    if (last && last.offset + last.length >= r.offset) last.length = Math.max(last.length, r.offset + r.length - last.offset)
    else out.push({...r})
  }
  return out
}

const SUMMED = ['blocks', 'blocksChanged', 'bytesReadSource', 'bytesReadDest', 'bytesSent', 'bytesOnWire', 'bytesWritten', 'bytesZeroed'] as const

/** One summary for the whole file. Streams are in file order, so differences stay sorted. */
export function merge(parts: Summary[], durationMs: number): Summary {
  const first = parts[0] as Summary
  const s: Summary = {...first, durationMs, differences: parts.flatMap(p => p.differences)}
  for (const k of SUMMED) s[k] = parts.reduce((a, p) => a + p[k], 0)
  s.ok = parts.every(p => p.ok)
  s.verified = parts.every(p => p.verified)
  s.sourceChanged = parts.some(p => p.sourceChanged)
  // Bytes not synced again, as for one stream (whose range starts at 0).
  s.resumedFrom = bytesBelow(parts.map(p => p.resumedFrom), first.size)
  s.resumeDiscarded = parts.find(p => p.resumeDiscarded)?.resumeDiscarded ?? null
  // Only one stream created the destination; the others found it.
  s.destinationCreated = parts.some(p => p.destinationCreated)
  s.destinationExisted = !s.destinationCreated && first.destinationExisted
  return s
}

/** Bytes below each stream's offset within its own part, over all streams: for one stream, the offset. */
export function bytesBelow(offsets: readonly number[], size: number): number {
  return offsets.reduce((a, offset, i) => a + offset - streamRange(i, offsets.length, size).offset, 0)
}
