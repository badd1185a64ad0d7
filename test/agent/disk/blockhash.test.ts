// The native addon (agent/disk/addon): batch hashes must equal xxhash-addon's
// one-block-at-a-time hashes byte for byte (the two ends of a sync may run
// either path), bad arguments must throw instead of touching memory, and
// aligned buffers must be aligned.
import t from 'tap'
import {randomBytes} from 'node:crypto'
import {execFileSync} from 'node:child_process'
import {closeSync, ftruncateSync, openSync, writeFileSync, writeSync} from 'node:fs'
import {createRequire} from 'node:module'
import {constants} from 'node:os'
import xxhash from 'xxhash-addon'
import {alignedBuffer, blockhash} from '../../../agent/disk/blockhash.js'
import {BlockHasher, HASH_BYTES} from '../../../agent/engine/hash.js'

const seed = Buffer.from('0011223344556677', 'hex')

/** The reference: xxhash-addon, one block per call. */
function reference(data: Buffer, blockSize: number): Buffer {
  const h = new xxhash.XXHash128(seed)
  const parts: Buffer[] = []
  for (let at = 0; at < data.length; at += blockSize) {
    h.reset()
    h.update(data.subarray(at, at + blockSize))
    parts.push(h.digest())
  }
  return Buffer.concat(parts)
}

const cases: Array<[number, number]> = [[0, 4096], [1, 4096], [4095, 4096], [4096, 4096], [4097, 4096], [65536 * 3 + 17, 65536], [1 << 20, 4096], [1000, 1], [333, 7]]

t.test('the addon is built on Linux, so the fast path is what runs', {skip: process.platform !== 'linux' || process.env.BLOCKPAIR_NO_ADDON === '1'}, async t => {
  t.ok(blockhash, 'agent/disk/addon/build/Release/blockhash.node loads (npm run build:addon)')
})

t.test('batch hashes equal xxhash-addon block by block, sync and async', async t => {
  const h = new BlockHasher(seed)
  for (const [len, bs] of cases) {
    const data = randomBytes(len)
    const want = reference(data, bs)
    const out = Buffer.alloc(want.length + 32, 0xee)
    h.hashBlocks(data, bs, out, 16)
    t.same(out.subarray(16, 16 + want.length), want, `sync ${len} bytes in ${bs}-byte blocks`)
    t.equal(out.subarray(0, 16).toString('hex'), 'ee'.repeat(16), 'nothing written before outAt')
    t.equal(out.subarray(16 + want.length).toString('hex'), 'ee'.repeat(16), 'nothing written past the last hash')
    const out2 = Buffer.alloc(want.length)
    await h.hashBlocksAsync(data, bs, out2, 0)
    t.same(out2, want, `async ${len} bytes in ${bs}-byte blocks`)
  }
})

// On x86-64 the addon hashes with xxHash's run-time dispatcher (AVX2 or
// AVX-512 where the CPU has them; agent/disk/addon/xxdispatch.c): inputs past
// 240 bytes take the vector code, in 64-byte stripes and 1 KiB rounds, from
// addresses of any alignment. Every such boundary must give xxhash-addon's hash.
t.test('the vector code (run-time dispatched) equals the reference at every stripe and round boundary, at any alignment', async t => {
  const h = new BlockHasher(seed)
  const lengths = [128, 129, 240, 241, 255, 256, 1023, 1024, 1025, 4096 + 63, 4096 + 64, 65536 - 1, 65536 + 1]
  const big = randomBytes(70_000)
  for (const len of lengths) {
    for (const misalign of [0, 1, 8, 31]) {
      const data = big.subarray(misalign, misalign + len)
      const out = Buffer.alloc(HASH_BYTES)
      h.hashBlocks(data, len, out, 0)
      t.same(out, reference(Buffer.from(data), len), `${len} bytes at ${misalign} bytes past an aligned start`)
    }
  }
})

t.test('a view into a larger buffer hashes only its own bytes', async t => {
  const h = new BlockHasher(seed)
  const big = randomBytes(3 * 4096)
  const view = big.subarray(4096, 8192)
  const out = Buffer.alloc(HASH_BYTES)
  h.hashBlocks(view, 4096, out, 0)
  t.same(out, reference(Buffer.from(view), 4096))
})

