// Helpers for the sparse-file and block-device tests: sparse files, fast
// comparison of big sparse files (data extents only), loop devices detached
// at teardown, a mounted device, and an in-process agent. The CLI and CLI
// agents are in test/helpers/cli.ts (a minimal cli()/keygen() stays here for
// the tests written against it).

import {execFileSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {closeSync, fstatSync, ftruncateSync, mkdtempSync, openSync, readFileSync, readSync, rmdirSync, statSync, writeFileSync, writeSync, statfsSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Test} from 'tap'
import {syncWithAgent} from '../../agent/session/client.js'
import {DEFAULT_BLOCK} from '../../agent/engine/engine.js'
import {Disk} from '../../agent/disk/disk.js'
import {dataExtents, type Extent} from '../../agent/disk/extents.js'
import {KeyRing, newKey} from '../../agent/wire/keys.js'
import {startAgent} from '../../agent/session/server.js'
import type {Summary, SyncOptions} from '../../agent/session/session.js'

export const KiB = 1024
export const MiB = 1024 * KiB
export const GiB = 1024 * MiB

/** Allocated bytes (st_blocks * 512). */
export function allocated(path: string): number {
  return statSync(path).blocks * 512
}

/** Write `data` at `offset` of an existing file. */
export function put(path: string, offset: number, data: Buffer): void {
  const fd = openSync(path, 'r+')
  try {
    writeSync(fd, data, 0, data.length, offset)
  } finally {
    closeSync(fd)
  }
}

/** A sparse file of `size` bytes with random data at each of `pieces` ([offset, length]). */
/** A new empty file in the test's own folder (on the project's filesystem), open read-write; closed at teardown. */
export function freshFile(t: Test, name = 'f'): {fd: number; path: string; bsize: number} {
  const path = join(t.testdir(), name)
  const fd = openSync(path, 'w+')
  t.teardown(() => closeSync(fd))
  return {fd, path, bsize: statfsSync(path).bsize}
}

/** Write `data` at `offset` of an open file. */
export function putFd(fd: number, offset: number, data: Buffer): void {
  writeSync(fd, data, 0, data.length, offset)
}

export function sparseFile(path: string, size: number, pieces: Array<[number, number]>): void {
  const fd = openSync(path, 'w')
  try {
    for (const [off, len] of pieces) writeSync(fd, randomBytes(len), 0, len, off)
    ftruncateSync(fd, size)
  } finally {
    closeSync(fd)
  }
}

export function extentsOf(path: string, start = 0, end?: number): Extent[] {
  const fd = openSync(path, 'r')
  try {
    return dataExtents(fd, start, end ?? fstatSync(fd).size)
  } finally {
    closeSync(fd)
  }
}

/** True when [offset, offset+length) holds no data extent (it is a hole). */
export function isHole(path: string, offset: number, length: number): boolean {
  return extentsOf(path, offset, offset + length).length === 0
}

function union(a: Extent[], b: Extent[]): Extent[] {
  const all = [...a, ...b].sort((x, y) => x.offset - y.offset)
  const out: Extent[] = []
  for (const e of all) {
    const last = out.at(-1)
    if (last && e.offset <= last.offset + last.length) {
      last.length = Math.max(last.length, e.offset + e.length - last.offset)
    } else {
      out.push({...e})
    }
  }
  return out
}

/**
 * Where two files (or devices) differ, as the first differing offset, or
 * null when they are identical. Only the data extents of either side are
 * read (a hole reads as zeros), so comparing big sparse files is fast.
 * `size` limits the comparison (a device may be larger than its source).
 */
export function firstDifference(a: string, b: string, size?: number): number | null {
  const fa = openSync(a, 'r')
  const fb = openSync(b, 'r')
  try {
    const n = size ?? fstatSync(fa).size
    if (size === undefined && fstatSync(fb).size !== n) return Math.min(n, fstatSync(fb).size)
    const chunk = 4 * MiB
    const ba = Buffer.alloc(chunk)
    const bb = Buffer.alloc(chunk)
    for (const e of union(dataExtents(fa, 0, n), dataExtents(fb, 0, n))) {
      for (let at = e.offset; at < e.offset + e.length; at += chunk) {
        const len = Math.min(chunk, e.offset + e.length - at)
        const ra = readFull(fa, ba, len, at)
        const rb = readFull(fb, bb, len, at)
        if (ra !== rb || !ba.subarray(0, len).equals(bb.subarray(0, len))) {
          for (let i = 0; i < len; i++) if (ba[i] !== bb[i]) return at + i
          return at + Math.min(ra, rb)
        }
      }
    }
    return null
  } finally {
    closeSync(fa)
    closeSync(fb)
  }
}

function readFull(fd: number, buf: Buffer, len: number, pos: number): number {
  let done = 0
  while (done < len) {
    const n = readSync(fd, buf, done, len - done, pos + done)
    if (n === 0) break
    done += n
  }
  buf.fill(0, done, len)
  return done
}

/** Why loop-device tests cannot run here, or false when they can. */
export function loopSkipReason(): string | false {
  if (process.platform !== 'linux') return 'loop devices are Linux only'
  if (process.getuid?.() !== 0) return 'loop devices need root'
  try {
    execFileSync('losetup', ['--version'], {stdio: 'ignore'})
  } catch {
    return 'losetup (util-linux) is not installed'
  }
  return false
}

/** Attach `file` to a free loop device; it is detached at teardown. */
export function attachLoop(t: Test, file: string): string {
  const dev = execFileSync('losetup', ['--find', '--show', file], {encoding: 'utf8'}).trim()
  t.teardown(() => {
    try {
      execFileSync('losetup', ['-d', dev], {stdio: 'ignore'})
    } catch {}
  })
  return dev
}

/** A backing file of `size` bytes filled with `byte`, attached to a loop device. */
export function loopDevice(t: Test, dir: string, name: string, size: number, byte = 0): {dev: string; file: string} {
  const file = join(dir, name)
  const fd = openSync(file, 'w')
  try {
    if (byte === 0) {
      ftruncateSync(fd, size)
    } else {
      const chunk = Buffer.alloc(Math.min(size, MiB), byte)
      for (let at = 0; at < size; at += chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, size - at), at)
    }
  } finally {
    closeSync(fd)
  }
  return {dev: attachLoop(t, file), file}
}

