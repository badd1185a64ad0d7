// Where a sync starts: the resume decision, as a pure function of what was
// recorded at the last checkpoint and what both ends look like now.
//
// A checkpoint is trusted only if neither end can have changed below it
// since: the source unmodified (size, inode, change stamp), the destination
// the same object and size, with the change stamp (mtime and ctime in ns) it
// had when the checkpoint was made durable. Our own writes past the
// checkpoint move that stamp too, so after a kill in the middle of a sync
// the part already synced is compared again: that costs reading it, never a
// skipped change (issue 14, item 1: a 9-byte write below the checkpoint was
// left behind when only size and inode were compared). A block device has no
// stamp at all, so its synced part is always compared again. Comparing means
// starting at the part's beginning: the engine sends only blocks whose hashes
// differ. --trust-checkpoint skips these checks, but not the one --streams
// needs: its ranges are cut from the source size, so another size means other
// ranges and every stream starts over.
//
// The job file keeps one offset per stream (streams.ts hands each stream its
// own via resumePointOf); the decision for each is this same function.

import type {Identity} from '../disk/disk.js'
import type {Range} from '../engine/engine.js'

export interface ResumePoint {
  from: number
  source: Identity
  /** The destination as it was when `from` became durable: its stamp is that moment's. */
  dest: Identity
  /** Resume even if an end looks changed (--trust-checkpoint). */
  trust: boolean
}

/** The same file or device, unmodified: size, modification time and inode (and the change stamp where both have one). */
export function sameSource(a: Identity, b: Identity): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && sameObject(a, b) && (!a.stamp || !b.stamp || a.stamp === b.stamp)
}

/** The same destination object and size; whether it was written since is unchangedSince's question. */
export function sameDest(a: Identity, b: Identity): boolean {
  return a.size === b.size && sameObject(a, b)
}

/** Provably unwritten since `then`: both have a change stamp (files only) and it has not moved. */
export function unchangedSince(then: Identity, now: Identity): boolean {
  return !!then.stamp && then.stamp === now.stamp
}

function sameObject(a: Identity, b: Identity): boolean {
  return a.isDevice === b.isDevice && (a.rdev || a.dev) === (b.rdev || b.dev) && a.ino === b.ino
}

/** Why a sync starts where it does; stable names, for tests and logs. */
export type ResumeWhy = 'fresh' | 'resumed' | 'source-size-changed' | 'source-changed' | 'source-device' | 'dest-changed' | 'dest-written' | 'dest-device'

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
  'source-device': 'the source is a block device, whose changes leave no stamp, so the part already synced was compared again (--trust-checkpoint skips that)',
  'dest-changed': 'the destination changed since the checkpoint',
  'dest-written': 'the destination was written after the checkpoint (by this sync before it stopped, or by something else), so the part already synced was compared again (--trust-checkpoint skips that)',
  'dest-device': 'the destination is a block device, whose changes leave no stamp, so the part already synced was compared again (--trust-checkpoint skips that)',
}

function refusal(r: ResumePoint, now: ResumeInput): keyof typeof DISCARDED | null {
  if (now.streamed && r.source.size !== now.source.size) return 'source-size-changed'
  if (r.trust) return null
  if (!sameSource(r.source, now.source)) return 'source-changed'
  if (now.source.isDevice) return 'source-device'
  if (!now.dest || !sameDest(r.dest, now.dest)) return 'dest-changed'
  if (now.dest.isDevice) return 'dest-device'
  if (!unchangedSince(r.dest, now.dest)) return 'dest-written'
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
