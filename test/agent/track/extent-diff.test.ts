// The extent-map comparison against a plain reference: a file system made of
// 4 KiB blocks, each a physical block number or a hole, rewritten, punched,
// grown and shrunk at random; a block is changed when its physical block
// differs. The fast sweep must call every changed block changed (a miss
// would corrupt a copy) and, on plain extents, nothing else.
import t from 'tap'
import type {MappedExtent} from '../../../agent/disk/native.js'
import {changedBytes, toBlocks, type FileMap} from '../../../agent/track/extent-diff.js'

const B = 4096

/** block -> physical block (or -1 for a hole) as FIEMAP reports it: contiguous runs merged. */
function mapOf(blocks: number[], flagsAt: (i: number) => number = () => 0, size = blocks.length * B): FileMap {
  const extents: MappedExtent[] = []
  blocks.forEach((p, i) => {
    if (p < 0) return
    const last = extents[extents.length - 1]
    const flags = flagsAt(i)
    if (last && last.logical + last.length === i * B && last.physical + last.length === p * B && last.flags === flags) last.length += B
    else extents.push({logical: i * B, physical: p * B, length: B, flags})
  })
  return {size, extents}
}

function blocksIn(ranges: Iterable<{offset: number; length: number}>): Set<number> {
  const s = new Set<number>()
  for (const r of ranges) for (let o = r.offset; o < r.offset + r.length; o += B) s.add(Math.floor(o / B))
  return s
}

/** A deterministic pseudo-random generator, so a failure repeats. */
function rng(seed: number): () => number {
  let x = seed
  return () => {
    x = (x * 1103515245 + 12345) & 0x7fffffff
    return x / 0x7fffffff
  }
}

t.test('the sweep finds exactly the rewritten, punched and new blocks', async t => {
  const rand = rng(7)
  for (let round = 0; round < 200; round++) {
    const n = 1 + Math.floor(rand() * 300)
    let phys = 10_000
    const base = Array.from({length: n}, () => (rand() < 0.2 ? -1 : phys++))
    const next = [...base]
    const edits = Math.floor(rand() * 20)
    for (let e = 0; e < edits; e++) {
      const i = Math.floor(rand() * next.length)
      next[i] = rand() < 0.3 ? -1 : phys++ + 100_000
    }
    const grow = rand() < 0.3 ? Math.floor(rand() * 50) : 0
    for (let g = 0; g < grow; g++) next.push(rand() < 0.5 ? -1 : phys++ + 200_000)
    if (rand() < 0.2) next.length = Math.max(1, Math.floor(next.length * rand()))
    const got = blocksIn(changedBytes(mapOf(base), mapOf(next)))
    const want = new Set<number>()
    next.forEach((p, i) => {
      if (p !== (i < base.length ? base[i] : -1)) want.add(i)
    })
    t.same([...got].sort((a, b) => a - b), [...want].sort((a, b) => a - b), `round ${round}`)
  }
})

t.test('extents the map does not state plainly count as changed', async t => {
  const blocks = [1, 2, 3, 4]
  for (const vague of [0x2, 0x4, 0x8, 0x200]) {
    const got = [...changedBytes(mapOf(blocks), mapOf(blocks, i => (i === 2 ? vague : 0)))]
    t.same(got, [{offset: 2 * B, length: B}], `flag ${vague.toString(16)}`)
  }
  // Preallocated (unwritten) then written in place: same physical place, other contents.
  t.same([...changedBytes(mapOf(blocks, () => 0x800), mapOf(blocks, i => (i === 1 ? 0 : 0x800)))], [{offset: B, length: B}])
})

t.test('a base extent past the file\'s end (preallocation) does not hide a change', async t => {
  const base = {size: 2 * B, extents: [{logical: 0, physical: 0, length: 4 * B, flags: 0}]}
  const next = {size: 4 * B, extents: [{logical: 0, physical: 0, length: 4 * B, flags: 0}]}
  t.same([...changedBytes(base, next)], [{offset: 2 * B, length: 2 * B}], 'what lay past the old end is new to the copy')
})

t.test('ranges widen to whole coarse blocks, merge, and stop at the file end', async t => {
  const bs = 64 << 10
  t.same(toBlocks([{offset: 4096, length: 4096}, {offset: bs + 100, length: 1}, {offset: 5 * bs, length: 10}], bs, 5 * bs + 20),
    [{offset: 0, length: 2 * bs}, {offset: 5 * bs, length: 20}])
})

t.test('past the cap, the nearest ranges merge: fewer ranges, each change still covered', async t => {
  const rand = rng(3)
  const ranges = Array.from({length: 1000}, (_, i) => ({offset: i * 100 * B + Math.floor(rand() * 50) * B, length: B}))
  const capped = toBlocks(ranges, B, 1e9, 64)
  t.ok(capped.length <= 64, `${capped.length} ranges`)
  const covered = blocksIn(capped)
  t.ok(ranges.every(r => covered.has(r.offset / B)), 'every change is in some range')
  t.ok(capped.every((r, i) => i === 0 || r.offset > (capped[i - 1] as {offset: number; length: number}).offset + (capped[i - 1] as {length: number}).length), 'ascending and apart')
})
