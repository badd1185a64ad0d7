// The plan a session sends in Start, and the checks both ends make on it.
// The initiator computes it from what the two ends reported when opened
// (planFor); the responder decodes it (planFrom) and checks it against its
// own end before running anything (checkPlan), since a plan is peer input.

import {deviceTooSmall, type Identity} from '../disk/disk.js'
import {FINE, SEGMENT_BYTES, validateBlockSize, type Plan, type Range} from '../engine/engine.js'
import {ProtocolError} from '../errors.js'
import type {Start} from '../../proto/codec.js'
import {MAX_TRACKED_RANGES} from '../track/extent-diff.js'

/**
 * The part of a `size`-byte file that stream `index` of `count` syncs: cut at
 * multiples of the segment size so no segment is split. Trailing streams of a
 * small file get an empty range at the end.
 */
export function streamRange(index: number, count: number, size: number): Range {
  const unit = SEGMENT_BYTES
  const units = Math.ceil(size / unit)
  const cut = (i: number): number => Math.min(size, Math.floor((units * i) / count) * unit)
  return {offset: cut(index), length: cut(index + 1) - cut(index)}
}

/** What the initiator knows of the destination once both ends are open. */
export interface DestState {
  size: number
  existed: boolean
  isDevice: boolean
}

export interface PlanInput {
  sourceSize: number
  dest: DestState
  blockSize: number
  /** Where the sync starts (a resume decision) and the end of its part. */
  start: number
  end: number
  dryRun: boolean
  verify: boolean
  /** The mtime a file destination takes at the end (the source's), or undefined to leave it. */
  mtimeNs?: string
}

export function planFor(p: PlanInput): Plan {
  return {
    size: p.sourceSize,
    blockSize: p.blockSize,
    start: p.start,
    end: p.end,
    // A device may hold anything; a file holds zeros past its old end.
    destZeroFrom: p.dest.isDevice ? p.sourceSize : p.dest.existed ? Math.min(p.dest.size, p.sourceSize) : 0,
    dryRun: p.dryRun,
    verify: p.verify && !p.dryRun,
    ...(p.mtimeNs && !p.dest.isDevice ? {mtimeNs: p.mtimeNs} : {}),
  }
}

/** The destination as it will be once resized: what a resume must find again. */
export function destAfter(dest: Identity | null, isDevice: boolean, sourceSize: number): Identity {
  if (!dest) return {size: sourceSize, isDevice: false, mtimeMs: 0, dev: 0, ino: 0, rdev: 0}
  return {...dest, size: isDevice ? dest.size : sourceSize}
}

export function planFrom(m: Start): Plan {
  const plan: Plan = {size: Number(m.size ?? 0), blockSize: m.blockSize ?? 0, start: Number(m.start ?? 0), end: Number(m.end ?? 0), destZeroFrom: Number(m.destZeroFrom ?? 0), dryRun: !!m.dryRun, verify: !!m.verify,
    ...(m.mtimeNs ? {mtimeNs: m.mtimeNs} : {})}
  if (m.tracked) plan.ranges = rangesFrom(m.rangeOffsets ?? [], m.rangeLengths ?? [])
  return plan
}

/** The plan as Start carries it. */
export function startOf(p: Plan): Start {
  const {ranges, ...rest} = p
  if (!ranges) return rest
  return {...rest, tracked: true, rangeOffsets: ranges.map(r => r.offset), rangeLengths: ranges.map(r => r.length)}
}

export function rangesFrom(offsets: readonly number[], lengths: readonly number[]): Range[] {
  if (offsets.length !== lengths.length || offsets.length > MAX_TRACKED_RANGES) throw new ProtocolError('E_BAD_PLAN', 'the tracked ranges are malformed')
  return offsets.map((o, i) => ({offset: Number(o), length: Number(lengths[i])}))
}

/** Tracked ranges: ascending, apart, within the file and on 4 KiB boundaries (but for its end). */
function checkRanges(p: Plan): void {
  let at = 0
  const aligned = (n: number): boolean => n % FINE === 0 || n === p.size
  for (const r of p.ranges ?? []) {
    const end = r.offset + r.length
    if (!(Number.isSafeInteger(r.offset) && Number.isSafeInteger(r.length) && r.length > 0 && r.offset >= at && end <= p.size && aligned(r.offset) && aligned(end))) {
      throw new ProtocolError('E_BAD_PLAN', `the tracked range [${r.offset}, ${end}) is out of order or out of range`)
    }
    at = end
  }
}

export function checkPlan(p: Plan, sourceSize: number | null, destIsDevice: boolean, destSize: number): void {
  const bad = validateBlockSize(p.blockSize)
  if (bad) throw new ProtocolError('E_BAD_PLAN', bad)
  if (![p.size, p.start, p.end, p.destZeroFrom].every(Number.isSafeInteger) || p.destZeroFrom > p.size) {
    throw new ProtocolError('E_BAD_PLAN', 'the plan holds an offset out of range')
  }
  // A range: [start, end) of the source, on block boundaries but for the
  // source's end (streams sync one range each; a resume starts past 0).
  const aligned = (n: number): boolean => n % p.blockSize === 0 || n === p.size
  if (!(p.start >= 0 && p.start <= p.end && p.end <= p.size && aligned(p.start) && aligned(p.end))) {
    throw new ProtocolError('E_BAD_PLAN', `the sync range [${p.start}, ${p.end}) does not fit a ${p.size}-byte source`)
  }
  checkRanges(p)
  if (p.mtimeNs !== undefined && !/^[0-9]{1,19}$/.test(p.mtimeNs)) throw new ProtocolError('E_BAD_PLAN', 'the plan\'s mtime is not a count of nanoseconds')
  if (sourceSize !== null && sourceSize !== p.size) throw new ProtocolError('E_BAD_PLAN', `the plan says the source has ${p.size} bytes, it has ${sourceSize}`)
  if (destIsDevice && destSize < p.size) throw deviceTooSmall('the destination device', destSize, p.size)
}