t.test('the pure-JS fallback gives the same hashes (BLOCKPAIR_NO_ADDON=1)', async t => {
  const data = randomBytes(5 * 4096 + 100)
  const script = `
    import {BlockHasher, batchHashing} from './agent/engine/hash.ts'
    const h = new BlockHasher(Buffer.from('${seed.toString('hex')}', 'hex'))
    const data = Buffer.from('${data.toString('hex')}', 'hex')
    const out = Buffer.alloc(6 * 16)
    await h.hashBlocksAsync(data, 4096, out, 0)
    console.log(JSON.stringify({batchHashing, out: out.toString('hex')}))`
  const res = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: {...process.env, BLOCKPAIR_NO_ADDON: '1'}, encoding: 'utf8'}))
  t.equal(res.batchHashing, false, 'the fallback ran')
  t.equal(res.out, reference(data, 4096).toString('hex'))
})

t.test('bad arguments throw, never read or write out of bounds', async t => {
  const h = new BlockHasher(seed)
  const data = Buffer.alloc(8192)
  const out = Buffer.alloc(32)
  t.throws(() => h.hashBlocks('x' as unknown as Buffer, 4096, out, 0), TypeError)
  t.throws(() => h.hashBlocks(data, 4096, new Uint8Array(32) as Buffer, 0), TypeError)
  for (const bs of [0, -1, 1.5, NaN, Infinity]) t.throws(() => h.hashBlocks(data, bs, out, 0), RangeError, `block size ${bs}`)
  for (const at of [-16, 1.5, 17, 32, NaN]) t.throws(() => h.hashBlocks(data, 4096, out, at), RangeError, `outAt ${at}`)
  t.throws(() => h.hashBlocks(data, 1024, out, 0), RangeError, 'eight hashes do not fit in 32 bytes')
  await t.rejects(h.hashBlocksAsync(data, 4096, out, 17), RangeError)
  t.throws(() => h.hashInto(Buffer.alloc(0), out, 0), RangeError, 'an empty block has no hash to give')
  if (blockhash) {
    // The addon checks again on its own: nothing reaches C unchecked.
    t.throws(() => blockhash!.hashBlocks(data, 4096, seed, Buffer.alloc(31), 0), RangeError)
    t.throws(() => blockhash!.hashBlocks(data, 4096, Buffer.alloc(7), out, 0), RangeError)
    t.throws(() => blockhash!.hashBlocks(data, 0, seed, out, 0), RangeError)
    t.throws(() => blockhash!.hashBlocks({} as Buffer, 4096, seed, out, 0), TypeError)
    t.throws(() => (blockhash!.hashBlocks as (...a: unknown[]) => void)(data, 4096, seed), TypeError)
    t.throws(() => blockhash!.alignOffset(data, 3), TypeError)
  }
})

t.test('aligned buffers start on a page boundary and have the size asked for', {skip: !blockhash}, async t => {
  for (const size of [1, 4096, 512 << 10, 4 << 20]) {
    const b = alignedBuffer(size)
    t.equal(b.length, size)
    t.equal(blockhash!.alignOffset(b, 4096), 0, `${size} bytes: page aligned`)
  }
  t.equal(blockhash!.alignOffset(Buffer.alloc(64).subarray(1), 1), 0, 'everything is 1-aligned')
})

