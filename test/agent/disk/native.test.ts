import t from 'tap'
import {execFileSync} from 'node:child_process'
import {createRequire} from 'node:module'
import {closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync} from 'node:fs'
import {join} from 'node:path'
import {
  blkDiscard,
  blkZeroOut,
  blockDeviceSize,
  discardZeroesData,
  fadvise,
  ficlone,
  fiemap,
  nativeAvailable,
  punchHole,
  seekData,
  seekHole,
} from '../../../agent/disk/native.js'
import {dataExtents} from '../../../agent/disk/extents.js'
import {freshFile as fresh, GiB, KiB, MiB, putFd as put} from '../../helpers/disks.js'
import {fsSkipReason, mountFs} from '../../helpers/filesystems.js'


t.equal(nativeAvailable, process.platform === 'linux', 'native layer loads exactly on Linux')
if (!nativeAvailable) t.throws(() => seekData(0, 0), {code: 'ENOSYS'}, 'calls degrade to ENOSYS')
const skip = nativeAvailable ? false : 'no native layer on this platform'

// Loading koffi costs ~10 ms at every start (issue 19): with the addon built, the calls
// of every sync do not need it (this runs before any test below reaches an ioctl).
t.test('koffi is not loaded for lseek, fallocate and fadvise when the addon has them', {skip: process.env.BLOCKPAIR_NO_ADDON === '1' || skip}, async t => {
  const {fd} = fresh(t)
  put(fd, 0, Buffer.alloc(4096, 1))
  seekData(fd, 0)
  fadvise(fd, 0, 0, 'sequential')
  t.notOk(Object.keys(createRequire(import.meta.url).cache).some(k => k.includes(`${'/'}koffi${'/'}`)), 'no module of koffi was required')
})


function read(fd: number, offset: number, length: number): Buffer {
  const b = Buffer.alloc(length)
  const n = readSync(fd, b, 0, length, offset)
  if (n !== length) throw new Error(`short read: ${n} of ${length} at ${offset}`)
  return b
}

const floor = (n: number, b: number) => Math.floor(n / b) * b
const ceil = (n: number, b: number) => Math.ceil(n / b) * b

t.test('filesystem under the fixtures keeps holes', {skip}, async t => {
  const {fd, path} = fresh(t)
  ftruncateSync(fd, 64 * MiB)
  t.equal(fstatSync(fd).blocks, 0, `${path}: a truncated file allocates nothing`)
})

t.test('seekData / seekHole: holes at start, middle, end, at odd offsets', {skip}, async t => {
  const {fd, bsize} = fresh(t)
  // [hole][1 byte at 5000][hole][64 KiB at 1 MiB + 100][hole to 4 MiB]
  put(fd, 5000, Buffer.from([1]))
  put(fd, MiB + 100, Buffer.alloc(64 * KiB, 2))
  ftruncateSync(fd, 4 * MiB)
  fsyncSync(fd)

  t.equal(seekData(fd, 0), floor(5000, bsize), 'data starts at the block holding byte 5000')
  t.equal(seekHole(fd, 0), 0, 'a hole at offset 0')
  t.equal(seekHole(fd, 5000), ceil(5001, bsize), 'that block is data in full')
  t.equal(seekData(fd, ceil(5001, bsize)), floor(MiB + 100, bsize))
  t.equal(seekHole(fd, MiB + 100), ceil(MiB + 100 + 64 * KiB, bsize))
  t.equal(seekData(fd, ceil(MiB + 100 + 64 * KiB, bsize)), null, 'only a hole up to EOF')
  t.equal(seekData(fd, 4 * MiB), null, 'at EOF')
  t.equal(seekData(fd, 100 * MiB), null, 'past EOF')
  t.throws(() => seekHole(fd, 4 * MiB), {code: 'ENXIO'}, 'SEEK_HOLE at EOF is ENXIO')
  t.equal(seekHole(fd, 4 * MiB - 1), 4 * MiB - 1, 'inside the trailing hole')
})

t.test('seekData / seekHole on files without holes and empty files', {skip}, async t => {
  const {fd} = fresh(t)
  t.equal(seekData(fd, 0), null, 'empty file has no data')
  put(fd, 0, Buffer.alloc(3 * MiB + 17, 7))
  t.equal(seekData(fd, 0), 0)
  t.equal(seekData(fd, 3 * MiB), 3 * MiB, 'data offset is exact inside data')
  t.equal(seekHole(fd, 0), 3 * MiB + 17, 'EOF is the only hole, not rounded up')
})

