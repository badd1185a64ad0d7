// --track-changes on real file systems: XFS (reflink=1) and btrfs take the
// shortcut from the second sync on and read only what changed; ext4 and every
// broken lineage fall back to the full compare. Every sync must end identical.
import {randomBytes} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import t, {type Test} from 'tap'
import {syncLocal} from '../../agent/session/local.js'
import type {Summary, SyncOptions} from '../../agent/session/session.js'
import {pairKey, STATE_FOLDER} from '../../agent/track/state.js'
import {firstDifference, MiB, put} from '../helpers/disks.js'
import {fsSkipReason, mountFs, type FsKind} from '../helpers/filesystems.js'

const COARSE = 64 << 10
const SIZE = 48 * MiB

function sync(src: string, dst: string, over: Partial<SyncOptions> = {}): Promise<Summary> {
  return syncLocal({direction: 'push', localPath: src, remotePath: dst, blockSize: COARSE, trackChanges: true, ...over})
}

/** A dense image of random data with a hole in the middle, as a guest disk might be. */
function makeImage(file: string): void {
  const fd = fs.openSync(file, 'w')
  for (let at = 0; at < SIZE; at += 4 * MiB) if (at !== 16 * MiB) fs.writeSync(fd, randomBytes(4 * MiB), 0, 4 * MiB, at)
  fs.ftruncateSync(fd, SIZE)
  fs.fsyncSync(fd)
  fs.closeSync(fd)
}

/** The snapshots kept for the pair (src, dst) and any other pair of src's folder: the base, and nothing left over. */
function snapshots(src: string, dst?: string): string[] {
  const root = path.join(path.dirname(src), STATE_FOLDER)
  if (!fs.existsSync(root)) return []
  const pairs = dst ? [pairKey(path.resolve(src), path.resolve(dst))].filter(p => fs.existsSync(path.join(root, p))) : fs.readdirSync(root, {withFileTypes: true}).filter(e => e.isDirectory()).map(e => e.name) // pairs' folders, not hash caches
  return pairs.flatMap(p => fs.readdirSync(path.join(root, p)).filter(n => n.startsWith('next-')))
}

function same(t: Test, a: string, b: string): void {
  t.equal(fs.statSync(a).size, fs.statSync(b).size, 'same size')
  t.equal(firstDifference(a, b), null, 'identical')
}

async function setup(t: Test, kind: FsKind): Promise<{src: string; dst: string}> {
  const dir = mountFs(t, kind)
  const src = path.join(dir, 'src', 'disk.img')
  const dst = path.join(dir, 'dst', 'disk.img')
  fs.mkdirSync(path.dirname(src))
  fs.mkdirSync(path.dirname(dst))
  makeImage(src)
  const first = await sync(src, dst)
  t.equal(first.changeTracking.method, 'reflink')
  t.equal(first.changeTracking.used, false, 'the first sync has no base')
  t.match(first.changeTracking.reason, /no base/)
  same(t, src, dst)
  return {src, dst}
}

for (const kind of ['xfs', 'btrfs'] as const) {
  t.test(`${kind}: incremental syncs read only the changed ranges`, {skip: fsSkipReason(kind)}, async t => {
    const {src, dst} = await setup(t, kind)
    const offsets = Array.from({length: 24}, (_, i) => i * 2 * MiB + 4096 * (i % 7))
    for (const o of offsets) put(src, o, randomBytes(4096))
    let s = await sync(src, dst)
    t.equal(s.changeTracking.used, true, 'the shortcut is taken')
    t.equal(s.changeTracking.reason, null)
    const changed = offsets.length * COARSE
    t.ok(s.bytesReadSource <= changed, `source read ${s.bytesReadSource} <= ${changed}`)
    t.ok(s.bytesReadDest <= changed, `destination read ${s.bytesReadDest} <= ${changed}`)
    t.ok(s.changeTracking.bytesSkipped >= SIZE - changed - 4 * MiB, 'the rest was skipped')
    same(t, src, dst)
    t.equal(snapshots(src).length, 1, 'one base snapshot')

    // Growth, then a punched hole, then truncation.
    fs.appendFileSync(src, randomBytes(3 * MiB + 512))
    s = await sync(src, dst)
    t.equal(s.changeTracking.used, true)
    t.ok(s.bytesReadSource <= 4 * MiB, `growth: source read ${s.bytesReadSource}`)
    same(t, src, dst)
    const fd = fs.openSync(src, 'r+')
    const {punchHole} = await import('../../agent/disk/native.js')
    punchHole(fd, 8 * MiB, 2 * MiB)
    fs.closeSync(fd)
    s = await sync(src, dst)
    t.equal(s.changeTracking.used, true)
    t.ok(s.bytesReadSource <= 2 * MiB, `punch: source read ${s.bytesReadSource}`)
    same(t, src, dst)
    fs.truncateSync(src, 30 * MiB + 4096)
    s = await sync(src, dst)
    t.equal(s.changeTracking.used, true)
    same(t, src, dst)
    fs.truncateSync(src, 40 * MiB)
    put(src, 31 * MiB, randomBytes(8192))
    s = await sync(src, dst)
    t.equal(s.changeTracking.used, true)
    same(t, src, dst)
    t.equal(snapshots(src).length, 1, 'still one base snapshot')
  })
}