t.test('readHashAsync reads and hashes in one job, like a read then hashBlocks', {skip: !blockhash}, async t => {
  const dir = t.testdir()
  const file = `${dir}/f`
  const data = randomBytes(300 * 1024)
  writeFileSync(file, data)
  const fd = openSync(file, 'r')
  t.teardown(() => closeSync(fd))
  const bs = 65536
  const buf = Buffer.alloc(5 * bs, 0xee)
  const out = Buffer.alloc(5 * HASH_BYTES)
  // Two reads into a 320 KiB buffer, the part between them left as it was;
  // two runs: blocks 0-1 and block 3-4 (the last one short).
  buf.fill(0, 2 * bs, 3 * bs)
  await blockhash!.readHashAsync(fd, buf, [0, 2 * bs, 0, 3 * bs, data.length - 3 * bs, 3 * bs], bs, seed, out, [0, 2 * bs, 3 * bs, data.length])
  t.ok(buf.subarray(0, 2 * bs).equals(data.subarray(0, 2 * bs)), 'first read')
  t.ok(buf.subarray(3 * bs, data.length).equals(data.subarray(3 * bs)), 'second read')
  t.ok(out.subarray(0, 2 * HASH_BYTES).equals(reference(data.subarray(0, 2 * bs), bs)), 'hashes of the first run')
  t.ok(out.subarray(3 * HASH_BYTES).equals(reference(data.subarray(3 * bs), bs)), 'hashes of the second run, at their block index')

  const failure = (p: Promise<void>): Promise<unknown> => p.then(() => null, (err: unknown) => err)
  t.match(await failure(blockhash!.readHashAsync(fd, buf, [0, 4096, data.length - 100], bs, seed, out, [])), {eof: true, index: 0}, 'the file ends before the read does')
  t.match(await failure(blockhash!.readHashAsync(999_999, buf, [0, 4096, 0], bs, seed, out, [])), {errno: 9, index: 0, eof: false}, 'EBADF')
  t.throws(() => blockhash!.readHashAsync(fd, buf, [0, 6 * bs, 0], bs, seed, out, []), RangeError, 'a read past the buffer')
  t.throws(() => blockhash!.readHashAsync(fd, buf, [], bs, seed, out, [100, 200]), RangeError, 'a run that does not start on a block')
  t.throws(() => blockhash!.readHashAsync(fd, buf, [], bs, seed, Buffer.alloc(16), [0, 2 * bs]), RangeError, 'hashes that do not fit out')
  t.throws(() => blockhash!.readHashAsync(fd, buf, [0, 1], bs, seed, out, []), TypeError, 'reads not in triples')
  t.throws(() => blockhash!.readHashAsync(fd, buf, [0, -1, 0], bs, seed, out, []), RangeError, 'a negative length')
})

// agent/disk/addon/syscalls.c stands in for koffi's glibc calls (agent/disk/native.ts):
// same answers, with -errno where glibc sets errno.
t.test('the addon\'s lseek, fallocate and fadvise answer as glibc\'s do through koffi', {skip: !(blockhash && 'lseek' in blockhash) && 'no addon with syscalls'}, async t => {
  const calls = blockhash as unknown as Record<'lseek' | 'fallocate' | 'fadvise', (...a: number[]) => number>
  const koffi = createRequire(import.meta.url)('koffi') as typeof import('koffi')
  const libc = koffi.load('libc.so.6')
  const lseek = libc.func('int64_t lseek64(int fd, int64_t offset, int whence)')
  const file = `${t.testdir()}/sparse`
  const fd = openSync(file, 'w+')
  t.teardown(() => closeSync(fd))
  ftruncateSync(fd, 8 << 20)
  writeSync(fd, Buffer.alloc(65536, 1), 0, 65536, 4 << 20)
  for (const [offset, whence] of [[0, 3], [0, 4], [5 << 20, 4], [(4 << 20) + 100, 3]] as const) {
    t.equal(calls.lseek(fd, offset, whence), Number(lseek(fd, offset, whence)), `lseek(${offset}, ${whence === 3 ? 'SEEK_DATA' : 'SEEK_HOLE'})`)
  }
  t.equal(calls.lseek(fd, 9 << 20, 3), -constants.errno.ENXIO, 'SEEK_DATA past the end: -ENXIO')
  t.equal(calls.lseek(-1, 0, 3), -constants.errno.EBADF, 'a bad fd: -EBADF')
  t.equal(calls.fallocate(fd, 3, 4 << 20, 65536), 0, 'punching a hole')
  t.equal(calls.lseek(fd, 0, 3), -constants.errno.ENXIO, 'leaves no data')
  t.equal(calls.fallocate(-1, 3, 0, 4096), -constants.errno.EBADF, 'fallocate on a bad fd: -EBADF')
  t.equal(calls.fadvise(fd, 0, 0, 2), 0, 'fadvise(SEQUENTIAL)')
  t.equal(calls.fadvise(fd, 0, 0, 99), -constants.errno.EINVAL, 'an unknown advice: -EINVAL')
  t.throws(() => calls.lseek(fd, 0), TypeError, 'a missing argument throws')
})
