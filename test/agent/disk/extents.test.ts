import t, {type Test} from 'tap'
import {randomBytes, randomInt} from 'node:crypto'
import {fsyncSync, ftruncateSync, readFileSync} from 'node:fs'
import {dataExtents, type Extent} from '../../../agent/disk/extents.js'
import {freshFile as fresh, GiB, KiB, MiB, putFd as put} from '../../helpers/disks.js'
import {nativeAvailable} from '../../../agent/disk/native.js'

const skip = nativeAvailable ? false : 'no native layer on this platform'


const floor = (n: number, b: number) => Math.floor(n / b) * b
const ceil = (n: number, b: number) => Math.ceil(n / b) * b

t.test('holes at start, middle and end, boundaries block-granular', {skip}, async t => {
  const {fd, bsize} = fresh(t)
  put(fd, MiB, Buffer.alloc(64 * KiB, 1))
  put(fd, 2 * MiB + 100, Buffer.alloc(5000, 2)) // starts and ends mid-block
  ftruncateSync(fd, 4 * MiB)
  fsyncSync(fd)
  const a = floor(2 * MiB + 100, bsize)
  const b = ceil(2 * MiB + 5100, bsize)
  t.same(dataExtents(fd, 0, 4 * MiB), [
    {offset: MiB, length: 64 * KiB},
    {offset: a, length: b - a},
  ])
  t.same(dataExtents(fd, MiB + 10, 2 * MiB + 200), [
    {offset: MiB + 10, length: 64 * KiB - 10},
    {offset: a, length: 2 * MiB + 200 - a},
  ], 'clipped to the asked range at both ends')
  t.same(dataExtents(fd, MiB + 64 * KiB, 2 * MiB), [], 'a range inside a hole')
  t.same(dataExtents(fd, 3 * MiB, 4 * MiB), [], 'trailing hole')
  t.same(dataExtents(fd, 0, 8 * MiB).at(-1), {offset: a, length: b - a}, 'a range past EOF reports no data there')
  t.same(dataExtents(fd, MiB, MiB), [], 'empty range')
})

t.test('all-hole file, empty file, file without holes', {skip}, async t => {
  const holes = fresh(t, 'holes')
  ftruncateSync(holes.fd, 16 * MiB)
  t.same(dataExtents(holes.fd, 0, 16 * MiB), [])

  const empty = fresh(t, 'empty')
  t.same(dataExtents(empty.fd, 0, MiB), [])

  const full = fresh(t, 'full')
  put(full.fd, 0, Buffer.alloc(3 * MiB + 5, 9))
  t.same(dataExtents(full.fd, 0, 3 * MiB + 5), [{offset: 0, length: 3 * MiB + 5}])
  t.same(dataExtents(full.fd, 7, 1000), [{offset: 7, length: 993}])
})

t.test('8 GiB sparse file with data near the end', {skip}, async t => {
  const {fd, bsize} = fresh(t)
  const size = 8 * GiB
  ftruncateSync(fd, size)
  put(fd, 0, Buffer.from([1]))
  put(fd, 6 * GiB + 4097, Buffer.alloc(10, 1))
  put(fd, size - 1, Buffer.from([1]))
  fsyncSync(fd)
  t.same(dataExtents(fd, 0, size), [
    {offset: 0, length: bsize},
    {offset: floor(6 * GiB + 4097, bsize), length: bsize},
    {offset: size - bsize, length: bsize},
  ])
  t.same(dataExtents(fd, 2 ** 32, size - 1), [{offset: floor(6 * GiB + 4097, bsize), length: bsize}, {offset: size - bsize, length: bsize - 1}])
})

// Whatever the filesystem does at block granularity, every non-zero byte must
// be inside a reported extent, and extents must be ordered, disjoint and
// clipped. This is the property the scanner relies on to skip holes unread.
t.test('random sparse files: every non-zero byte is covered', {skip}, async t => {
  for (let round = 0; round < 20; round++) {
    const {fd, path} = fresh(t, `r${round}`)
    const size = randomInt(1, 4 * MiB)
    ftruncateSync(fd, size)
    for (let w = randomInt(0, 12); w > 0; w--) {
      const off = randomInt(0, size)
      const data = randomBytes(Math.min(size - off, randomInt(1, 100 * KiB)))
      data[0] = data[0] || 1
      put(fd, off, data)
    }
    if (round % 2) fsyncSync(fd) // half of the rounds with dirty, unflushed pages
    const content = readFileSync(path)
    const start = randomInt(0, size)
    const end = randomInt(start, size + 1)
    const ext = dataExtents(fd, start, end)
    if (!wellFormed(t, ext, start, end)) return
    let i = 0
    for (let p = start; p < end; p++) {
      while (i < ext.length && (ext[i]?.offset ?? 0) + (ext[i]?.length ?? 0) <= p) i++
      const e = ext[i]
      const covered = e !== undefined && e.offset <= p
      if (!covered && content[p] !== 0) return t.fail(`round ${round}: byte ${p} non-zero but in no extent ${JSON.stringify(ext)}`)
    }
  }
  t.pass('all rounds covered')
})

