// Which parts of a sparse file hold data, so that a scan can skip holes
// without reading them: a hole is known to read as zeros.

import {seekData, seekHole} from './native.js'

export interface Extent {
  offset: number
  length: number
}

// errno codes meaning "this file/platform cannot tell data from holes",
// as opposed to a real I/O failure, which must propagate.
const UNSUPPORTED = new Set(['EINVAL', 'ENOSYS', 'EOPNOTSUPP', 'ENOTSUP', 'ESPIPE'])

function unsupported(err: unknown): boolean {
  return UNSUPPORTED.has((err as {code?: unknown})?.code as string)
}

/**
 * The data (non-hole) ranges of `fd` that intersect [start, end), clipped to
 * it, ascending and non-adjacent. Bytes not covered read as zeros.
 *
 * Boundaries are filesystem-block granular: a block holding one written byte
 * is data in full, and filesystems may report allocated-but-unwritten blocks
 * either way, so treat the result as "may hold non-zero bytes", never as
 * "is non-zero". Bytes past EOF are never reported, so callers comparing a
 * range longer than the file must size-check separately.
 *
 * When holes cannot be detected (no native layer, or a filesystem without
 * SEEK_DATA) the remaining range is returned as data: always safe, just slower.
 * Block devices report their whole size as data. `onRun`: each data run
 * found, whole (not clipped to the range).
 */
export function dataExtents(fd: number, start: number, end: number, onRun?: (run: Extent) => void): Extent[] {
  const out: Extent[] = []
  let pos = start
  while (pos < end) {
    let data: number | null
    let hole: number
    try {
      data = seekData(fd, pos)
      if (data === null || data >= end) break
      hole = seekHole(fd, data)
    } catch (err) {
      if (unsupported(err)) {
        out.push({offset: pos, length: end - pos})
        break
      }
      // The file shrank between the two seeks: nothing more to report.
      if ((err as {code?: unknown})?.code === 'ENXIO') break
      throw err
    }
    // A hole at the data offset would mean the filesystem contradicts itself
    // (or raced with a punch); report the rest as data rather than loop.
    if (hole <= data) {
      out.push({offset: pos, length: end - pos})
      break
    }
    onRun?.({offset: data, length: hole - data})
    const stop = Math.min(hole, end)
    out.push({offset: data, length: stop - data})
    pos = stop
  }
  return out
}

/**
 * dataExtents() of one file, range after range, remembering the last data
 * run found. On XFS (iomap) SEEK_HOLE walks every extent from the offset to
 * the next hole, and copy on write after reflink snapshots cuts a dense
 * image into tens of thousands of extents: a seek pair per 4 MiB segment
 * cost O(extents) each, and a tracked push of 4 GiB slowed from 10 s to
 * 46 s over three rounds (issue 15). Found once, a run covers the segments
 * after it. Only data is remembered, which is always safe: a run that has
 * since become a hole reads as zeros.
 */
export class DataMap {
  private run: Extent | null = null

  constructor(private readonly fd: number) {}

  extents(start: number, end: number): Extent[] {
    const r = this.run
    if (!r || start < r.offset || start >= r.offset + r.length) return this.scan(start, end)
    const stop = Math.min(end, r.offset + r.length)
    const head = {offset: start, length: stop - start}
    return stop >= end ? [head] : [head, ...this.scan(stop, end)]
  }

  /** The file was truncated: a run may now lie past its end. */
  forget(): void {
    this.run = null
  }

  private scan(start: number, end: number): Extent[] {
    return dataExtents(this.fd, start, end, run => { this.run = run })
  }
}
