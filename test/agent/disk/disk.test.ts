// Disk: reads that skip holes, zeroing by punching (files) or BLKZEROOUT
// (devices) with its fallbacks, and the device checks (size, busy, too small).

import t from 'tap'
import {randomBytes} from 'node:crypto'
import {execFileSync} from 'node:child_process'
import {closeSync, constants, mkdtempSync, openSync, readFileSync, rmdirSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {blockhash} from '../../../agent/disk/blockhash.js'
import {Disk} from '../../../agent/disk/disk.js'
import {EXIT} from '../../../agent/errors.js'
import {nativeAvailable} from '../../../agent/disk/native.js'
import {KiB, MiB, extentsOf, loopDevice, loopSkipReason, mountExt4, sparseFile} from '../../helpers/disks.js'

const skip = nativeAvailable ? false : 'no native layer on this platform'
const loopSkip = skip || loopSkipReason()

function readAll(path: string, size: number): Buffer {
  return readFileSync(path).subarray(0, size)
}

t.test('readRange reads only the data extents and fills holes with zeros', {skip}, async t => {
  const dir = t.testdir()
  const path = join(dir, 'f')
  // Holes at start, middle and end; odd extent lengths; size not a multiple of 4 KiB.
  sparseFile(path, 9 * MiB + 1234, [[300 * KiB, 20 * KiB], [5 * MiB + 12 * KiB, MiB + 36 * KiB]])
  const want = readFileSync(path)
  const alloc = statSync(path).blocks * 512
  const disk = await Disk.openRead(path)
  t.teardown(() => disk.close())
  t.equal(disk.size, 9 * MiB + 1234)
  const buf = Buffer.alloc(16 * MiB, 0xee) // garbage that holes must overwrite
  const got = await disk.readRange(buf, 0, 16 * MiB)
  t.same(got, extentsOf(path), 'returns the extents it read')
  t.ok(buf.subarray(0, want.length).equals(want), 'data and holes as on disk')
  t.ok(buf.subarray(want.length).every(b => b === 0), 'past the end reads as zeros')
  t.equal(disk.bytesRead, alloc, 'read exactly the allocated bytes')

  const before = disk.bytesRead
  await disk.readRange(buf, 6 * MiB + 512 * KiB, 2 * MiB)
  t.equal(disk.bytesRead, before, 'a range that is all hole reads nothing')
  t.ok(buf.subarray(0, 2 * MiB).every(b => b === 0))
})

t.test('readRange with a block size fills only the hole parts of blocks that hold data', {skip}, async t => {
  const dir = t.testdir()
  const path = join(dir, 'f')
  const B = 64 * KiB
  // Data from 20 KiB into block 1 to 8 KiB into block 3; blocks 0, 4 and up are wholly hole.
  sparseFile(path, 8 * B, [[B + 20 * KiB, 2 * B - 12 * KiB]])
  const want = readFileSync(path)
  const disk = await Disk.openRead(path)
  t.teardown(() => disk.close())
  const buf = Buffer.alloc(8 * B, 0xee)
  await disk.readRange(buf, 0, 8 * B, undefined, B)
  t.ok(buf.subarray(B, 4 * B).equals(want.subarray(B, 4 * B)), 'blocks that hold data read as on disk, their hole parts zeroed')
  t.ok(buf.subarray(0, B).every(b => b === 0xee), 'a block wholly in a hole is left as it was')
  t.ok(buf.subarray(4 * B).every(b => b === 0xee), 'and so are the ones after the data')
})

t.test('writeBatch writes every buffer at its offset, and names the offset that failed', async t => {
  const dir = t.testdir()
  const path = join(dir, 'f')
  const disk = await Disk.openWrite(path)
  t.teardown(() => disk.close())
  await disk.resize(4 * MiB)
  const pieces = [0, 3 * MiB + 4 * KiB, 64 * KiB, 4 * MiB - 100].map(at => ({at, data: randomBytes(at === 4 * MiB - 100 ? 100 : 4 * KiB)}))
  await disk.writeBatch(pieces.map(p => p.data), pieces.map(p => p.at))
  const got = readFileSync(path)
  for (const p of pieces) t.ok(got.subarray(p.at, p.at + p.data.length).equals(p.data), `piece at ${p.at}`)

  const ro = await Disk.openRead(path)
  t.teardown(() => ro.close())
  await t.rejects(ro.writeBatch([Buffer.alloc(4 * KiB)], [8 * KiB]), {code: 'E_IO', exit: EXIT.IO, message: /at offset 8192/})
})

t.test('writeBatch on a full filesystem fails with E_NO_SPACE', async t => {
  const mnt = mkdtempSync(join(tmpdir(), 'blockpair-batch-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt])
  } catch (err) {
    rmdirSync(mnt)
    t.comment(`skipped: cannot mount a tmpfs: ${(err as Error).message}`)
    return
  }
  t.teardown(() => {
    execFileSync('umount', ['-l', mnt])
    rmdirSync(mnt)
  })
  const disk = await Disk.openWrite(join(mnt, 'f'))
  t.teardown(() => disk.close())
  await disk.resize(8 * MiB)
  const offsets = Array.from({length: 512}, (_, i) => i * 16 * KiB)
  await t.rejects(disk.writeBatch(offsets.map(() => Buffer.alloc(4 * KiB, 1)), offsets), {code: 'E_NO_SPACE', exit: EXIT.IO})
})

t.test('a file that ends before the extents said (it shrank) is E_SHORT_READ, hashed in the read or not', async t => {
  const dir = t.testdir()
  const path = join(dir, 'f')
  writeFileSync(path, randomBytes(100 * KiB))
  const disk = await Disk.openRead(path)
  t.teardown(() => disk.close())
  const buf = Buffer.alloc(128 * KiB)
  const extents = [{offset: 0, length: 128 * KiB}]
  await t.rejects(disk.readRange(buf, 0, 128 * KiB, extents, 64 * KiB), {code: 'E_SHORT_READ', exit: EXIT.IO})
  const fused = {seed: Buffer.alloc(8), out: Buffer.alloc(2 * 16), runs: [[0, 128 * KiB]] as Array<[number, number]>}
  // Fused reading and hashing needs the addon (BlockHasher.fused).
  if (blockhash) await t.rejects(disk.readRange(buf, 0, 128 * KiB, extents, 64 * KiB, fused), {code: 'E_SHORT_READ', exit: EXIT.IO, message: /did it shrink/})
})

t.test('a destination file is read only where it holds data', {skip}, async t => {
  const dir = t.testdir()
  const path = join(dir, 'f')
  sparseFile(path, 64 * MiB, [[MiB, 64 * KiB], [40 * MiB + 4 * KiB, 8 * KiB]])
  const disk = await Disk.openWrite(path)
  t.teardown(() => disk.close())
  await disk.resize(80 * MiB) // grown: the new part is a hole too
  t.equal(statSync(path).size, 80 * MiB)
  const buf = Buffer.alloc(4 * MiB)
  for (let at = 0; at < 80 * MiB; at += 4 * MiB) await disk.readRange(buf, at, 4 * MiB)
  t.equal(disk.bytesRead, 72 * KiB, 'only its 72 KiB of data')
})

t.test('zero() punches holes in a file, zeroing partial blocks in place', {skip}, async t => {
  const dir = t.testdir()
  const path = join(dir, 'f')
  const size = 4 * MiB + 100
  writeFileSync(path, randomBytes(size))
  const want = readFileSync(path)
  const disk = await Disk.openWrite(path)
  t.teardown(() => disk.close())
  const ranges: Array<[number, number]> = [[0, 64 * KiB], [MiB + 4 * KiB, 4 * KiB], [2 * MiB + 100, 10_000], [4 * MiB, 100]]
  for (const [off, len] of ranges) {
    await disk.zero(off, len)
    want.fill(0, off, off + len)
  }
  await disk.sync()
  t.ok(readFileSync(path).equals(want), 'the ranges read as zeros, the rest is unchanged')
  t.equal(statSync(path).size, size, 'size kept')
  t.same(extentsOf(path, 0, 64 * KiB), [], 'an aligned range is a hole')
  t.same(extentsOf(path, MiB + 4 * KiB, MiB + 8 * KiB), [], 'one 4 KiB piece is a hole')
  t.ok(statSync(path).blocks * 512 <= size - 64 * KiB - 4 * KiB + 4 * KiB, 'blocks were freed')
})

t.test('block devices: size, zeroing with and without BLKZEROOUT, busy and too small', {skip: loopSkip}, async t => {
  const dir = t.testdir()
  const size = 8 * MiB
  const {dev} = loopDevice(t, dir, 'backing.img', size, 0xcd)

  const disk = await Disk.openWrite(dev)
  t.equal(disk.isDevice, true)
  t.equal(disk.size, size, 'size from BLKGETSIZE64')
  t.equal(disk.existed, true)
  t.same(disk.extents(0, size), [{offset: 0, length: size}], 'a device is all data')

  // An open O_EXCL is what a mount holds: a second writer is refused.
  await t.rejects(Disk.openWrite(dev), {code: 'E_DEVICE_BUSY', exit: EXIT.POLICY}, 'held by us: busy')

  await t.rejects(disk.resize(size + 512), {code: 'E_DEVICE_TOO_SMALL', exit: EXIT.IO}, 'a device cannot grow')
  await disk.resize(size - MiB)
  t.equal(disk.size, size, 'a larger device keeps its size')

  const want = Buffer.alloc(size, 0xcd)
  // Aligned (BLKZEROOUT), unaligned at both ends (edges written), a tail shorter than 4 KiB.
  for (const [off, len] of [[MiB, MiB], [3 * MiB + 100, 10_000], [5 * MiB + 4 * KiB, 4 * KiB], [size - 1234, 1234]] as const) {
    await disk.zero(off, len)
    want.fill(0, off, off + len)
  }
  await disk.sync()
  await disk.close()
  t.ok(readAll(dev, size).equals(want), 'zeroed ranges read as zeros through a fresh open')

  // Held open exclusively by another opener: refused unless forced.
  const holder = openSync(dev, constants.O_RDONLY | constants.O_EXCL)
  await t.rejects(Disk.openWrite(dev), {code: 'E_DEVICE_BUSY', exit: EXIT.POLICY}, 'held by another: busy')
  const forced = await Disk.openWrite(dev, {force: true})
  await forced.write(Buffer.alloc(64 * KiB, 7), 6 * MiB)
  await forced.zero(6 * MiB + 4 * KiB, 40 * KiB)
  await forced.sync()
  await forced.close()
  closeSync(holder)
  want.fill(7, 6 * MiB, 6 * MiB + 64 * KiB).fill(0, 6 * MiB + 4 * KiB, 6 * MiB + 44 * KiB)
  t.ok(readAll(dev, size).equals(want), 'forced: written and zeroed')
})

t.test('forced onto a mounted device, zeroing falls back to writing zeros', {skip: loopSkip}, async t => {
  const {dev} = loopDevice(t, t.testdir(), 'backing.img', 8 * MiB)
  mountExt4(t, dev)
  await t.rejects(Disk.openWrite(dev), {code: 'E_DEVICE_BUSY', exit: EXIT.POLICY}, 'mounted: busy')
  // The mounted filesystem pins the pages of its superblock, so the kernel
  // cannot drop them for BLKZEROOUT (EBUSY): zero() must write instead.
  const disk = await Disk.openWrite(dev, {force: true})
  t.teardown(() => disk.close())
  await disk.zero(0, 64 * KiB)
  await disk.zero(MiB + 4 * KiB, 8 * KiB)
  const buf = Buffer.alloc(64 * KiB, 1)
  await disk.readRange(buf, 0, 64 * KiB)
  t.ok(buf.every(b => b === 0), 'the superblock area reads as zeros')
  await disk.readRange(buf, MiB + 4 * KiB, 8 * KiB)
  t.ok(buf.subarray(0, 8 * KiB).every(b => b === 0), 'and so does the later range')
})

t.test('openWrite refuses what is neither a file nor a block device', async t => {
  const dir = t.testdir({sub: {}})
  await t.rejects(Disk.openWrite(join(dir, 'sub')), {code: 'E_NOT_A_FILE', exit: EXIT.IO}, 'a directory')
  await t.rejects(Disk.openWrite('/dev/null'), {code: 'E_NOT_A_FILE', exit: EXIT.IO}, 'a character device')
})
