// Sparse images between real agents (TLS on loopback): holes are never read
// at either end, zeros are never written (they become holes), and scattered
// 4 KiB changes cost about 4 KiB each on the wire and on disk.
//
// Most cases use an agent in this process (agent/session/server.ts + agent/session/client.ts);
// the "Done when" checks run the CLI against a `blockpair agent`.
//
// Allocation is st_blocks * 512; "identical" compares the sizes and every
// byte of the union of both files' data extents (holes read as zeros; the
// extents are checked against a byte-by-byte reference in extents.test.ts).
// cmp of the 2 GiB pair would read 4 GiB of zeros: 5-13 s here.

import t, {type Test} from 'tap'
import {execFileSync} from 'node:child_process'
import {randomBytes, randomInt} from 'node:crypto'
import {statSync, truncateSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {nativeAvailable} from '../../agent/disk/native.js'
import {cli, startAgent} from '../helpers/cli.js'
import {GiB, KiB, MiB, allocated, firstDifference, inProcessAgent, isHole, put, sparseFile} from '../helpers/disks.js'
import {newKey, writeKeyFile} from '../../agent/wire/keys.js'
import type {Summary} from '../../agent/session/session.js'

const skip = nativeAvailable ? false : 'needs SEEK_DATA/SEEK_HOLE and hole punching (Linux)'
/** Allocation slack allowed at a destination: filesystem metadata blocks. */
const SLACK = 64 * KiB

function identical(t: Test, a: string, b: string, what = 'files identical'): void {
  t.equal(statSync(b).size, statSync(a).size, `${what}: same size`)
  t.equal(firstDifference(a, b), null, what)
}

function zeros(n: number): Buffer {
  return Buffer.alloc(n)
}

t.test('holes at the start, middle and end, odd alignments, both directions', {skip}, async t => {
  const dir = t.testdir({src: {}, dst: {}})
  const sync = await inProcessAgent(t, [dir])
  const size = 37 * MiB + 1234 // not a multiple of 4 KiB
  const a = join(dir, 'src/a.img')
  sparseFile(a, size, [
    [100 * KiB, 20 * KiB], // after a hole at the start; not 64 KiB aligned
    [5 * MiB + 12 * KiB, MiB + 36 * KiB],
    [20 * MiB - 8 * KiB, 16 * KiB], // across a segment boundary
    [30 * MiB + 4 * KiB, 4 * KiB], // one lone 4 KiB piece
  ]) // and a hole at the end
  const b = join(dir, 'src/b.img')
  sparseFile(b, size, [[0, 4 * KiB], [37 * MiB, 1234]]) // data at the start, and up to the odd end

  for (const [name, src] of [['a', a], ['b', b]] as const) {
    const dst = join(dir, `dst/${name}.img`)
    // a: push to the agent; b: pull from it (the source at the agent).
    const s = name === 'a' ? await sync('push', src, dst) : await sync('pull', dst, src)
    const alloc = allocated(src)
    identical(t, src, dst, `${name}: identical`)
    t.ok(s.destinationCreated, `${name}: created`)
    t.ok(s.bytesReadSource <= alloc, `${name}: source read ${s.bytesReadSource} <= allocated ${alloc}`)
    t.equal(s.bytesReadDest, 0, `${name}: a new destination is not read`)
    t.ok(s.bytesSent <= alloc, `${name}: only the data was sent (${s.bytesSent} bytes)`)
    t.ok(allocated(dst) <= alloc + SLACK, `${name}: destination allocates ${allocated(dst)}, source ${alloc}`)

    const again = name === 'a' ? await sync('push', src, dst) : await sync('pull', dst, src)
    t.equal(again.bytesSent, 0, `${name}: nothing to send the second time`)
    t.equal(again.bytesWritten + again.bytesZeroed, 0, `${name}: nothing written the second time`)
    t.ok(again.bytesReadSource <= alloc, `${name}: source holes not read`)
    t.ok(again.bytesReadDest <= allocated(dst), `${name}: destination holes not read (${again.bytesReadDest} <= ${allocated(dst)})`)
    t.ok(again.bytesOnWire < 8 * KiB, `${name}: ${again.bytesOnWire} bytes on the wire for two sparse files in sync`)
  }
})

t.test('a file that is all hole', {skip}, async t => {
  const dir = t.testdir({src: {}, dst: {}})
  const sync = await inProcessAgent(t, [dir])
  const size = 64 * MiB + 100
  const src = join(dir, 'src/holes.img')
  sparseFile(src, size, [])
  t.equal(allocated(src), 0)

  const fresh = join(dir, 'dst/fresh.img')
  const s = await sync('push', src, fresh)
  t.equal(statSync(fresh).size, size)
  t.equal(allocated(fresh), 0, 'the new destination allocates nothing')
  t.equal(s.bytesReadSource, 0, 'nothing read')
  t.equal(s.bytesSent, 0, 'nothing sent')
  t.equal(s.bytesWritten + s.bytesZeroed, 0, 'nothing written')

  // An existing destination full of data becomes all hole.
  const full = join(dir, 'dst/full.img')
  writeFileSync(full, randomBytes(size))
  const s2 = await sync('push', src, full)
  identical(t, src, full)
  t.equal(s2.bytesReadSource, 0, 'the source is still not read')
  t.equal(s2.bytesSent, 0, 'zeros are not sent')
  t.equal(s2.bytesZeroed, size, 'everything zeroed')
  t.ok(allocated(full) <= 4 * KiB, `punched down to ${allocated(full)} bytes (the odd tail may stay a block)`)
  t.ok(isHole(full, 0, 64 * MiB), 'holes where the data was')
})

t.test('data that becomes zero is punched; zero that becomes data costs 4 KiB a piece', {skip}, async t => {
  const dir = t.testdir({src: {}, dst: {}})
  const sync = await inProcessAgent(t, [dir])
  const size = 48 * MiB + 1234
  const src = join(dir, 'src/vm.img')
  const dst = join(dir, 'dst/vm.img')
  sparseFile(src, size, [[MiB, 16 * MiB]])
  await sync('push', src, dst)
  identical(t, src, dst, 'first sync')

  // Written zeros (allocated at the source, not holes), 4 KiB pieces inside
  // coarse blocks that keep other data, and a punched range of odd length.
  const zeroed: Array<[number, number]> = [[2 * MiB, 256 * KiB], [3 * MiB + 4 * KiB, 4 * KiB], [5 * MiB + 60 * KiB, 4 * KiB], [9 * MiB + 32 * KiB, 8 * KiB]]
  for (const [off, len] of zeroed) put(src, off, zeros(len))
  const punched: [number, number] = [8 * MiB + 4 * KiB, 100 * KiB]
  execFileSync('fallocate', ['--punch-hole', '--offset', String(punched[0]), '--length', String(punched[1]), src])
  const before = allocated(dst)
  const s = await sync('push', src, dst)
  identical(t, src, dst, 'after zeroing')
  t.equal(s.bytesSent, 0, 'zeros are not sent as data')
  t.equal(s.bytesWritten, 0, 'nor written')
  const gone = [...zeroed, punched].reduce((n, [, len]) => n + len, 0)
  // (less a block or so that the filesystem may take for its extent tree)
  t.ok(before - allocated(dst) >= gone - SLACK, `destination freed ${before - allocated(dst)} bytes of the ${gone} zeroed`)
  for (const [off, len] of [...zeroed, punched]) t.ok(isHole(dst, off, len), `${len} bytes at ${off} are a hole at the destination`)
  t.ok(allocated(dst) < allocated(src), 'the destination is sparser than a source holding written zeros')

  // Data where both had holes: a 4 KiB piece, 10 bytes at an odd offset, the last byte.
  put(src, 30 * MiB, randomBytes(4 * KiB))
  put(src, 40 * MiB + 5000, randomBytes(10))
  put(src, size - 1, Buffer.from([1]))
  const before2 = allocated(dst)
  const s2 = await sync('push', src, dst)
  identical(t, src, dst, 'after new data')
  t.equal(s2.bytesSent, 4096 + 4096 + 1234, 'one 4 KiB piece each (the last piece is 1234 bytes)')
  t.equal(s2.bytesWritten, s2.bytesSent, 'written as sent')
  t.ok(allocated(dst) - before2 <= 3 * 4 * KiB + SLACK, `destination grew by ${allocated(dst) - before2} bytes`)
})

t.test('a sparse destination is read only where it holds data, and stays sparse', {skip}, async t => {
  const dir = t.testdir({src: {}, dst: {}})
  const sync = await inProcessAgent(t, [dir])
  const size = 256 * MiB
  const src = join(dir, 'src/vm.img')
  const dst = join(dir, 'dst/vm.img')
  // Data at different places on each side, both mostly hole.
  sparseFile(src, size, [[10 * MiB, 3 * MiB], [100 * MiB + 4 * KiB, 200 * KiB], [250 * MiB, MiB]])
  sparseFile(dst, size, [[10 * MiB + 512 * KiB, MiB], [60 * MiB, 2 * MiB], [255 * MiB, MiB]])
  const dstAlloc = allocated(dst)
  const s = await sync('push', src, dst)
  identical(t, src, dst)
  t.ok(s.bytesReadDest <= dstAlloc, `destination read ${s.bytesReadDest} <= its allocated ${dstAlloc}`)
  t.ok(s.bytesReadSource <= allocated(src), 'source read only its data')
  t.ok(allocated(dst) <= allocated(src) + SLACK, `destination allocates ${allocated(dst)}, source ${allocated(src)}`)

  // A source holding written zeros: the destination does not allocate them.
  const zsrc = join(dir, 'src/zeros.img')
  writeFileSync(zsrc, zeros(8 * MiB))
  put(zsrc, 4 * MiB, randomBytes(MiB))
  truncateSync(zsrc, 32 * MiB)
  const zdst = join(dir, 'dst/zeros.img')
  const z = await sync('push', zsrc, zdst)
  identical(t, zsrc, zdst)
  t.equal(z.bytesSent, MiB, 'only the non-zero MiB is sent')
  t.ok(allocated(zsrc) >= 8 * MiB, 'the source allocates its zeros')
  t.ok(allocated(zdst) <= MiB + SLACK, `the destination does not (${allocated(zdst)} bytes)`)

  // A destination that grows: its new tail is known zero and neither read nor given a manifest.
  const small = join(dir, 'dst/small.img')
  sparseFile(small, 16 * MiB, [[MiB, MiB]])
  const g = await sync('push', src, small)
  identical(t, src, small, 'grown destination')
  t.ok(g.bytesReadDest <= MiB, 'only the old data was read')
})

t.test('4 KiB precision: scattered changes cost 4 KiB each, the manifest stays small', {skip}, async t => {
  const dir = t.testdir({src: {}, dst: {}})
  const sync = await inProcessAgent(t, [dir])
  const size = 64 * MiB
  const src = join(dir, 'src/dense.img')
  const dst = join(dir, 'dst/dense.img')
  writeFileSync(src, randomBytes(size))
  await sync('push', src, dst)

  for (const blockSize of [64 * KiB, MiB]) {
    const pieces = size / 4096
    const changed = new Set<number>()
    while (changed.size < pieces / 100) changed.add(randomInt(0, pieces))
    for (const i of changed) put(src, i * 4096, randomBytes(4096))
    const bytes = changed.size * 4096
    const s = await sync('push', src, dst, {blockSize})
    identical(t, src, dst, `block size ${blockSize}`)
    t.equal(s.bytesSent, bytes, `block size ${blockSize}: sent exactly the ${changed.size} changed 4 KiB pieces`)
    t.equal(s.bytesWritten, bytes, 'and wrote exactly them')
    const coarse = new Set([...changed].map(i => Math.floor((i * 4096) / blockSize)))
    t.equal(s.blocksChanged, coarse.size, 'coarse blocks changed')
    const overhead = s.bytesOnWire - s.bytesSent
    t.ok(overhead < 0.01 * s.bytesReadSource, `block size ${blockSize}: manifest and framing ${overhead} bytes = ${(100 * overhead / s.bytesReadSource).toFixed(3)}% of the ${s.bytesReadSource} bytes read`)
    t.comment(`dense 64 MiB, 1% changed, block ${blockSize}: bytesSent ${s.bytesSent}, bytesOnWire ${s.bytesOnWire}, overhead ${(100 * overhead / s.bytesReadSource).toFixed(3)}%`)
  }
})

// The "Done when", literally, through the CLI and a `blockpair agent`.
t.test('done when: 2 GiB sparse with 64 MiB of data, then 1% changed and extents punched', {skip}, async t => {
  const dir = t.testdir({src: {}, dst: {}})
  const keyFile = join(dir, 'psk')
  writeKeyFile(keyFile, newKey('test'))
  const agent = await startAgent(t, {allow: [join(dir, 'dst')], keyFile})
  const src = join(dir, 'src/vm.img')
  const dst = join(dir, 'dst/vm.img')
  const size = 2 * GiB
  // 64 MiB of data in 256 extents of 256 KiB, one at a random 4 KiB-aligned
  // place in each 8 MiB stretch: not aligned to the 64 KiB coarse blocks.
  const n = 256
  const ext = 256 * KiB
  const extents: Array<[number, number]> = []
  for (let i = 0; i < n; i++) extents.push([i * (size / n) + randomInt(0, (size / n - ext) / 4096) * 4096, ext])
  sparseFile(src, size, extents)
  const data = n * ext
  t.equal(allocated(src), data)

  const push = async (): Promise<Summary> => {
    const r = await cli(['push', src, agent.url(dst), '--psk-file', keyFile, '--json'])
    t.equal(r.code, 0, `push exits 0 ${r.stderr}`)
    return r.json() as unknown as Summary
  }

  // (a) A new destination.
  const a = await push()
  identical(t, src, dst, '(a) identical')
  t.ok(a.bytesReadSource <= 1.25 * data, `(a) bytesReadSource ${a.bytesReadSource} <= 1.25 x ${data} allocated`)
  t.ok(allocated(dst) <= 1.1 * allocated(src), `(a) destination allocates ${allocated(dst)} <= 1.1 x ${allocated(src)}`)
  t.comment(`(a) bytesReadSource ${a.bytesReadSource} (${(a.bytesReadSource / data).toFixed(3)} x data), bytesReadDest ${a.bytesReadDest}, bytesSent ${a.bytesSent}, bytesOnWire ${a.bytesOnWire}, dest allocated ${allocated(dst)} (${(allocated(dst) / allocated(src)).toFixed(4)} x source), ${a.durationMs} ms`)

  // (b) Punch a few extents (3 whole, part of a 4th at an odd length), then
  // change 1% of the remaining data's 4 KiB blocks at random.
  const punched: Array<[number, number]> = [extents[3]!, extents[77]!, extents[150]!, [extents[200]![0] + 64 * KiB, 100 * KiB]]
  for (const [off, len] of punched) execFileSync('fallocate', ['--punch-hole', '--offset', String(off), '--length', String(len), src])
  const inPunched = (off: number): boolean => punched.some(([p, l]) => off >= p && off < p + l)
  const blocks = data / 4096
  const changed = new Set<number>()
  while (changed.size < Math.ceil(blocks / 100)) {
    const i = randomInt(0, blocks)
    const [off] = extents[Math.floor(i / (ext / 4096))]!
    const at = off + (i % (ext / 4096)) * 4096
    if (!inPunched(at)) changed.add(at)
  }
  for (const at of changed) put(src, at, randomBytes(4096))
  const changedBytes = changed.size * 4096
  const dstAllocBefore = allocated(dst)
  const b = await push()
  const limit = 1.25 * changedBytes + 0.005 * data
  t.ok(b.bytesSent <= limit, `(b) bytesSent ${b.bytesSent} <= 1.25 x ${changedBytes} changed + 0.5% of data = ${limit}`)
  t.ok(b.bytesOnWire <= limit, `(b) even all bytes on the wire, both ways: ${b.bytesOnWire} <= ${limit}`)
  t.equal(b.bytesWritten, changedBytes, '(b) wrote exactly the changed bytes')
  t.ok(b.bytesOnWire - b.bytesSent < 0.01 * b.bytesReadSource, '(b) manifest and framing under 1% of the data read')
  t.ok(b.bytesReadSource <= allocated(src) && b.bytesReadDest <= dstAllocBefore, '(b) holes read at neither end')
  for (const [off, len] of punched) t.ok(isHole(dst, off, len), `(b) punched ${len} bytes at ${off} are a hole at the destination`)
  t.ok(allocated(dst) <= 1.1 * allocated(src), `(b) destination allocates ${allocated(dst)} <= 1.1 x ${allocated(src)}`)
  t.ok(dstAllocBefore - allocated(dst) >= punched.reduce((s, [, l]) => s + l, 0), '(b) st_blocks dropped by the punched bytes')
  identical(t, src, dst, '(b) identical')
  t.comment(`(b) changed ${changedBytes} bytes; bytesSent ${b.bytesSent}, bytesOnWire ${b.bytesOnWire} (limit ${Math.round(limit)}), overhead ${(100 * (b.bytesOnWire - b.bytesSent) / b.bytesReadSource).toFixed(3)}% of ${b.bytesReadSource} read, bytesZeroed ${b.bytesZeroed}, bytesReadDest ${b.bytesReadDest}, ${b.durationMs} ms`)
})
