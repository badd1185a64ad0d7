// A plan's tracked ranges (agent/track): the reader sees only the extents
// inside them, so both ends read and hash those alone; what lies outside is
// equal by the lineage and is neither read nor written, whatever it holds.
import {randomBytes} from 'node:crypto'
import {readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import t from 'tap'
import {Disk} from '../../../agent/disk/disk.js'
import {runDest, runSource, type Plan} from '../../../agent/engine/engine.js'
import {Layout} from '../../../agent/engine/layout.js'
import {channelPair} from '../../helpers/pair.js'

const KiB = 1024
const MiB = 1024 * KiB
const SEED = Buffer.from('0123456789abcdef', 'hex')

function plan(size: number, extra: Partial<Plan> = {}): Plan {
  return {size, blockSize: 64 * KiB, start: 0, end: size, destZeroFrom: size, dryRun: false, ...extra}
}

t.test('toRead: extents cut to the ranges; all of them without ranges', async t => {
  const extents = [{offset: 0, length: 4 * MiB}]
  t.same(new Layout(plan(8 * MiB)).toRead(extents, 0, 4 * MiB), extents)
  const ranges = [{offset: 64 * KiB, length: 64 * KiB}, {offset: 3 * MiB, length: 2 * MiB}, {offset: 6 * MiB, length: 64 * KiB}]
  t.same(new Layout(plan(8 * MiB, {ranges})).toRead(extents, 0, 4 * MiB), [{offset: 64 * KiB, length: 64 * KiB}, {offset: 3 * MiB, length: MiB}])
  t.same(new Layout(plan(8 * MiB, {ranges})).toRead([{offset: 4 * MiB, length: 4 * MiB}], 4 * MiB, 8 * MiB),
    [{offset: 4 * MiB, length: MiB}, {offset: 6 * MiB, length: 64 * KiB}])
})

t.test('the engine reads and syncs only the ranges, at both ends', async t => {
  const dir = t.testdir()
  const size = 12 * MiB
  const a = randomBytes(size)
  const b = Buffer.from(a)
  // Differences inside the ranges (synced) and outside (left: the lineage says equal).
  for (const at of [100 * KiB, 5 * MiB + 4 * KiB, 9 * MiB]) randomBytes(4 * KiB).copy(b, at)
  writeFileSync(join(dir, 'src'), a)
  writeFileSync(join(dir, 'dst'), b)
  const ranges = [{offset: 64 * KiB, length: 64 * KiB}, {offset: 5 * MiB, length: 128 * KiB}]
  const src = await Disk.openRead(join(dir, 'src'))
  const dst = await Disk.openWrite(join(dir, 'dst'))
  t.teardown(async () => {
    await src.close()
    await dst.close()
  })
  const p = plan(size, {ranges})
  const [x, y] = channelPair()
  const [rs, rd] = await Promise.all([runSource(x, src, p, {}, SEED), runDest(y, dst, p, {}, SEED)])
  t.ok(rs.digest.equals(rd.digest), 'the digests agree')
  t.equal(rs.bytesRead, 192 * KiB, 'the source read the ranges only')
  t.equal(rd.bytesRead, 192 * KiB, 'the destination too')
  t.equal(rs.bytesSent, 8 * KiB, 'the two changes inside the ranges were sent')
  const out = readFileSync(join(dir, 'dst'))
  t.ok(out.subarray(0, 8 * MiB).equals(a.subarray(0, 8 * MiB)), 'synced inside the ranges')
  t.notOk(out.subarray(9 * MiB, 9 * MiB + 4 * KiB).equals(a.subarray(9 * MiB, 9 * MiB + 4 * KiB)), 'left alone outside them')
})
