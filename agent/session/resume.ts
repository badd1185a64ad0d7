// Where a sync starts: the resume decision, as a pure function of what was
// recorded at the last checkpoint and what both ends look like now.
//
// A checkpoint is trusted only if both ends are still the objects they were:
// the source unmodified (size, mtime, inode), the destination the same object
// and size (its mtime moves with our own writes after the checkpoint, which
// are rewritten anyway). --trust-checkpoint skips those checks, but not the
// one --streams needs: its ranges are cut from the source size, so another
// size means other ranges and every stream starts over.
//
// The job file keeps one offset per stream (streams.ts hands each stream its
// own via resumePointOf); the decision for each is this same function.

import type {Identity} from '../disk/disk.js'
import type {Range} from '../engine/engine.js'

export interface ResumePoint {
  from: number
  source: Identity
  dest: Identity
  /** Resume even if an end looks changed (--trust-checkpoint). */
  trust: boolean
}

/** The same file or device, unmodified: size, modification time and inode. */
export function sameSource(a: Identity, b: Identity): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && sameObject(a, b)
}

/**
 * The same destination object. Its mtime is not compared: our own writes
 * after the last checkpoint change it, and those are rewritten anyway.
 */
export function sameDest(a: Identity, b: Identity): boolean {
  return a.size === b.size && sameObject(a, b)
}

function sameObject(a: Identity, b: Identity): boolean {
  return a.isDevice === b.isDevice && (a.rdev || a.dev) === (b.rdev || b.dev) && a.ino === b.ino
}

/** Why a sync starts where it does; stable names, for tests and logs. */
export type ResumeWhy = 'fresh' | 'resumed' | 'source-size-changed' | 'source-changed' | 'dest-changed'

export interface ResumeInput {
  /** The job's checkpoint for this range, if the run resumes one. */
  resume?: ResumePoint
  /** The ends as they are now; dest is null when it does not exist (a dry run). */
  source: Identity
  dest: Identity | null
  /** The part of the file this session syncs: the whole file, or one stream's range. */
  part: Range
  blockSize: number
  /** One of several streams (their ranges depend on the source size). */
  streamed: boolean
}

export interface ResumeDecision {
  /** The offset the sync starts at: the part's start, or a checkpoint on a block boundary. */
  start: number
  why: ResumeWhy
  /** Why a checkpoint was not used, for the summary; null when it was, or there was none. */
  discarded: string | null
}

const DISCARDED: Record<Exclude<ResumeWhy, 'fresh' | 'resumed'>, string> = {
  'source-size-changed': 'the source size changed since the checkpoint',
  'source-changed': 'the source changed since the checkpoint',
  'dest-changed': 'the destination changed since the checkpoint',
}

function refusal(r: ResumePoint, now: ResumeInput): keyof typeof DISCARDED | null {
  if (now.streamed && r.source.size !== now.source.size) return 'source-size-changed'
  if (r.trust) return null
  if (!sameSource(r.source, now.source)) return 'source-changed'
  if (!now.dest || !sameDest(r.dest, now.dest)) return 'dest-changed'
  return null
}

export function decideResume(now: ResumeInput): ResumeDecision {
  const {resume: r, part} = now
  const end = part.offset + part.length
  // A checkpoint at or before the part's start saves nothing: not a resume.
  const refused = r && r.from > part.offset ? refusal(r, now) : null
  const why: ResumeWhy = !r || r.from <= part.offset ? 'fresh' : refused ?? 'resumed'
  const start = why === 'resumed' ? Math.min((r as ResumePoint).from, end) : part.offset
  return {start: onBlock(start, end, now.blockSize), why, discarded: refused ? DISCARDED[refused] : null}
}

/** Back to a block boundary, unless the range is done (its end may be the unaligned end of the file). */
function onBlock(start: number, end: number, blockSize: number): number {
  return start < end ? start - (start % blockSize) : start
}

/** Stream `index`'s resume point: the job's, at that stream's own checkpoint (0 when it has none). */
export function resumePointOf(resume: ResumePoint | undefined, index: number, each: readonly number[] | undefined): ResumePoint | undefined {
  return resume ? {...resume, from: each?.[index] ?? 0} : undefined
}
