// Reflink snapshots of a source file in its pair's state folder. A new
// snapshot is `next-<random>`; once the sync succeeds the source's lineage
// record names it as the base. A snapshot the record does not name is left
// over from a failed or killed sync and is removed before the next snapshot,
// so at most one base (plus the snapshot of a running sync) ever exists.

import {randomBytes} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {ficlone, fiemap} from '../disk/native.js'
import type {Range} from '../engine/engine.js'
import {changedBytes, toBlocks} from './extent-diff.js'
import {makePairDir, openState, readRecord} from './state.js'

/** Errors that mean "this file system (or file) has no reflink", not an I/O failure. */
const NO_REFLINK = new Set(['EOPNOTSUPP', 'ENOTSUP', 'EINVAL', 'ENOTTY', 'EXDEV', 'ENOSYS', 'EISDIR', 'EPERM', 'ETXTBSY'])

export function noReflink(err: unknown): boolean {
  return NO_REFLINK.has((err as {code?: string}).code ?? '')
}

const SNAPSHOT = /^next-[0-9a-f]+$/

/** Snapshots in `dir` that the source's record does not name as the base: left over, or the base just replaced. */
function stale(dir: string): string[] {
  let names: string[]
  try {
    names = fs.readdirSync(dir)
  } catch {
    return []
  }
  const base = readRecord(dir, 'source')?.snapshot
  return names.filter(n => SNAPSHOT.test(n) && n !== base).map(n => path.join(dir, n))
}

/** Remove what a failed or killed sync left: every snapshot but the base the source's record names. */
export function sweep(dir: string): void {
  for (const f of stale(dir)) fs.rmSync(f, {force: true})
}

/**
 * sweep() on the thread pool: freeing a fragmented snapshot's extents takes
 * the file system tens of milliseconds per GiB, which the event loop need
 * not sit through. Safe to be killed meanwhile: the record already names
 * the new base, so what is left is a stale snapshot the next sweep removes.
 */
export async function sweepAsync(dir: string): Promise<void> {
  await Promise.all(stale(dir).map(f => fs.promises.rm(f, {force: true})))
}

/**
 * A reflink clone of `source` in `dir` (not yet the base); throws with the
 * errno when the file system cannot. `fd`: clone the file already open
 * there (the one an agent's policy checked), not whatever the path names now.
 */
export async function takeSnapshot(dir: string, source: string, fd?: number): Promise<string> {
  makePairDir(dir)
  sweep(dir)
  const file = path.join(dir, `next-${randomBytes(6).toString('hex')}`)
  const src = fd ?? fs.openSync(source, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW)
  try {
    const dst = fs.openSync(file, 'wx', 0o600)
    try {
      await ficlone(dst, src)
    } catch (err) {
      fs.rmSync(file, {force: true})
      throw err
    } finally {
      fs.closeSync(dst)
    }
  } finally {
    if (fd === undefined) fs.closeSync(src)
  }
  return file
}

/**
 * The ranges of `next` that may differ from `base` (two snapshots of one
 * file), in whole `grain` pieces, from their extent maps: both are read
 * side by side, a batch at a time, never held whole.
 */
export function changedSince(base: string, next: string, grain: number): Range[] {
  const a = openState(base)
  try {
    const b = openState(next)
    try {
      const size = fs.fstatSync(b).size
      return toBlocks(changedBytes({size: fs.fstatSync(a).size, extents: fiemap(a)}, {size, extents: fiemap(b)}), grain, size)
    } finally {
      fs.closeSync(b)
    }
  } finally {
    fs.closeSync(a)
  }
}

/**
 * Bytes a snapshot holds that the live file no longer shares: the space
 * tracking costs. Rewrites still in the live file's page cache count once
 * written back (until then the file system still shares the old blocks).
 */
export function heldBytes(file: string): number {
  const FIEMAP_EXTENT_SHARED = 0x2000
  let fd: number
  try {
    fd = openState(file)
  } catch {
    return 0
  }
  try {
    let held = 0
    for (const e of fiemap(fd)) if ((e.flags & FIEMAP_EXTENT_SHARED) === 0) held += e.length
    return held
  } catch {
    return 0
  } finally {
    fs.closeSync(fd)
  }
}
