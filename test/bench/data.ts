// The benchmark's input files, made from fixed seeds (the same bytes every run):
// a dense random image, copies of it with a fraction of its 4 KiB blocks changed,
// a sparse image (data in scattered 1 MiB extents), a changed copy of that, and
// dense files as large as the sparse image's data (the "data floor"); a smaller
// dense image for the emulated-link full copy, and a bigger sparse image (same
// amount of data, twice the apparent size) with its changed copy for peak memory.
// Files are built when a case first needs them and deleted when no later case does.

import {existsSync, rmSync, statSync} from 'node:fs'
import {open} from 'node:fs/promises'
import path from 'node:path'
import {must} from './proc.js'
import {BLOCK, type Extent, MiB, Rng, randomStream, sampleDistinct} from './util.js'

export interface Sizes {
  /** The start-up case's file (a push that is all start-up). */
  small: number
  /** The dense image. */
  dense: number
  /** The sparse image: apparent size, bytes of data in it, and the size of each data extent. */
  sparseApparent: number
  sparseData: number
  extent: number
  /** The dense image of the full copy over the emulated 1 Gbit/s link (about 8 s at link rate at full size). */
  lanDense: number
  /** The big sparse image of the peak-memory cases: this apparent size, `sparseData` of data in `extent`s. */
  bigSparseApparent: number
  /** The dense image of the change-tracking case (on a loop-mounted XFS). */
  trackDense: number
}

export interface DataDef {
  id: string
  /** Bytes it takes on disk. */
  disk: number
  /** Other data this one is made from. */
  deps: string[]
  /** Where its data is (for reading sparse files without their holes); undefined: everywhere. */
  ranges?: Extent[]
  build(file: string, data: DataSet): Promise<void>
}

/** Where the sparse image's data is: `sparseData / extent` distinct extent-aligned slots. */
export function sparseLayout(s: Sizes, apparent = s.sparseApparent, label = 'sparse-layout'): Extent[] {
  const slots = apparent / s.extent
  const picked = sampleDistinct(new Rng(label), s.sparseData / s.extent, slots)
  return picked.map(i => ({offset: i * s.extent, length: s.extent}))
}

/** Where the big sparse image's data is (same amount of data as the sparse image, spread over `bigSparseApparent`). */
export function bigSparseLayout(s: Sizes): Extent[] {
  return sparseLayout(s, s.bigSparseApparent, 'big-sparse-layout')
}

/** Offsets of `fraction` of the 4 KiB blocks inside `ranges` (at least one), picked with a fixed seed. */
export function changedBlocks(ranges: readonly Extent[], fraction: number, label: string): number[] {
  const perRange = ranges.map(r => Math.floor(r.length / BLOCK))
  const total = perRange.reduce((a, b) => a + b, 0)
  const k = Math.max(1, Math.round(total * fraction))
  const picks = sampleDistinct(new Rng(`changes:${label}`), k, total)
  const out: number[] = []
  let ri = 0
  let before = 0 // blocks in ranges before ri
  for (const p of picks) {
    while (p >= before + perRange[ri]!) before += perRange[ri++]!
    out.push(ranges[ri]!.offset + (p - before) * BLOCK)
  }
  return out
}

export async function writeRandom(file: string, ranges: readonly Extent[], apparent: number, label: string): Promise<void> {
  const next = randomStream(label)
  const fh = await open(file, 'w')
  try {
    await fh.truncate(apparent)
    const chunk = 4 * MiB
    for (const r of ranges) {
      for (let off = 0; off < r.length; off += chunk) {
        const n = Math.min(chunk, r.length - off)
        await fh.write(next(n), 0, n, r.offset + off)
      }
    }
  } finally {
    await fh.close()
  }
}

/** Write random 4 KiB blocks at `offsets` in place; `sync`: fsync before returning (a guest's flushed writes). */
export async function overwriteBlocks(file: string, offsets: readonly number[], label: string, sync = false): Promise<void> {
  const next = randomStream(label)
  const fh = await open(file, 'r+')
  try {
    for (const off of offsets) await fh.write(next(BLOCK), 0, BLOCK, off)
    if (sync) await fh.sync()
  } finally {
    await fh.close()
  }
}

/** Copy keeping holes (reflink where the filesystem can). */
export async function copySparse(from: string, to: string): Promise<void> {
  await must(['cp', '--sparse=always', '--reflink=auto', from, to])
}

