// An exact comparison of two sparse files that reads only their data: the union of
// the data extents of both (found with lseek SEEK_DATA/SEEK_HOLE, through koffi,
// independently of blockpair's own code) is compared byte for byte; everywhere
// else both files are holes, which read as zeros. cmp would read every hole in
// full (about a minute for 2 × 16 GiB here).

import {closeSync, fstatSync, openSync} from 'node:fs'
import {open} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {constants} from 'node:os'
import {type Extent, MiB} from './util.js'

const SEEK_DATA = 3
const SEEK_HOLE = 4

type Lseek = (fd: number, offset: number, whence: number) => number | bigint
let lseek: {fn: Lseek, errno: () => number} | null | undefined

function libc(): {fn: Lseek, errno: () => number} | null {
  if (lseek !== undefined) return lseek
  try {
    const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi')
    const fn = koffi.load('libc.so.6').func('int64_t lseek64(int fd, int64_t offset, int whence)') as unknown as Lseek
    lseek = {fn, errno: () => koffi.errno()}
  } catch {
    lseek = null
  }
  return lseek
}

/** Where a file's data is, or undefined when the platform or filesystem cannot tell. */
export function dataExtents(file: string): Extent[] | undefined {
  const l = libc()
  if (!l) return undefined
  const fd = openSync(file, 'r')
  try {
    const size = fstatSync(fd).size
    const out: Extent[] = []
    let pos = 0
    while (pos < size) {
      const start = Number(l.fn(fd, pos, SEEK_DATA))
      if (start < 0) {
        if (l.errno() === constants.errno.ENXIO) break
        return undefined
      }
      const end = Number(l.fn(fd, start, SEEK_HOLE))
      if (end < 0 || end <= start) return undefined
      out.push({offset: start, length: end - start})
      pos = end
    }
    return out
  } finally {
    closeSync(fd)
  }
}

function union(a: readonly Extent[], b: readonly Extent[]): Extent[] {
  const all = [...a, ...b].sort((x, y) => x.offset - y.offset)
  const out: Extent[] = []
  for (const e of all) {
    const last = out[out.length - 1]
    if (last && e.offset <= last.offset + last.length) {
      last.length = Math.max(last.length, e.offset + e.length - last.offset)
    } else {
      out.push({...e})
    }
  }
  return out
}

/**
 * Why dst differs from src, undefined when identical, or null when the extents
 * cannot be listed (then use cmp).
 */
export async function sparseDiffers(src: string, dst: string): Promise<string | undefined | null> {
  const a = dataExtents(src)
  const b = dataExtents(dst)
  if (!a || !b) return null
  const fa = await open(src, 'r')
  const fb = await open(dst, 'r')
  try {
    const sa = (await fa.stat()).size
    const sb = (await fb.stat()).size
    if (sa !== sb) return `sizes differ: ${sa} and ${sb} bytes`
    const ba = Buffer.allocUnsafe(4 * MiB)
    const bb = Buffer.allocUnsafe(4 * MiB)
    for (const r of union(a, b)) {
      const end = Math.min(r.offset + r.length, sa)
      for (let off = r.offset; off < end; off += ba.length) {
        const n = Math.min(ba.length, end - off)
        const [x, y] = await Promise.all([fa.read(ba, 0, n, off), fb.read(bb, 0, n, off)])
        if (x.bytesRead !== n || y.bytesRead !== n) return `short read at byte ${off}`
        if (!ba.subarray(0, n).equals(bb.subarray(0, n))) {
          let i = 0
          while (ba[i] === bb[i]) i++
          return `differ at byte ${off + i} (compared the data extents of both files)`
        }
      }
    }
    return undefined
  } finally {
    await fa.close()
    await fb.close()
  }
}
