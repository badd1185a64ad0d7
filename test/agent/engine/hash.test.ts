// Block hashing: xxhash-addon aborts the whole process when handed anything
// but a Buffer, so BlockHasher checks its inputs and throws a TypeError.
// (Were a check missing, this test process would crash, not fail.)
import t from 'tap'
import {execFileSync} from 'node:child_process'
import {BlockHasher, diffHashes, HASH_BYTES, hashEquals, sessionSeed} from '../../../agent/engine/hash.js'

const seed = Buffer.from('0123456789abcdef', 'hex')

t.test('a non-Buffer block is a TypeError, not a crash', async t => {
  const h = new BlockHasher(seed)
  const out = Buffer.alloc(HASH_BYTES)
  const bad: unknown[] = ['text', 42, null, undefined, {length: 4096}, [1, 2, 3], new Uint8Array(16), new ArrayBuffer(16), new DataView(new ArrayBuffer(8))]
  for (const b of bad) {
    t.throws(() => h.hashInto(b as Buffer, out, 0), TypeError, Object.prototype.toString.call(b))
  }
  h.hashInto(Buffer.alloc(4096, 7), out, 0)
  t.not(out.toString('hex'), '00'.repeat(HASH_BYTES), 'a Buffer still hashes after the refusals')
})

t.test('a seed must be an 8-byte Buffer', async t => {
  for (const s of ['01234567', 12345678, new Uint8Array(8), Buffer.alloc(7), Buffer.alloc(9), undefined]) {
    t.throws(() => new BlockHasher(s as Buffer), TypeError)
  }
})

t.test('hashes are seeded, and the zero hash is the hash of zeros', async t => {
  const a = new BlockHasher(seed)
  const b = new BlockHasher(Buffer.from('fedcba9876543210', 'hex'))
  const block = Buffer.alloc(4096, 1)
  const ha = Buffer.alloc(HASH_BYTES)
  const hb = Buffer.alloc(HASH_BYTES)
  a.hashInto(block, ha, 0)
  b.hashInto(block, hb, 0)
  t.notOk(hashEquals(ha, 0, hb, 0), 'another seed, another hash')
  const z = Buffer.alloc(HASH_BYTES)
  a.hashInto(Buffer.alloc(4096), z, 0)
  t.ok(hashEquals(a.zeroHash(4096), 0, z, 0))
  t.equal(sessionSeed(Buffer.alloc(8, 1), Buffer.alloc(8, 2)).length, 8)
  t.not(sessionSeed(Buffer.alloc(8, 1), Buffer.alloc(8, 2)).toString('hex'), sessionSeed(Buffer.alloc(8, 2), Buffer.alloc(8, 1)).toString('hex'), 'the order of the peers matters')
})

t.test('diffHashes names the hashes that differ, natively and in the pure-JS fallback alike', async t => {
  const a = Buffer.alloc(64 * HASH_BYTES + 8)
  for (let i = 0; i < a.length; i++) a[i] = i * 7
  const b = Buffer.from(a)
  for (const i of [0, 5, 63]) b.writeUInt8(b.readUInt8(8 + i * HASH_BYTES + 15) ^ 1, 8 + i * HASH_BYTES + 15)
  t.same(diffHashes(a, 8, b, 8, 64), [0, 5, 63])
  t.same(diffHashes(a, 8 + 5 * HASH_BYTES, b, 8 + 5 * HASH_BYTES, 2), [0], 'offsets count from where each list starts')
  t.same(diffHashes(a, 8, b, 8, 0), [], 'an empty list')
  t.same(diffHashes(a, 8, a, 8, 64), [])
  // Past the end of either buffer, or a bad count: refused, never read.
  for (const [aAt, bAt, n] of [[9, 8, 64], [8, 24, 64], [-1, 0, 1], [1.5, 0, 1], [0, 0, -1]] as const) {
    t.throws(() => diffHashes(a, aAt, b, bAt, n), RangeError, `${aAt} ${bAt} ${n}`)
  }
  const script = `
    import {diffHashes} from './agent/engine/hash.ts'
    import {blockhash} from './agent/disk/blockhash.ts'
    const a = Buffer.from('${a.toString('hex')}', 'hex'), b = Buffer.from('${b.toString('hex')}', 'hex')
    let refused = 0
    for (const [aAt, bAt, n] of [[9, 8, 64], [8, 24, 64], [-1, 0, 1], [1.5, 0, 1], [0, 0, -1]]) {
      try { diffHashes(a, aAt, b, bAt, n) } catch (e) { if (e instanceof RangeError) refused++ }
    }
    console.log(JSON.stringify({addon: blockhash !== null, diff: diffHashes(a, 8, b, 8, 64), refused}))`
  const res = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: {...process.env, BLOCKPAIR_NO_ADDON: '1'}, encoding: 'utf8'}))
  t.same(res, {addon: false, diff: [0, 5, 63], refused: 5}, 'the fallback agrees, and refuses the same')
})
