// Which ranges of a file changed between two reflink snapshots of it, from
// their FIEMAP extent maps alone: no data is read.
//
// A reflink snapshot shares its extents with the file; the file system never
// writes a shared extent in place (copy on write), so a block the guest
// rewrote after the snapshot sits at a new physical address. The converse is
// what makes the shortcut safe: while the base snapshot exists its extents
// cannot be freed and reused, so a logical offset that maps to the same
// physical byte in both snapshots holds the same data. Anything the map does
// not state plainly (delayed allocation, inline or encoded extents) counts as
// changed: a range wrongly called changed only costs a read.

import type {MappedExtent} from '../disk/native.js'
import type {Range} from '../engine/engine.js'

// FIEMAP_EXTENT_UNKNOWN | DELALLOC | ENCODED | DATA_ENCRYPTED | NOT_ALIGNED | DATA_INLINE | DATA_TAIL
const VAGUE = 0x2 | 0x4 | 0x8 | 0x80 | 0x100 | 0x200 | 0x400
const UNWRITTEN = 0x800
/** Most ranges one plan carries (each is two varints in Start, under the 1 MiB frame limit). */
export const MAX_TRACKED_RANGES = 32_768

export interface FileMap {
  size: number
  /** Ascending; read once, one extent at a time (a FIEMAP cursor), so no map is ever held whole. */
  extents: Iterable<MappedExtent>
}

/** One map walked forward: the extents within the file, the last cut at its size (FIEMAP also maps preallocation past it). */
class Walk {
  private readonly it: Iterator<MappedExtent>
  private readonly size: number
  private cur: MappedExtent | null

  constructor(m: FileMap) {
    this.it = m.extents[Symbol.iterator]()
    this.size = m.size
    this.cur = this.pull()
  }

  /** Where logical offset `pos` lies: the physical byte, or null in a hole; and how far that stays linear. `pos` only grows. */
  at(pos: number): {phys: number | null; flags: number; until: number} {
    while (this.cur && this.cur.logical + this.cur.length <= pos) this.cur = this.pull()
    const e = this.cur
    if (!e) return {phys: null, flags: 0, until: Infinity}
    if (pos < e.logical) return {phys: null, flags: 0, until: e.logical}
    return {phys: e.physical + (pos - e.logical), flags: e.flags, until: e.logical + e.length}
  }

  private pull(): MappedExtent | null {
    const r = this.it.next()
    if (r.done || r.value.logical >= this.size) return null
    const e = r.value
    return e.logical + e.length > this.size ? {...e, length: this.size - e.logical} : e
  }
}

/**
 * The byte ranges of `next` whose contents may differ from `base`, within
 * [0, next.size), ascending: unchanged means both are holes, or both map to
 * the same physical byte with the same written state. Both maps are walked
 * once, side by side; only the current extent of each is held.
 */
export function* changedBytes(base: FileMap, next: FileMap): Generator<Range, void, undefined> {
  const a = new Walk(base)
  const b = new Walk(next)
  let run: Range | null = null
  for (let pos = 0; pos < next.size;) {
    const x = a.at(pos)
    const y = b.at(pos)
    const until = Math.min(x.until, y.until, next.size)
    const same = x.phys === y.phys && ((x.flags | y.flags) & VAGUE) === 0 && (x.flags & UNWRITTEN) === (y.flags & UNWRITTEN)
    if (!same && run && run.offset + run.length === pos) run.length += until - pos
    else if (!same) {
      if (run) yield run
      run = {offset: pos, length: until - pos}
    }
    pos = until
  }
  if (run) yield run
}

/**
 * Ranges widened to whole `grain` pieces, merged, and capped in number. The
 * grain is the fine 4 KiB unit, not the coarse block: 1% of 4 KiB blocks
 * rewritten at random touch about 16% of the 64 KiB blocks, and the engine
 * reads only the ranges, treating the rest of a coarse block as equal.
 */
export function toBlocks(ranges: Iterable<Range>, grain: number, size: number, max = MAX_TRACKED_RANGES): Range[] {
  const out: Range[] = []
  for (const r of ranges) {
    const from = Math.floor(r.offset / grain) * grain
    const to = Math.min(size, Math.ceil((r.offset + r.length) / grain) * grain)
    const last = out[out.length - 1]
    if (last && last.offset + last.length >= from) last.length = Math.max(last.length, to - last.offset)
    else if (to > from) out.push({offset: from, length: to - from})
  }
  return out.length <= max ? out : coarsen(out, max)
}

/** Merge across the smallest gaps until at most `max` ranges remain: more is read, never less. */
function coarsen(ranges: Range[], max: number): Range[] {
  const gaps = ranges.slice(1).map((r, k) => r.offset - ((ranges[k] as Range).offset + (ranges[k] as Range).length)).sort((p, q) => p - q)
  const limit = gaps[ranges.length - max - 1] as number
  const out: Range[] = []
  let merged = 0
  for (const r of ranges) {
    const last = out[out.length - 1]
    const gap = last ? r.offset - (last.offset + last.length) : Infinity
    if (last && gap <= limit && merged < ranges.length - max) {
      last.length = r.offset + r.length - last.offset
      merged++
    } else {
      out.push({...r})
    }
  }
  return out
}
