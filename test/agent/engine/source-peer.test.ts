// The source's segment buffers (issue 19, memory): once a segment is
// compared its 4 MiB buffer goes back to the pool, and only copies of the
// coarse blocks a refine waits for are kept (the whole segment when many
// differ). Each case runs the two peers over an in-memory pair and checks
// the destination byte for byte and the figures against expectedFigures.
import {randomBytes} from 'node:crypto'
import t, {type Test} from 'tap'
import {DestPeer} from '../../../agent/engine/dest-peer.js'
import {SourcePeer} from '../../../agent/engine/source-peer.js'
import {LOCAL_READ_AHEAD, LOCAL_WINDOW, type EngineResult, type Plan} from '../../../agent/engine/plan.js'
import {expectedFigures, FINE, KiB, MiB, sampleData, scatterChanges} from '../../helpers/blocks.js'
import {openEnds} from '../../helpers/disks.js'
import {channelPair} from '../../helpers/pair.js'

const SEED = Buffer.from('0123456789abcdef', 'hex')
const SEG = 4 * MiB
const BLOCK = 64 * KiB

class CountingSource extends SourcePeer {
  get buffers(): number {
    return this.pool.allocated
  }
}

class CountingDest extends DestPeer {
  get buffers(): number {
    return this.pool.allocated
  }
}

interface Outcome {
  rs: EngineResult
  rd: EngineResult
  out: Buffer
  sourceBuffers: number
  destBuffers: number
}

async function sync(t: Test, src: Buffer, dst: Buffer, blockSize = BLOCK): Promise<Outcome> {
  const {source: a, dest: b, out} = await openEnds(t, src, dst)
  const plan: Plan = {size: src.length, blockSize, start: 0, end: src.length, destZeroFrom: src.length, dryRun: false}
  const [x, y] = channelPair()
  const source = new CountingSource(x, a, plan, {}, SEED)
  const dest = new CountingDest(y, b, plan, {}, SEED)
  const [rs, rd] = await Promise.all([source.run(), dest.run()])
  return {rs, rd, out: out(), sourceBuffers: source.buffers, destBuffers: dest.buffers}
}

function checkSynced(t: Test, src: Buffer, dst: Buffer, o: Outcome, blockSize = BLOCK): void {
  const want = expectedFigures(src, dst, blockSize)
  t.ok(o.out.equals(src), 'the destination is the source byte for byte')
  t.ok(o.rs.digest.equals(o.rd.digest), 'the digests agree')
  t.equal(o.rs.bytesSent, want.bytesSent, 'bytesSent')
  t.equal(o.rs.bytesZeroed, want.bytesZeroed, 'bytesZeroed')
  t.equal(o.rs.blocksChanged, want.blocksChanged, 'blocksChanged')
}

t.test('scattered changes: the source touches only the buffers of its reads ahead, the destination its window and one', async t => {
  const src = sampleData(12 * SEG + 3 * FINE)
  const dst = scatterChanges(src, 300)
  // A whole coarse block changed in every piece (sent as one run of a kept copy),
  // and a piece that is zero at the source inside a block that is refined.
  randomBytes(BLOCK).copy(dst, 2 * SEG + 5 * BLOCK)
  src.fill(0, 3 * SEG + 7 * BLOCK + FINE, 3 * SEG + 7 * BLOCK + 2 * FINE)
  const o = await sync(t, src, dst)
  checkSynced(t, src, dst, o)
  t.ok(o.sourceBuffers <= LOCAL_READ_AHEAD, `the source touched ${o.sourceBuffers} segment buffers`)
  t.ok(o.destBuffers <= LOCAL_WINDOW + 1, `the destination touched ${o.destBuffers} segment buffers`)
})

t.test('segments where many blocks differ keep their buffer until the refine is answered, beside ones that copy', async t => {
  const src = sampleData(6 * SEG)
  const dst = Buffer.from(src)
  // Segments 1 and 4: one piece in each of 40 of their 64 blocks; the others: a few blocks.
  for (const seg of [1, 4]) for (let i = 0; i < 40; i++) randomBytes(FINE).copy(dst, seg * SEG + i * BLOCK + (i % 16) * FINE)
  for (const seg of [0, 2, 3, 5]) for (const i of [3, 9, 63]) randomBytes(FINE).copy(dst, seg * SEG + i * BLOCK + 15 * FINE)
  checkSynced(t, src, dst, await sync(t, src, dst))
})

t.test('1 MiB blocks: a segment with one differing block copies it, one with more keeps its buffer', async t => {
  const src = sampleData(3 * SEG + 5000)
  const dst = scatterChanges(src, 20, 7)
  checkSynced(t, src, dst, await sync(t, src, dst, MiB), MiB)
})