/**
 * A sparse image (`PREFIX-src`: random data in `layout`, holes elsewhere) and
 * its old copy (`PREFIX-old`: 1% of the data's 4 KiB blocks changed).
 */
function sparsePair(prefix: string, layout: Extent[], apparent: number, data: number): DataDef[] {
  const src = `${prefix}-src`
  const old = `${prefix}-old`
  return [
    {id: src, disk: data, deps: [], ranges: layout, build: f => writeRandom(f, layout, apparent, src)},
    {
      id: old,
      disk: data,
      deps: [src],
      ranges: layout,
      build: async (f, d) => {
        await copySparse(d.path(src), f)
        await overwriteBlocks(f, changedBlocks(layout, 0.01, `${prefix}-1`), old)
      },
    },
  ]
}

/** Every data file the cases can ask for, for these sizes. */
export function dataDefs(s: Sizes): DataDef[] {
  const whole: Extent[] = [{offset: 0, length: s.dense}]
  const layout = sparseLayout(s)
  const bigLayout = bigSparseLayout(s)
  const defs: DataDef[] = [
    {
      id: 'dense-src',
      disk: s.dense,
      deps: [],
      build: f => writeRandom(f, whole, s.dense, 'dense-src'),
    },
    ...sparsePair('sparse', layout, s.sparseApparent, s.sparseData),
    {
      id: 'lan-src',
      disk: s.lanDense,
      deps: [],
      build: f => writeRandom(f, [{offset: 0, length: s.lanDense}], s.lanDense, 'lan-src'),
    },
    ...sparsePair('big-sparse', bigLayout, s.bigSparseApparent, s.sparseData),
    // Dense files as large as the sparse image's data: reading them is the data floor.
    ...['data-a', 'data-b'].map(id => ({
      id,
      disk: s.sparseData,
      deps: [],
      build: (f: string) => writeRandom(f, [{offset: 0, length: s.sparseData}], s.sparseData, id),
    })),
  ]
  return defs
}

/** The destination's old state for a dense case: the source with `fraction` of its blocks changed. */
export function denseOldDef(s: Sizes, fraction: number, tag: string): DataDef {
  return {
    id: `dense-old-${tag}`,
    disk: s.dense,
    deps: ['dense-src'],
    build: async (f, d) => {
      await copySparse(d.path('dense-src'), f)
      await overwriteBlocks(f, changedBlocks([{offset: 0, length: s.dense}], fraction, `dense-${tag}`), `dense-old-${tag}`)
    },
  }
}

export class DataSet {
  private readonly defs = new Map<string, DataDef>()
  private readonly built = new Set<string>()

  constructor(readonly dir: string, defs: readonly DataDef[], private readonly log: (msg: string) => void) {
    for (const d of defs) this.add(d)
  }

  add(d: DataDef): void {
    if (!this.defs.has(d.id)) this.defs.set(d.id, d)
  }

  def(id: string): DataDef {
    const d = this.defs.get(id)
    if (!d) throw new Error(`bench: no data named ${id}`)
    return d
  }

  path(id: string): string {
    this.def(id)
    return path.join(this.dir, `${id}.img`)
  }

  /** These ids and everything they are made from. */
  closure(ids: Iterable<string>): Set<string> {
    const all = new Set<string>()
    const visit = (id: string) => {
      if (all.has(id)) return
      all.add(id)
      for (const dep of this.def(id).deps) visit(dep)
    }
    for (const id of ids) visit(id)
    return all
  }

  /** Bytes on disk for these ids and what they are made from. */
  diskFor(ids: Iterable<string>): number {
    return [...this.closure(ids)].reduce((n, id) => n + this.def(id).disk, 0)
  }

  async need(id: string): Promise<string> {
    const d = this.def(id)
    const file = this.path(id)
    if (this.built.has(id) && existsSync(file)) return file
    for (const dep of d.deps) await this.need(dep)
    const t0 = Date.now()
    rmSync(file, {force: true})
    await d.build(file, this)
    this.built.add(id)
    const st = statSync(file)
    this.log(`made ${path.basename(file)} (${(st.size / MiB).toFixed(0)} MiB apparent, ${(st.blocks * 512 / MiB).toFixed(0)} MiB allocated) in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    return file
  }

  /** Delete what is built and not in `keep`. */
  release(keep: ReadonlySet<string>): void {
    for (const id of [...this.built]) {
      if (keep.has(id)) continue
      rmSync(this.path(id), {force: true})
      this.built.delete(id)
    }
  }
}
