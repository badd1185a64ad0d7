// Change tracking at each end of a pair, and the decision both halves feed.
//
//   source end (SourceTrack)              destination end (DestTrack)
//   snapshot the file (FICLONE), read     check its record: same block size,
//   from it; with a base of this pair:    and the file's stamp (size, dev,
//   FIEMAP both, the changed ranges       ino, mtime/ctime in ns) unchanged
//           └──────────── TrackState each ───────────┘
//                          decide(): the initiator
//   used only when both ends are as the last successful sync left them and
//   both name it by the same digest; otherwise the full compare, and why.
//   After a successful sync each end records the digest (commit); the source's
//   snapshot becomes the base and the old base goes. A failed sync removes its
//   snapshot (abort); a killed one leaves it for the next sweep.
//
// Every successful sync records the lineage, tracked or not (recordSource,
// recordDest: no snapshot then, and any old base goes, as it no longer
// matches the destination). --changed-ranges needs nothing more: the source's
// half is its record (the user's list says what changed), the destination's
// is the same check as above; a block device has no stamp, so its half holds
// only when the operator vouches for it (--trust-destination).

import fs from 'node:fs'
import path from 'node:path'
import {FINE, type Range} from '../engine/engine.js'
import {PolicyError} from '../errors.js'
import {changedSince, sweepAsync, takeSnapshot} from './snapshot.js'
import {pairDir, readRecord, removePair, sameStamp, stampOf, STATE_FOLDER, writeRecord, type LineageRecord} from './state.js'

export type TrackMethod = 'reflink' | 'ranges' | null

/** What one end says about a tracked pair when it is opened. */
export interface TrackState {
  method: TrackMethod
  /** Why this end cannot take the shortcut, or null. */
  reason: string | null
  /** The digest of the last successful sync it recorded, hex, or ''. */
  digest: string
  /** Source only: the ranges that changed since the base (whole 4 KiB pieces); with 'ranges', the growth past the last sync's size. */
  ranges: Range[] | null
}

export interface TrackDecision {
  method: TrackMethod
  used: boolean
  reason: string | null
  ranges: Range[] | null
}

/** The initiator's decision from both ends' states. */
export function decide(source: TrackState, dest: TrackState): TrackDecision {
  const no = (reason: string): TrackDecision => ({method: source.method, used: false, reason, ranges: null})
  if (source.reason) return no(source.reason)
  if (dest.reason) return no(dest.reason)
  if (!source.digest || source.digest !== dest.digest) return no('the two ends recorded different syncs (the destination was synced from elsewhere since)')
  return {method: source.method, used: true, reason: null, ranges: source.ranges}
}

function whyNotBase(rec: LineageRecord | null, dir: string, live: fs.BigIntStats, blockSize: number): string | null {
  if (!rec?.snapshot || !rec.live) return 'no base snapshot of this pair yet (first tracked sync): full compare'
  if (rec.blockSize !== blockSize) return `the block size differs from the last tracked sync's (${rec.blockSize})`
  if (rec.live.dev !== String(live.dev) || rec.live.ino !== String(live.ino)) return 'the source file was replaced since the last sync'
  try {
    if (!sameStamp(rec.stamp, stampOf(fs.statSync(path.join(dir, rec.snapshot), {bigint: true})))) return 'the base snapshot was modified'
  } catch {
    return 'the base snapshot is missing'
  }
  return null
}

/** Remove the pair's folder and, when it was the last, the state folder. */
function dropPair(dir: string): void {
  removePair(dir)
  dropEmpty(path.dirname(dir))
}

/** Remove folders made for nothing (a snapshot the file system refused). */
function dropEmpty(...dirs: string[]): void {
  for (const d of dirs) {
    try {
      fs.rmdirSync(d)
    } catch {}
  }
}

/** Whether the source (the file open at `fd`, else the path) is a block device; false when it cannot be told (the snapshot then says why). */
function isBlockDevice(live: string, fd?: number): boolean {
  try {
    return (fd === undefined ? fs.statSync(live) : fs.fstatSync(fd)).isBlockDevice()
  } catch {
    return false
  }
}

export class SourceTrack {
  private constructor(private readonly dir: string, private readonly live: string, private readonly snapshot: string | null,
    private readonly blockSize: number, readonly state: TrackState) {}

  /** No snapshot, for `reason`: the sync reads the live file and compares in full. */
  private static unsnapped(dir: string, live: string, blockSize: number, reason: string): SourceTrack {
    return new SourceTrack(dir, live, null, blockSize, {method: null, reason, digest: '', ranges: null})
  }

  /** Snapshot `live` and compare with the pair's base; any failure to do so means the full compare, never an error. */
  static async open(file: string, pair: string, blockSize: number, fd?: number): Promise<SourceTrack> {
    const live = path.resolve(file)
    const dir = pairDir(live, pair)
    // A device is no file to clone (FICLONE says EINVAL), and its folder is /dev: say what does track one.
    if (isBlockDevice(live, fd)) {
      return SourceTrack.unsnapped(dir, live, blockSize, `${live} is a block device: a reflink snapshot needs a file on XFS or btrfs (for an LVM thin volume or a QEMU dirty bitmap, use --changed-ranges): full compare`)
    }
    let snapshot: string
    try {
      snapshot = await takeSnapshot(dir, live, fd)
    } catch (err) {
      if (err instanceof PolicyError) throw err
      dropEmpty(dir, path.dirname(dir))
      const code = (err as {code?: string}).code ?? 'error'
      return SourceTrack.unsnapped(dir, live, blockSize, `no reflink snapshot of ${live} (${code}: its file system cannot clone, e.g. ext4): full compare`)
    }
    const rec = readRecord(dir, 'source')
    const liveSt = fd === undefined ? fs.statSync(live, {bigint: true}) : fs.fstatSync(fd, {bigint: true})
    const reason = whyNotBase(rec, dir, liveSt, blockSize)
    let ranges: Range[] | null = null
    if (!reason) {
      ranges = changedSince(path.join(dir, (rec as LineageRecord).snapshot as string), snapshot, FINE)
    }
    return new SourceTrack(dir, live, snapshot, blockSize, {method: 'reflink', reason, digest: reason ? '' : (rec as LineageRecord).digest, ranges})
  }