function wellFormed(t: Test, ext: Extent[], start: number, end: number): boolean {
  let prevEnd = -1
  for (const e of ext) {
    if (e.length <= 0 || e.offset < start || e.offset + e.length > end || e.offset <= prevEnd) {
      t.fail(`malformed extents for [${start},${end}): ${JSON.stringify(ext)}`)
      return false
    }
    prevEnd = e.offset + e.length
  }
  return true
}

// The fallback and race paths, with the native layer replaced.
t.test('falls back to the whole range when holes cannot be seen', async t => {
  for (const code of ['ENOSYS', 'EINVAL', 'EOPNOTSUPP', 'ESPIPE']) {
    const fail = () => {
      throw Object.assign(new Error(code), {code})
    }
    const {dataExtents: de} = await t.mockImport<typeof import('../../../agent/disk/extents.js')>('../../../agent/disk/extents.js', {
      '../../../agent/disk/native.js': {seekData: fail, seekHole: fail},
    })
    t.same(de(3, 100, 5000), [{offset: 100, length: 4900}], code)
  }
})

t.test('real I/O errors propagate; a file shrinking mid-scan ends it', async t => {
  const eio = () => {
    throw Object.assign(new Error('EIO'), {code: 'EIO'})
  }
  const enxio = () => {
    throw Object.assign(new Error('ENXIO'), {code: 'ENXIO'})
  }
  const mock = (native: object) =>
    t.mockImport<typeof import('../../../agent/disk/extents.js')>('../../../agent/disk/extents.js', {'../../../agent/disk/native.js': native})

  const a = await mock({seekData: eio, seekHole: eio})
  t.throws(() => a.dataExtents(3, 0, 10), {code: 'EIO'})

  const b = await mock({seekData: (_fd: number, off: number) => off, seekHole: enxio})
  t.same(b.dataExtents(3, 0, 10), [], 'SEEK_HOLE ENXIO after SEEK_DATA found data')

  // A filesystem claiming a hole exactly at the data offset must not spin.
  const c = await mock({seekData: () => 40, seekHole: () => 40})
  t.same(c.dataExtents(3, 0, 100), [{offset: 0, length: 100}])

  // Unsupported part-way: keep what was found, report the rest as data.
  let calls = 0
  const d = await mock({
    seekData: (_fd: number, off: number) => {
      if (calls++) throw Object.assign(new Error('EINVAL'), {code: 'EINVAL'})
      return off + 10
    },
    seekHole: (_fd: number, off: number) => off + 10,
  })
  t.same(d.dataExtents(3, 0, 100), [{offset: 10, length: 10}, {offset: 20, length: 80}])
})

t.test('DataMap: range after range, the same extents as dataExtents', {skip}, async t => {
  const {fd} = fresh(t)
  put(fd, 0, randomBytes(10 * MiB))
  put(fd, 12 * MiB, randomBytes(MiB))
  ftruncateSync(fd, 16 * MiB)
  fsyncSync(fd)
  const {DataMap} = await import('../../../agent/disk/extents.js')
  const map = new DataMap(fd)
  for (let at = 0; at < 16 * MiB; at += 3 * MiB) t.same(map.extents(at, at + 3 * MiB), dataExtents(fd, at, at + 3 * MiB), `[${at}, +3 MiB)`)
})

// Regression (issue 15): SEEK_HOLE walks every extent up to the next hole, so
// a seek pair per segment over a dense file cut into many extents cost
// O(extents × segments); one walk per data run must do.
t.test('DataMap: one SEEK_HOLE per data run, however many segments it spans', async t => {
  const size = 256 * MiB
  let holes = 0
  const {DataMap} = await t.mockImport<typeof import('../../../agent/disk/extents.js')>('../../../agent/disk/extents.js', {
    '../../../agent/disk/native.js': {
      seekData: (_fd: number, off: number) => (off < size ? off : null),
      seekHole: () => {
        holes++
        return size
      },
    },
  })
  const map = new DataMap(3)
  for (let at = 0; at < size; at += 4 * MiB) t.same(map.extents(at, at + 4 * MiB), [{offset: at, length: 4 * MiB}])
  t.equal(holes, 1)
  map.forget()
  map.extents(0, 4 * MiB)
  t.equal(holes, 2, 'after a truncate the run is looked up again')
})