t.test('8 GiB sparse file: offsets beyond 2^32 come back exact and as numbers', {skip}, async t => {
  const {fd, bsize} = fresh(t)
  const size = 8 * GiB
  ftruncateSync(fd, size)
  const mid = 5 * GiB + 123
  put(fd, mid, Buffer.from([1]))
  put(fd, size - 3, Buffer.from([1, 2, 3]))
  fsyncSync(fd)

  const d1 = seekData(fd, 0)
  t.type(d1, 'number')
  t.equal(d1, floor(mid, bsize))
  t.equal(seekHole(fd, mid), floor(mid, bsize) + bsize)
  t.equal(seekData(fd, floor(mid, bsize) + bsize), size - bsize)
  t.equal(seekHole(fd, size - bsize), size, 'EOF')
  t.equal(seekData(fd, size), null)
  t.equal(seekData(fd, 2 ** 32 + 1), floor(mid, bsize), 'searching from just past 4 GiB')
  t.ok(fstatSync(fd).blocks * 512 <= 1 * MiB, 'still sparse on disk')
})

t.test('bad arguments and bad fds give coded errors', {skip}, async t => {
  const {fd} = fresh(t)
  t.throws(() => seekData(-1, 0), {code: 'EBADF', syscall: 'lseek(SEEK_DATA)'})
  t.throws(() => seekData(fd, -1), {code: 'ERR_OUT_OF_RANGE'})
  t.throws(() => seekData(fd, 1.5), {code: 'ERR_OUT_OF_RANGE'})
  t.throws(() => punchHole(fd, 0, Number.NaN), {code: 'ERR_OUT_OF_RANGE'})
  t.throws(() => blockDeviceSize(fd), {code: 'ENOTTY'}, 'BLKGETSIZE64 on a regular file')
  t.equal(discardZeroesData(fd), false, 'regular file')
})

t.test('punchHole frees blocks, reads back zeros, keeps the size', {skip}, async t => {
  const {fd, bsize} = fresh(t)
  put(fd, 0, Buffer.alloc(MiB, 0xab))
  fsyncSync(fd)
  const before = fstatSync(fd)

  punchHole(fd, 256 * KiB, 256 * KiB)
  const after = fstatSync(fd)
  t.equal(after.size, MiB, 'size unchanged')
  t.equal(before.blocks - after.blocks, (256 * KiB) / 512, 'exactly the punched 256 KiB freed')
  t.equal(seekHole(fd, 0), 256 * KiB, 'hole seen where punched')
  t.equal(seekData(fd, 256 * KiB), 512 * KiB, 'data resumes after it')
  t.ok(read(fd, 256 * KiB, 256 * KiB).every(b => b === 0), 'hole reads as zeros')
  t.ok(read(fd, 0, 256 * KiB).every(b => b === 0xab), 'before untouched')
  t.ok(read(fd, 512 * KiB, 512 * KiB).every(b => b === 0xab), 'after untouched')

  // Unaligned: the filesystem zeroes the partial blocks and frees whole ones only.
  punchHole(fd, 600 * KiB + 1, 3 * bsize)
  const got = read(fd, 600 * KiB, 3 * bsize + 2)
  t.equal(got[0], 0xab, 'byte before the range kept')
  t.ok(got.subarray(1, 1 + 3 * bsize).every(b => b === 0), 'unaligned range zeroed')
  t.equal(got[1 + 3 * bsize], 0xab, 'byte after the range kept')

  punchHole(fd, 0, 0) // no-op, not EINVAL
  t.equal(fstatSync(fd).size, MiB)
})

t.test('punchHole past EOF leaves the size alone', {skip}, async t => {
  const {fd} = fresh(t)
  put(fd, 0, Buffer.alloc(8 * KiB, 1))
  punchHole(fd, 4 * KiB, 1 * MiB)
  t.equal(fstatSync(fd).size, 8 * KiB, 'range crossing EOF')
  punchHole(fd, 10 * MiB, 1 * MiB)
  t.equal(fstatSync(fd).size, 8 * KiB, 'range wholly past EOF')
  t.ok(read(fd, 4 * KiB, 4 * KiB).every(b => b === 0))
})

t.test('punchHole failure carries the errno name', {skip}, async t => {
  const {path} = fresh(t)
  const ro = openSync(path, 'r')
  t.teardown(() => closeSync(ro))
  t.throws(() => punchHole(ro, 0, 4096), {code: 'EBADF', syscall: 'fallocate(PUNCH_HOLE)', errno: 9})
})

t.test('fadvise is a hint and reports acceptance', {skip}, async t => {
  const {fd} = fresh(t)
  for (const a of ['sequential', 'willneed', 'dontneed', 'normal'] as const) t.equal(fadvise(fd, 0, 0, a), true, a)
  t.equal(fadvise(-1, 0, 0, 'normal'), false, 'bad fd')
  t.equal(fadvise(fd, -5, 0, 'normal'), false, 'bad offset')
})

