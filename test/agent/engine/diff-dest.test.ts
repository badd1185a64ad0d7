// DiffDest joined in memory to a real SourcePeer: the changes it hands its
// sink, written over the base, must give the source byte for byte (checked
// against the plain buffers), and the hashes it reports must be the blocks'.
import t, {type Test} from 'tap'
import {randomBytes} from 'node:crypto'
import {join} from 'node:path'
import {Disk} from '../../../agent/disk/disk.js'
import {DiffDest, type Base, type SegmentChanges} from '../../../agent/engine/diff-dest.js'
import {DiskBase} from '../../../agent/engine/disk-base.js'
import {SourcePeer, type Plan} from '../../../agent/engine/engine.js'
import {BlockHasher} from '../../../agent/engine/hash.js'
import {KiB, MiB, sampleData, scatterChanges, writeFixture} from '../../helpers/blocks.js'
import {channelPair} from '../../helpers/pair.js'

interface Run {
  seed: Buffer
  segments: SegmentChanges[]
  baseDigest: Buffer
  digest: Buffer
}

/** Diff `src` against `base` (a file), or against what `fineless` says: a base that cannot answer refines. */
async function diff(t: Test, src: Buffer, base: Buffer, blockSize: number, opts: {sparse?: boolean; fineless?: boolean} = {}): Promise<Run> {
  const dir = t.testdir()
  writeFixture(join(dir, 'src'), src, opts)
  writeFixture(join(dir, 'base'), base, opts)
  const seed = randomBytes(8)
  const plan: Plan = {size: src.length, blockSize, start: 0, end: src.length, destZeroFrom: src.length, dryRun: false}
  const sd = await Disk.openRead(join(dir, 'src'))
  const bd = await Disk.openRead(join(dir, 'base'))
  const disk = new DiskBase(bd, plan, seed, bd.size)
  const b: Base = opts.fineless ? {hashes: k => disk.hashes(k), fine: async () => null, release: k => disk.release(k), close: () => disk.close()} : disk
  const segments: SegmentChanges[] = []
  const [x, y] = channelPair()
  const dest = new DiffDest(y, plan, seed, b, {segment: async c => { segments.push(c) }})
  const [r] = await Promise.all([dest.run(), new SourcePeer(x, sd, plan, {onHashes: dest.onSourceHashes}, seed).run()])
  await b.close()
  await sd.close()
  return {seed, segments, baseDigest: r.baseDigest, digest: r.digest}
}

/** The base, grown or cut to the source's size, with every change written over it. */
function patched(base: Buffer, size: number, segments: SegmentChanges[]): Buffer {
  const out = Buffer.alloc(size)
  base.copy(out, 0, 0, Math.min(size, base.length))
  for (const s of segments) {
    for (const c of s.changes) {
      if (c.kind === 'data') c.payload.copy(out, c.offset)
      else out.fill(0, c.offset, c.offset + c.length)
    }
  }
  return out
}

function blockHash(h: BlockHasher, buf: Buffer, offset: number, length: number): Buffer {
  const out = Buffer.alloc(16)
  h.hashInto(buf.subarray(offset, offset + length), out, 0)
  return out
}

const cases: Array<[string, () => {src: Buffer; base: Buffer}]> = [
  ['dense, scattered changes', () => { const base = sampleData(6 * MiB + 5 * KiB); return {base, src: scatterChanges(base, 40)} }],
  ['identical', () => { const base = sampleData(3 * MiB); return {base, src: Buffer.from(base)} }],
  ['growth', () => { const base = sampleData(2 * MiB + 100); return {base, src: Buffer.concat([scatterChanges(base, 5), randomBytes(3 * MiB)])} }],
  ['shrink', () => { const base = sampleData(7 * MiB); return {base, src: scatterChanges(base, 9).subarray(0, 4 * MiB + 12345)} }],
  ['to zeros', () => { const base = sampleData(5 * MiB); return {base, src: Buffer.alloc(5 * MiB)} }],
]

for (const [name, make] of cases) {
  for (const blockSize of [4 * KiB, 64 * KiB]) {
    t.test(`${name}, ${blockSize / KiB}K blocks: base + changes = source`, async t => {
      const {src, base} = make()
      const r = await diff(t, src, base, blockSize, {sparse: name === 'to zeros'})
      t.ok(patched(base, src.length, r.segments).equals(src))
      let prev = -1
      for (const s of r.segments) {
        t.equal(s.blocks.length * 16, s.base.length)
        for (const c of s.changes) t.ok(c.offset > prev, 'changes in offset order'), prev = c.offset
      }
      if (name === 'identical') t.same(r.segments, [], 'nothing differs, nothing is written')
    })
  }
}

t.test('the touched blocks carry their base and result hashes; a base without fine hashes sends whole blocks', async t => {
  const base = sampleData(5 * MiB)
  const src = scatterChanges(base, 12)
  const fine = await diff(t, src, base, 64 * KiB)
  const whole = await diff(t, src, base, 64 * KiB, {fineless: true})
  t.ok(patched(base, src.length, whole.segments).equals(src))
  const bytes = (r: Run): number => r.segments.reduce((n, s) => n + s.changes.reduce((m, c) => m + (c.kind === 'data' ? c.payload.length : 0), 0), 0)
  t.ok(bytes(whole) > bytes(fine), 'without 4 KiB hashes more is sent, never less')
  t.not(fine.baseDigest.toString('hex'), fine.digest.toString('hex'))
})

t.test('reported hashes are those of the blocks, under the session seed', async t => {
  const base = sampleData(2 * MiB)
  const src = scatterChanges(base, 4)
  const r = await diff(t, src, base, 64 * KiB)
  const h = new BlockHasher(r.seed)
  for (const s of r.segments) {
    s.blocks.forEach((i, j) => {
      const at = s.k * 4 * MiB + i * 64 * KiB
      t.ok(s.base.subarray(j * 16, j * 16 + 16).equals(blockHash(h, base, at, 64 * KiB)), `base hash of block at ${at}`)
      t.ok(s.result.subarray(j * 16, j * 16 + 16).equals(blockHash(h, src, at, 64 * KiB)), `result hash of block at ${at}`)
    })
  }
})
