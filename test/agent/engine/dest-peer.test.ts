// The destination answering from its hash cache, against a plain reference:
// whole sessions in memory (initiate/respond over a duplex pair), a first
// sync that writes the cache, then a change of the source and a second sync
// that answers from it. The result must be the source byte for byte, with
// the same figures a sync that reads the destination has (expectedFigures),
// while the destination reads at most the blocks it was asked to refine.
// Each case runs again with a cache that a shortcut revised (issue 15): every
// third block "not known", which the destination reads and hashes itself.
import t, {type Test} from 'tap'
import {existsSync, readFileSync, statSync} from 'node:fs'
import {join} from 'node:path'
import {TargetLocks} from '../../../agent/session/policy.js'
import {initiate, respond, type SessionRecord, type Summary} from '../../../agent/session/session.js'
import {cachePath, CacheWriter, checkCache, reviseCache} from '../../../agent/track/cache.js'
import {pairKey} from '../../../agent/track/state.js'
import {expectedFigures, FINE, KiB, MiB, sampleData, scatterChanges, writeFixture} from '../../helpers/blocks.js'
import {channelPair} from '../../helpers/pair.js'

type Direction = 'push' | 'pull'

async function session(dir: string, direction: Direction, blockSize: number): Promise<Summary> {
  const [srcPath, dstPath] = [join(dir, 'src.img'), join(dir, 'dst.img')]
  const [a, b] = channelPair()
  const record: SessionRecord = {path: null, role: null, bytesSent: 0, bytesWritten: 0}
  const [local, remote] = direction === 'push' ? [srcPath, dstPath] : [dstPath, srcPath]
  const [summary] = await Promise.all([
    initiate(a, {direction, localPath: local, remotePath: remote, blockSize}),
    respond(b, {allow: [dir], locks: new TargetLocks()}, record),
  ])
  return summary
}

interface Case {
  old: Buffer
  next: (old: Buffer) => Buffer
  blockSize?: number
  sparse?: boolean
}

/** Mark every third block of the pair's cache unknown, as a sync that read only tracked ranges would; returns how many. */
function revise(dstPath: string, pair: string, blockSize: number): number {
  const st = statSync(dstPath, {bigint: true})
  const check = checkCache(dstPath, {pair, blockSize, st})
  if (!check.reader) throw new Error(`no cache to revise: ${check.reason}`)
  const w = CacheWriter.begin(dstPath, pair, check.seed)
  reviseCache(check.reader, w, b => b % 3 === 1)
  w.commit(blockSize, st)
  const n = Math.floor((check.reader.blocks + 1) / 3)
  check.reader.close()
  return n
}

async function twice(t: Test, direction: Direction, c: Case, revised = false): Promise<void> {
  const dir = t.testdir()
  const bs = c.blockSize ?? 64 * KiB
  const dstPath = join(dir, 'dst.img')
  writeFixture(join(dir, 'src.img'), c.old, {sparse: c.sparse})
  writeFixture(dstPath, c.old, {sparse: c.sparse})
  const first = await session(dir, direction, bs)
  t.match(first.changeTracking, {method: 'cache', used: false, reason: /no hash cache/})
  const [src, dst] = direction === 'push' ? [join(dir, 'src.img'), dstPath] : [dstPath, join(dir, 'src.img')]
  const pair = pairKey(direction === 'push' ? src : dst, direction === 'push' ? dst : src)
  t.ok(existsSync(cachePath(dstPath, pair)), 'the first sync wrote the cache')
  const unknown = revised ? revise(dstPath, pair, bs) : 0
  const next = c.next(c.old)
  writeFixture(join(dir, 'src.img'), next, {sparse: c.sparse})
  const s = await session(dir, direction, bs)
  t.ok(readFileSync(dstPath).equals(next), `${direction}: the destination is the source`)
  t.match(s.changeTracking, {method: 'cache', used: true, reason: null})
  const want = expectedFigures(next, c.old, bs)
  t.equal(s.bytesSent, want.bytesSent, 'bytesSent as without a cache')
  t.equal(s.bytesZeroed, want.bytesZeroed, 'bytesZeroed as without a cache')
  t.equal(s.blocksChanged, want.blocksChanged, 'blocksChanged as without a cache')
  // After a size change the segment that holds the old end is read: the cache's last block there is not the file's.
  const straddle = next.length === c.old.length ? 0 : SEGMENT
  t.ok(s.bytesReadDest <= (want.blocksChanged + unknown) * bs + straddle, `the destination read at most the changed and the unknown blocks (${s.bytesReadDest})`)
  if (revised) t.ok(s.bytesReadDest >= (unknown - 1) * bs, 'it read the unknown blocks')
  const third = await session(dir, direction, bs)
  t.match(third, {bytesReadDest: 0, bytesSent: 0, bytesZeroed: 0, changeTracking: {used: true}}, 'a third sync reads nothing at the destination')
  t.ok(readFileSync(dstPath).equals(next))
}

const SIZE = 10 * MiB + 3 * FINE
const SEGMENT = 4 * MiB

const cases: Array<[string, () => Case]> = [
  ['scattered 4 KiB changes', () => ({old: sampleData(SIZE), next: o => scatterChanges(o, 40)})],
  ['scattered changes, holes at both ends', () => ({old: sampleData(SIZE), next: o => scatterChanges(o, 40, 7), sparse: true})],
  ['whole blocks zeroed and zero blocks written', () => ({old: sampleData(SIZE), next: o => {
    const n = Buffer.from(o)
    n.fill(0, 3 * MiB, 3 * MiB + 256 * KiB)
    n.fill(0x5a, MiB + 8 * KiB, MiB + 12 * KiB)
    return n
  }})],
  ['the source grew by an unaligned length', () => ({old: sampleData(SIZE), next: o => Buffer.concat([scatterChanges(o, 10), sampleData(MiB + 1000)])})],
  ['the source shrank to an unaligned length', () => ({old: sampleData(SIZE), next: o => scatterChanges(o, 10).subarray(0, 7 * MiB + 5000)})],
  ['4 KiB blocks (nothing to refine)', () => ({old: sampleData(3 * MiB), next: o => scatterChanges(o, 30), blockSize: FINE})],
  ['1 MiB blocks', () => ({old: sampleData(SIZE), next: o => scatterChanges(o, 30), blockSize: MiB})],
]

for (const [name, c] of cases) {
  for (const d of ['push', 'pull'] as const) t.test(`${name} (${d})`, t => twice(t, d, c()))
  t.test(`${name}, a cache a shortcut revised`, t => twice(t, 'push', c(), true))
}