t.test('block device ioctls on a loop device', {skip}, async t => {
  let dev: string
  const dir = t.testdir()
  const backing = join(dir, 'backing.img')
  {
    const fd = openSync(backing, 'w')
    put(fd, 0, Buffer.alloc(8 * MiB, 0xcd))
    closeSync(fd)
  }
  try {
    dev = execFileSync('losetup', ['--find', '--show', backing], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']}).trim()
  } catch (err) {
    // plan(0, reason) is how tap marks a test skipped from inside it.
    t.plan(0, `no loop device here (losetup --find --show failed: ${(err as Error).message.split('\n')[0]})`)
    return
  }
  t.teardown(() => {
    execFileSync('losetup', ['-d', dev])
  })
  const fd = openSync(dev, 'r+')
  t.teardown(() => closeSync(fd))

  t.equal(blockDeviceSize(fd), 8 * MiB, `${dev} size`)
  t.same(dataExtents(fd, 0, 8 * MiB), [{offset: 0, length: 8 * MiB}], 'block device is all data')
  t.equal(discardZeroesData(fd), false, 'discard_zeroes_data is always 0 since Linux 4.12')

  // Prime the page cache so a stale cached read would show 0xcd.
  t.ok(read(fd, MiB, MiB).every(b => b === 0xcd))
  blkZeroOut(fd, MiB, MiB)
  t.ok(read(fd, MiB, MiB).every(b => b === 0), 'zeroed range reads zeros')
  t.ok(read(fd, 0, MiB).every(b => b === 0xcd), 'before untouched')
  t.ok(read(fd, 2 * MiB, MiB).every(b => b === 0xcd), 'after untouched')
  t.throws(() => blkZeroOut(fd, 100, 512), {code: 'EINVAL'}, 'offset must be sector-aligned')
  blkZeroOut(fd, 0, 0) // no-op

  // The loop driver implements discard by punching the backing file.
  blkDiscard(fd, 4 * MiB, MiB)
  t.ok(read(fd, 4 * MiB, MiB).every(b => b === 0), 'loop discard reads back zeros')
  t.ok(read(fd, 5 * MiB, MiB).every(b => b === 0xcd), 'after the discard untouched')
})

// Issue 15: FIEMAP is read a batch at a time and never held whole; a map cut
// into many small batches must be the map read in one.
t.test('fiemap: the same extents whatever the batch size', {skip: skip || fsSkipReason('xfs')}, async t => {
  const dir = mountFs(t, 'xfs')
  const file = join(dir, 'f.img')
  const fd = openSync(file, 'w+')
  t.teardown(() => closeSync(fd))
  put(fd, 0, Buffer.alloc(4 * MiB, 7))
  fsyncSync(fd)
  const clone = openSync(join(dir, 'clone.img'), 'w')
  await ficlone(clone, fd)
  closeSync(clone)
  // Copy on write cuts the shared extent at every rewritten block.
  for (let b = 1; b < 1024; b += 37) put(fd, b * 4 * KiB, Buffer.alloc(4 * KiB, 9))
  fsyncSync(fd)
  const whole = [...fiemap(fd)]
  t.ok(whole.length > 40, `${whole.length} extents`)
  t.same([...fiemap(fd, 3)], whole, 'batches of 3')
  t.same([...fiemap(fd, 1)], whole, 'batches of 1')
  t.ok(whole.every((e, i) => i === 0 || e.logical >= (whole[i - 1] as {logical: number; length: number}).logical + (whole[i - 1] as {length: number}).length), 'ascending, apart')
})

// FICLONE writes the source's dirty pages back first: seconds for a busy image, during
// which an agent served no other session and sent no heartbeat (regression: ficlone
// held the event loop). A setImmediate queued before the call must run before it ends.
t.test('ficlone runs off the event loop', {skip: skip || process.env.BLOCKPAIR_NO_ADDON === '1' || fsSkipReason('xfs')}, async t => {
  const dir = mountFs(t, 'xfs')
  const fd = openSync(join(dir, 'f.img'), 'w+')
  t.teardown(() => closeSync(fd))
  put(fd, 0, Buffer.alloc(4 * MiB, 7)) // left dirty: the clone writes it back first
  const clone = openSync(join(dir, 'clone.img'), 'w+')
  t.teardown(() => closeSync(clone))
  let turned = false
  setImmediate(() => { turned = true })
  await ficlone(clone, fd)
  t.ok(turned, 'the event loop turned while the clone was made')
  t.equal(fstatSync(clone).size, 4 * MiB)
  t.ok(read(clone, 0, 4 * MiB).every(b => b === 7), 'the clone holds the source\'s data')
})

t.test('ficlone where the file system cannot clone rejects with the errno name', {skip: skip || fsSkipReason('ext4')}, async t => {
  const dir = mountFs(t, 'ext4')
  const fd = openSync(join(dir, 'f.img'), 'w+')
  t.teardown(() => closeSync(fd))
  put(fd, 0, Buffer.alloc(64 * KiB, 7))
  const clone = openSync(join(dir, 'clone.img'), 'w')
  t.teardown(() => closeSync(clone))
  await t.rejects(ficlone(clone, fd), {code: /^(EOPNOTSUPP|EXDEV|EINVAL|ENOTTY)$/, syscall: 'ioctl(FICLONE)'})
  t.equal(fstatSync(clone).size, 0, 'nothing written')
})