t.test('xfs: the copy is a point in time; a write during the sync comes with the next one', {skip: fsSkipReason('xfs')}, async t => {
  const {src, dst} = await setup(t, 'xfs')
  const late = randomBytes(4096)
  let written = false
  const s = await sync(src, dst, {
    hooks: {
      onProgress: () => {
        if (written) return
        written = true
        put(src, 40 * MiB, late)
      },
    },
  })
  t.ok(written)
  t.equal(s.sourceChanged, false, 'the snapshot never changes')
  t.not(fs.readFileSync(dst).subarray(40 * MiB, 40 * MiB + 4096).equals(late), 'the late write is not in this copy')
  const next = await sync(src, dst)
  t.equal(next.changeTracking.used, true)
  same(t, src, dst)
})

/** A first sync and, after one 4 KiB write, a second, with both ends in one folder of a fresh `kind` file system. */
async function secondInOneFolder(t: Test, kind: FsKind): Promise<{dir: string; src: string; dst: string; s: Summary}> {
  const dir = mountFs(t, kind)
  const src = path.join(dir, 'disk.img')
  const dst = path.join(dir, 'copy.img')
  makeImage(src)
  await sync(src, dst)
  put(src, MiB, randomBytes(4096))
  return {dir, src, dst, s: await sync(src, dst)}
}

t.test('xfs: both ends in one folder keep their records apart', {skip: fsSkipReason('xfs')}, async t => {
  const {dir, src, dst, s} = await secondInOneFolder(t, 'xfs')
  t.match(s.changeTracking, {used: true, reason: null})
  t.ok(s.bytesReadSource <= COARSE && s.bytesReadDest <= COARSE, 'one block read at each end')
  same(t, src, dst)
  t.same(fs.readdirSync(path.join(dir, STATE_FOLDER, pairKey(src, dst))).filter(n => !n.startsWith('next-')).sort(), ['dest.json', 'source.json'])
})

t.test('ext4: no reflink, one reason, a full compare', {skip: fsSkipReason('ext4')}, async t => {
  const {src, dst, s} = await secondInOneFolder(t, 'ext4')
  t.same(s.changeTracking, {method: null, used: false, reason: s.changeTracking.reason, bytesSkipped: 0})
  t.match(s.changeTracking.reason, /no reflink/)
  t.equal(s.bytesReadSource, SIZE - 4 * MiB, 'everything with data was read')
  same(t, src, dst)
  t.same(snapshots(src), [], 'no snapshot at the source')
})

t.test('xfs: every broken lineage falls back to the full compare and ends identical', {skip: fsSkipReason('xfs')}, async t => {
  const {src, dst} = await setup(t, 'xfs')
  const fallback = async (why: RegExp, over: Partial<SyncOptions> = {}): Promise<void> => {
    put(src, 5 * MiB, randomBytes(4096))
    const s = await sync(src, dst, over)
    t.equal(s.changeTracking.used, false, `falls back: ${why}`)
    t.match(s.changeTracking.reason, why)
    t.ok(s.bytesReadSource >= SIZE - 8 * MiB, 'full compare')
    same(t, src, dst)
  }
  // The destination written behind the pair's back.
  put(dst, 7 * MiB, randomBytes(4096))
  await fallback(/destination changed/)
  // Another block size (then back, which is another change).
  await fallback(/block size/, {blockSize: 128 << 10})
  await fallback(/block size/)
  // The base snapshot removed.
  const root = path.join(path.dirname(src), STATE_FOLDER)
  for (const p of fs.readdirSync(root)) for (const n of fs.readdirSync(path.join(root, p))) if (n.startsWith('next-')) fs.rmSync(path.join(root, p, n))
  await fallback(/base snapshot is missing/)
  // A different destination's record: the destination's lineage is replaced by another pair's.
  const other = path.join(path.dirname(dst), 'other.img')
  await sync(src, other)
  const dstRoot = path.join(path.dirname(dst), STATE_FOLDER)
  const [mine, theirs] = [pairKey(src, dst), pairKey(src, other)]
  fs.copyFileSync(path.join(dstRoot, theirs, 'dest.json'), path.join(dstRoot, mine, 'dest.json'))
  await fallback(/destination changed|different syncs/)
  // The destination replaced by a fresh copy.
  fs.rmSync(dst)
  await fallback(/no record|destination changed/)
  // The source replaced.
  fs.copyFileSync(src, src + '.new')
  fs.renameSync(src + '.new', src)
  await fallback(/replaced/)
  // A sync without --track-changes drops tracking at both ends.
  await sync(src, dst, {trackChanges: false})
  t.equal(snapshots(src, dst).length, 0, 'no snapshot left')
  await fallback(/no base/)
  const s = await sync(src, dst)
  t.equal(s.changeTracking.used, true, 'and tracks again')
  t.equal(snapshots(src, dst).length, 1)
})

