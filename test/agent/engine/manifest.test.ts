// A segment's hashes on the wire: which blocks are read and hashed
// (planHashes), and the manifest that carries all-zero blocks as bits.
import t from 'tap'
import {randomBytes} from 'node:crypto'
import {BlockHasher, HASH_BYTES} from '../../../agent/engine/hash.js'
import {Layout, type Segment} from '../../../agent/engine/layout.js'
import {manifestEntries, packManifest, planHashes, unpackManifest} from '../../../agent/engine/manifest.js'
import type {Plan} from '../../../agent/engine/plan.js'

const MiB = 1 << 20
const h = new BlockHasher(Buffer.from('0011223344556677', 'hex'))
const bs = 64 << 10

function segment(offset: number, length: number, extents: Array<[number, number]>): Segment {
  return {k: 0, offset, length, lease: null, extents: extents.map(([o, l]) => ({offset: o, length: l}))}
}

t.test('planHashes: data blocks in runs, hole blocks given the zero hash unread', async t => {
  const whole = planHashes(h, segment(4 * MiB, 4 * MiB, [[0, 64 * MiB]]), bs)
  t.same(whole.runs, [[0, 4 * MiB]], 'one extent over the segment: one run')
  t.equal(whole.holes.reduce((a, b) => a + b, 0), 0, 'and no hole')
  // The same data as two extents meeting in the middle: the walk gives the same run.
  const split = planHashes(h, segment(4 * MiB, 4 * MiB, [[4 * MiB, MiB], [5 * MiB, 3 * MiB]]), bs)
  t.same(split.runs, whole.runs)
  t.same(split.holes, whole.holes)

  const holey = planHashes(h, segment(4 * MiB, 4 * MiB, [[4 * MiB + bs, bs], [7 * MiB, 2 * MiB]]), bs)
  t.same(holey.runs, [[bs, 2 * bs], [3 * MiB, 4 * MiB]])
  t.equal(holey.holes[0], 1)
  t.equal(holey.holes[1], 0)
  t.ok(holey.hashes.subarray(0, HASH_BYTES).equals(h.zeroHash(bs)), 'a hole block carries the zero hash')
  // An extent that starts inside the segment is no whole-segment extent.
  const late = planHashes(h, segment(4 * MiB, 4 * MiB, [[4 * MiB + bs, 8 * MiB]]), bs)
  t.same(late.runs, [[bs, 4 * MiB]])
})

t.test('a manifest round trips, with and without zero blocks', async t => {
  const size = 10 * MiB + 5000
  const plan = {size, blockSize: bs, start: 0, end: size, destZeroFrom: size, dryRun: false} as Plan
  const layout = new Layout(plan)
  for (const k of [0, 2]) {
    const n = layout.blocksIn(layout.segLength(k))
    const dense = randomBytes(n * HASH_BYTES)
    const packed = packManifest(h, layout, k, dense, false)
    t.equal(packed.zeros.length, 0, `segment ${k}: no zero block, no bitmap`)
    t.same(unpackManifest(h, layout, k, packed.hashes, packed.zeros), dense)
    const some = Buffer.from(dense)
    for (const i of [1, n - 1]) h.zeroHash(layout.blockLength(k, i)).copy(some, i * HASH_BYTES)
    const p2 = packManifest(h, layout, k, some, false)
    t.equal(p2.hashes.length, (n - 2) * HASH_BYTES, `segment ${k}: zero blocks travel as bits`)
    t.same(unpackManifest(h, layout, k, p2.hashes, p2.zeros), some)
    t.same(manifestEntries(h, layout, {segment: k, hashes: p2.hashes, zeros: p2.zeros}, k), [[k, some]])
    t.equal(unpackManifest(h, layout, k, dense.subarray(HASH_BYTES), Buffer.alloc(0)), undefined, 'a hash short: refused')
  }
  t.throws(() => manifestEntries(h, layout, {segment: 1, hashes: Buffer.alloc(3)}, 1), {code: 'E_BAD_FRAME'})
})
