// A plan's tracked ranges (agent/track): the reader sees only the extents
// inside them, so both ends read and hash those alone; what lies outside is
// equal by the lineage and is neither read nor written, whatever it holds.
import {randomBytes} from 'node:crypto'
import t, {type Test} from 'tap'
import {runDest, runSource, type EngineResult, type Plan, type Range} from '../../../agent/engine/engine.js'
import {Layout} from '../../../agent/engine/layout.js'
import {openEnds} from '../../helpers/disks.js'
import {channelPair} from '../../helpers/pair.js'

const KiB = 1024
const MiB = 1024 * KiB
const SEED = Buffer.from('0123456789abcdef', 'hex')

function plan(size: number, extra: Partial<Plan> = {}): Plan {
  return {size, blockSize: 64 * KiB, start: 0, end: size, destZeroFrom: size, dryRun: false, ...extra}
}

/** Sync file b to a over an in-memory pair with these tracked ranges; the results of both ends and b after. */
async function syncRanges(t: Test, a: Buffer, b: Buffer, ranges: Range[]): Promise<{rs: EngineResult; rd: EngineResult; out: Buffer}> {
  const {source: src, dest: dst, out} = await openEnds(t, a, b)
  const p = plan(a.length, {ranges})
  const [x, y] = channelPair()
  const [rs, rd] = await Promise.all([runSource(x, src, p, {}, SEED), runDest(y, dst, p, {}, SEED)])
  return {rs, rd, out: out()}
}

t.test('toRead: all the data extents without ranges; with them the ranges alone, unasked and cut at the size', async t => {
  const extents = [{offset: 0, length: 4 * MiB}]
  t.same(new Layout(plan(8 * MiB)).toRead(0, 4 * MiB, 8 * MiB, () => extents), extents)
  const ranges = [{offset: 64 * KiB, length: 4 * KiB}, {offset: 3 * MiB, length: 2 * MiB}, {offset: 6 * MiB, length: 64 * KiB}]
  const asked = (): never => {
    throw new Error('holes were sought in a tracked plan')
  }
  t.same(new Layout(plan(8 * MiB, {ranges})).toRead(0, 4 * MiB, 8 * MiB, asked), [{offset: 64 * KiB, length: 4 * KiB}, {offset: 3 * MiB, length: MiB}])
  t.same(new Layout(plan(8 * MiB, {ranges})).toRead(4 * MiB, 8 * MiB, 8 * MiB, asked), [{offset: 4 * MiB, length: MiB}, {offset: 6 * MiB, length: 64 * KiB}])
  t.same(new Layout(plan(8 * MiB, {ranges})).toRead(4 * MiB, 8 * MiB, 6 * MiB + 8 * KiB, asked), [{offset: 4 * MiB, length: MiB}, {offset: 6 * MiB, length: 8 * KiB}],
    'a shorter file (a destination that grows) is read to its end only')
})

t.test('the engine reads and syncs only the ranges, at both ends', async t => {
  const size = 12 * MiB
  const a = randomBytes(size)
  const b = Buffer.from(a)
  // Differences inside the ranges (synced) and outside (left: the lineage says equal).
  for (const at of [100 * KiB, 5 * MiB + 4 * KiB, 9 * MiB]) randomBytes(4 * KiB).copy(b, at)
  const {rs, rd, out} = await syncRanges(t, a, b, [{offset: 64 * KiB, length: 64 * KiB}, {offset: 5 * MiB, length: 128 * KiB}])
  t.ok(rs.digest.equals(rd.digest), 'the digests agree')
  t.equal(rs.bytesRead, 192 * KiB, 'the source read the ranges only')
  t.equal(rd.bytesRead, 192 * KiB, 'the destination too')
  t.equal(rs.bytesSent, 8 * KiB, 'the two changes inside the ranges were sent')
  t.ok(out.subarray(0, 8 * MiB).equals(a.subarray(0, 8 * MiB)), 'synced inside the ranges')
  t.notOk(out.subarray(9 * MiB, 9 * MiB + 4 * KiB).equals(a.subarray(9 * MiB, 9 * MiB + 4 * KiB)), 'left alone outside them')
})

t.test('4 KiB ranges: only their pieces are read, sent and zeroed, never the rest of their coarse block', async t => {
  const size = 8 * MiB
  const a = randomBytes(size)
  const b = Buffer.from(a)
  // Coarse block 0: its piece at 4 KiB was zeroed at the source (in a range);
  // the destination differs at 16 KiB (outside the ranges: left alone, even
  // though the source's coarse block now reads as zeros where it was read).
  a.fill(0, 4 * KiB, 8 * KiB)
  a.fill(0, 0, 4 * KiB)
  b.fill(0, 0, 4 * KiB)
  randomBytes(4 * KiB).copy(b, 16 * KiB)
  // Coarse block 1 MiB: a rewritten piece inside a range, another outside.
  randomBytes(4 * KiB).copy(a, MiB + 8 * KiB)
  randomBytes(4 * KiB).copy(a, MiB + 32 * KiB)
  const {rs, rd, out} = await syncRanges(t, a, b, [{offset: 0, length: 8 * KiB}, {offset: MiB + 8 * KiB, length: 4 * KiB}])
  t.ok(rs.digest.equals(rd.digest), 'the digests agree')
  t.equal(rs.bytesRead, 12 * KiB, 'the source read the 4 KiB pieces only')
  t.equal(rd.bytesRead, 12 * KiB, 'the destination too')
  t.equal(rs.bytesSent, 4 * KiB, 'the rewritten piece in a range was sent')
  t.equal(rs.bytesZeroed, 8 * KiB, 'the pieces read were zeroed, not their coarse block')
  t.ok(out.subarray(0, 8 * KiB).equals(a.subarray(0, 8 * KiB)), 'the pieces in the ranges are synced')
  t.ok(out.subarray(16 * KiB, 20 * KiB).equals(b.subarray(16 * KiB, 20 * KiB)), 'the rest of the zeroed coarse block is left alone')
  t.ok(out.subarray(MiB, MiB + 16 * KiB).equals(a.subarray(MiB, MiB + 16 * KiB)), 'the rewritten piece is synced')
  t.ok(out.subarray(MiB + 32 * KiB, MiB + 36 * KiB).equals(b.subarray(MiB + 32 * KiB, MiB + 36 * KiB)), 'the piece outside the ranges is left alone')
})
