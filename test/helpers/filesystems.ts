// Real file systems on loop devices for the change-tracking tests: a sparse
// image file, attached, made and mounted; unmounted and detached at teardown,
// whatever happened.

import {execFileSync} from 'node:child_process'
import {closeSync, mkdtempSync, openSync, rmSync, ftruncateSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {Test} from 'tap'
import {attachLoop, loopSkipReason, MiB} from './disks.js'

export type FsKind = 'xfs' | 'btrfs' | 'ext4'

const MKFS: Record<FsKind, {bin: string; args: string[]; size: number}> = {
  // XFS refuses file systems under 300 MiB; the image is sparse, so it costs little.
  xfs: {bin: 'mkfs.xfs', args: ['-q', '-f', '-m', 'reflink=1'], size: 320 * MiB},
  btrfs: {bin: 'mkfs.btrfs', args: ['-q', '-f'], size: 256 * MiB},
  ext4: {bin: 'mkfs.ext4', args: ['-q', '-F', '-E', 'lazy_itable_init=0,lazy_journal_init=0'], size: 128 * MiB},
}

/** Why a `kind` file system cannot be made here, or false. */
export function fsSkipReason(kind: FsKind): string | false {
  const loop = loopSkipReason()
  if (loop) return loop
  try {
    execFileSync('sh', ['-c', `command -v ${MKFS[kind].bin}`], {stdio: 'ignore'})
  } catch {
    return `${MKFS[kind].bin} is not installed (xfsprogs / btrfs-progs / e2fsprogs)`
  }
  return false
}

/** A fresh mounted `kind` file system; returns its mount point. */
export function mountFs(t: Test, kind: FsKind): string {
  const work = mkdtempSync(join(tmpdir(), `blockpair-${kind}-`))
  const image = join(work, 'fs.img')
  const fd = openSync(image, 'w')
  ftruncateSync(fd, MKFS[kind].size)
  closeSync(fd)
  t.teardown(() => rmSync(work, {recursive: true, force: true}))
  const dev = attachLoop(t, image)
  execFileSync(MKFS[kind].bin, [...MKFS[kind].args, dev], {stdio: 'ignore'})
  const dir = join(work, 'mnt')
  execFileSync('mkdir', [dir])
  execFileSync('mount', [dev, dir])
  // Teardowns run last-registered first: unmount, then detach, then remove.
  t.teardown(() => {
    try {
      execFileSync('umount', [dir])
    } catch {
      execFileSync('umount', ['-l', dir])
    }
  })
  return dir
}