  get snapshotted(): boolean {
    return this.snapshot !== null
  }

  /** The file the sync reads: the snapshot (a point-in-time copy), or the live file without one. */
  get readPath(): string {
    return this.snapshot ?? this.live
  }

  /** The sync succeeded: its snapshot is the new base, the old one goes (off the event loop: see sweepAsync). */
  async commit(digest: Buffer): Promise<void> {
    if (!this.snapshot) return
    const liveSt = fs.statSync(this.live, {bigint: true})
    writeRecord(this.dir, {
      version: 1, pair: path.basename(this.dir), role: 'source', path: this.live, blockSize: this.blockSize, digest: digest.toString('hex'),
      stamp: stampOf(fs.statSync(this.snapshot, {bigint: true})), snapshot: path.basename(this.snapshot), live: {dev: String(liveSt.dev), ino: String(liveSt.ino)},
    })
    await sweepAsync(this.dir)
  }

  /** The sync failed: its snapshot goes, the base stays. */
  abort(): void {
    if (this.snapshot) fs.rmSync(this.snapshot, {force: true})
  }
}

export class DestTrack {
  private constructor(readonly state: TrackState) {}

  /**
   * Is the destination exactly what the last successful sync of this pair left?
   * `trusted`: a device counts as untouched on the operator's word (--trust-destination).
   */
  static check(file: string, pair: string, blockSize: number, st: fs.BigIntStats | null, isDevice: boolean, method: TrackMethod, trusted = false): DestTrack {
    const rec = readRecord(pairDir(file, pair, isDevice), 'dest')
    const say = (reason: string | null): DestTrack => new DestTrack({method, reason, digest: rec?.digest ?? '', ranges: null})
    if (isDevice && !trusted) return say('the destination is a block device, which has no change stamp: full compare (--trust-destination vouches that nothing wrote to it since the last sync)')
    if (!st || !rec) return say('no record of a previous sync of this pair at the destination: full compare')
    if (rec.blockSize !== blockSize) return say(`the block size differs from the last tracked sync's (${rec.blockSize})`)
    if (!isDevice && !sameStamp(rec.stamp, stampOf(st))) return say('the destination changed since the last sync (its size, inode, mtime or ctime): full compare')
    return say(null)
  }
}

/** What one end knows of the file it synced, for its record. */
export interface SyncedEnd {
  file: string
  pair: string
  blockSize: number
  isDevice: boolean
  st: fs.BigIntStats
}

/** A sync succeeded: the destination's half of the lineage is its stamp now. */
export function recordDest(end: SyncedEnd, digest: Buffer): void {
  writeRecord(pairDir(end.file, end.pair, end.isDevice), {
    version: 1, pair: end.pair, role: 'dest', path: end.file, blockSize: end.blockSize, digest: digest.toString('hex'), stamp: stampOf(end.st),
  })
}

/** A sync succeeded without a snapshot: the source's half is a record of what it copied; an old base goes. */
export async function recordSource(end: SyncedEnd, digest: Buffer, size: number): Promise<void> {
  const dir = pairDir(end.file, end.pair, end.isDevice)
  writeRecord(dir, {
    version: 1, pair: end.pair, role: 'source', path: end.file, blockSize: end.blockSize, digest: digest.toString('hex'),
    stamp: stampOf(end.st), live: {dev: String(end.st.dev), ino: String(end.st.ino)}, size,
  })
  await sweepAsync(dir)
}

/** --changed-ranges at the source: its record is its half; the bytes past the size it last copied are always read. */
export function sourceRecordState(end: SyncedEnd, size: number): TrackState {
  const rec = readRecord(pairDir(end.file, end.pair, end.isDevice), 'source')
  const say = (reason: string | null, ranges: Range[] | null = null): TrackState => ({method: 'ranges', reason, digest: reason ? '' : rec?.digest ?? '', ranges})
  if (!rec) return say('no record of a previous sync of this pair at the source (first sync): full compare')
  if (rec.blockSize !== end.blockSize) return say(`the block size differs from the last sync's (${rec.blockSize})`)
  if (!end.isDevice && rec.live && (rec.live.dev !== String(end.st.dev) || rec.live.ino !== String(end.st.ino))) return say('the source file was replaced since the last sync')
  const old = rec.size ?? Number(rec.stamp.size)
  return say(null, old < size ? [{offset: old, length: size - old}] : [])
}

/** One stream of a --streams sync is not the whole sync: this end's lineage of the pair goes (it would be stale anyway). */
export function untrackEnd(file: string, pair: string, isDevice = false): void {
  const dir = pairDir(file, pair, isDevice)
  if (fs.existsSync(dir)) dropPair(dir)
}

export {STATE_FOLDER}