/** mkfs.ext4 `dev` and mount it on a fresh folder; unmounted (and the folder removed) at teardown. */
export function mountExt4(t: Test, dev: string): string {
  // No lazy init: an idle mounted filesystem must not write to the device.
  execFileSync('mkfs.ext4', ['-q', '-F', '-E', 'lazy_itable_init=0,lazy_journal_init=0', dev], {stdio: 'ignore'})
  // Outside t.testdir(): tap removes that before later teardowns run.
  const dir = mkdtempSync(join(tmpdir(), 'blockpair-mnt-'))
  execFileSync('mount', [dev, dir])
  t.teardown(() => {
    execFileSync('umount', [dir])
    rmdirSync(dir)
  })
  return dir
}

export type SyncFn = (direction: 'push' | 'pull', local: string, remote: string, opts?: Partial<SyncOptions>) => Promise<Summary>

/**
 * An agent in this process (real TLS on loopback) that may use `allow`, and
 * a function that syncs a local path with a path at that agent. Closed at teardown.
 */
export async function inProcessAgent(t: Test, allow: string[]): Promise<SyncFn> {
  const keys = new KeyRing([newKey('test')])
  const agent = await startAgent({host: '127.0.0.1', port: 0, keys, allow})
  t.teardown(() => agent.close())
  return (direction, local, remote, opts = {}) =>
    syncWithAgent(agent.address, keys, undefined, {direction, localPath: local, remotePath: remote, blockSize: DEFAULT_BLOCK, ...opts})
}

/**
 * `src` and `dst` as two files of a fresh test folder, opened as a sync's
 * two ends (closed when `t` ends), for the engine's peers run in-process;
 * `out()` reads the destination back.
 */
export async function openEnds(t: Test, src: Buffer, dst: Buffer): Promise<{source: Disk; dest: Disk; out: () => Buffer}> {
  const dir = t.testdir()
  writeFileSync(join(dir, 'src'), src)
  writeFileSync(join(dir, 'dst'), dst)
  const source = await Disk.openRead(join(dir, 'src'))
  const dest = await Disk.openWrite(join(dir, 'dst'))
  t.teardown(async () => {
    await source.close()
    await dest.close()
  })
  return {source, dest, out: () => readFileSync(join(dir, 'dst'))}
}
