// The destination's hash cache file: a cache written for a file is found
// again while the file is untouched, and is ignored (never trusted) when it
// is missing, flipped, truncated, for another pair, another block size, or
// the file moved on; a write cut short leaves the old cache or none.
import t, {type Test} from 'tap'
import {randomBytes} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {cachePath, CacheWriter, checkCache, dropCache, HEADER_BYTES, SEED_BYTES, type CacheKey} from '../../../agent/track/cache.js'
import {STATE_FOLDER} from '../../../agent/track/state.js'

const KiB = 1024
const PAIR = '0123456789abcdef0123456789abcdef'
const OTHER = 'fedcba9876543210fedcba9876543210'
const BS = 64 * KiB

const roots = new WeakMap<Test, string>()

/** A 1 MiB + 3 KiB file (a short last block) and its cache under `seed`, hashes made up. */
function fixture(t: Test, pair = PAIR): {file: string; hashes: Buffer; seed: Buffer} {
  // t.testdir() empties the test's folder each time: one folder per fixture inside it.
  let root = roots.get(t)
  if (!root) roots.set(t, root = t.testdir())
  const file = path.join(fs.mkdtempSync(path.join(root, 'f')), 'disk.img')
  fs.writeFileSync(file, randomBytes(1024 * KiB + 3 * KiB))
  const blocks = Math.ceil(fs.statSync(file).size / BS)
  const hashes = randomBytes(blocks * 16)
  const seed = randomBytes(SEED_BYTES)
  const w = CacheWriter.begin(file, pair, seed)
  // In pieces, as segments end.
  w.add(hashes.subarray(0, 5 * 16))
  w.add(hashes.subarray(5 * 16))
  w.commit(BS, fs.statSync(file, {bigint: true}))
  return {file, hashes, seed}
}

function key(file: string, pair = PAIR, blockSize = BS): CacheKey {
  return {pair, blockSize, st: fs.statSync(file, {bigint: true})}
}

function poke(file: string, at: number, bytes: Buffer): void {
  const fd = fs.openSync(file, 'r+')
  fs.writeSync(fd, bytes, 0, bytes.length, at)
  fs.closeSync(fd)
}

t.test('a cache is found again while the file is untouched: its seed and its hashes', async t => {
  const {file, hashes, seed} = fixture(t)
  const c = checkCache(file, key(file))
  t.equal(c.why, null)
  t.ok(c.seed.equals(seed), 'the seed the cache was written under')
  t.ok(c.reader?.hashes(0, 4 * BS).equals(hashes.subarray(0, 4 * 16)))
  t.ok(c.reader?.hashes(16 * BS, 3 * KiB).equals(hashes.subarray(16 * 16)), 'the short last block')
  t.throws(() => c.reader?.hashes(BS / 2, BS), RangeError, 'a range off a block boundary')
  c.reader?.close()
  t.equal(fs.statSync(cachePath(file, PAIR)).mode & 0o777, 0o600, 'readable by its owner only')
  t.equal(fs.statSync(path.dirname(cachePath(file, PAIR))).mode & 0o777, 0o700)
  t.same(fs.readdirSync(path.join(path.dirname(file), STATE_FOLDER)), [`${PAIR}.cache`], 'no temporary file left')
})

t.test('every way a cache can be wrong is found, and a fresh seed is offered instead', async t => {
  const cases: Array<[string, (f: {file: string; cache: string}) => void, string]> = [
    ['missing', ({cache}) => fs.rmSync(cache), 'missing'],
    ['one hash byte flipped', ({cache}) => poke(cache, HEADER_BYTES + 40, Buffer.from([fs.readFileSync(cache)[HEADER_BYTES + 40] as number ^ 1])), 'checksum'],
    ['one seed byte flipped', ({cache}) => poke(cache, 48, Buffer.from([fs.readFileSync(cache)[48] as number ^ 1])), 'checksum'],
    ['truncated', ({cache}) => fs.truncateSync(cache, fs.statSync(cache).size - 16), 'damaged'],
    ['cut inside its header', ({cache}) => fs.truncateSync(cache, 40), 'damaged'],
    ['the file touched', ({file}) => fs.utimesSync(file, new Date(), new Date()), 'changed'],
    ['the file written', ({file}) => poke(file, 100, randomBytes(8)), 'changed'],
    ['the file replaced', ({file}) => {
      fs.copyFileSync(file, `${file}.new`)
      fs.renameSync(`${file}.new`, file)
    }, 'changed'],
  ]
  for (const [name, spoil, why] of cases) {
    const {file, seed} = fixture(t)
    spoil({file, cache: cachePath(file, PAIR)})
    const c = checkCache(file, key(file))
    t.equal(c.why, why, name)
    t.equal(c.reader, null, `${name}: nothing to read from`)
    t.ok(c.reason, `${name}: a reason to report`)
    t.notOk(c.seed.equals(seed), `${name}: a fresh seed`)
    t.equal(c.seed.length, SEED_BYTES)
  }
})

t.test('a cache for another pair or another block size is ignored', async t => {
  const {file} = fixture(t)
  // Another pair's cache, copied under this pair's name.
  const other = fixture(t, OTHER)
  fs.copyFileSync(cachePath(other.file, OTHER), cachePath(file, PAIR))
  t.equal(checkCache(file, key(file)).why, 'pair')
  const mine = fixture(t)
  t.equal(checkCache(mine.file, key(mine.file, PAIR, 128 * KiB)).why, 'block-size')
})

t.test('a write cut short leaves the old cache, and its temporary file is swept by the next', async t => {
  const {file, seed} = fixture(t)
  const cut = CacheWriter.begin(file, PAIR, randomBytes(SEED_BYTES))
  cut.add(randomBytes(17 * 16))
  // Killed here: no commit. The old cache is what a check finds.
  const c = checkCache(file, key(file))
  t.equal(c.why, null)
  t.ok(c.seed.equals(seed))
  c.reader?.close()
  const folder = path.join(path.dirname(file), STATE_FOLDER)
  t.equal(fs.readdirSync(folder).filter(n => n.endsWith('.tmp')).length, 1)
  CacheWriter.begin(file, PAIR, seed).abort()
  t.equal(fs.readdirSync(folder).filter(n => n.endsWith('.tmp')).length, 0, 'swept')
})

t.test('a cache whose hashes do not cover the file is not written', async t => {
  const {file} = fixture(t)
  const w = CacheWriter.begin(file, PAIR, randomBytes(SEED_BYTES))
  w.add(randomBytes(3 * 16))
  t.throws(() => w.commit(BS, fs.statSync(file, {bigint: true})), RangeError)
  t.equal(fs.readdirSync(path.join(path.dirname(file), STATE_FOLDER)).filter(n => n.endsWith('.tmp')).length, 0)
})

t.test('regression: a symlinked .blockpair-track is neither read, written nor emptied through', async t => {
  const root = t.testdir({allowed: {}, outside: {}})
  const file = path.join(root, 'allowed', 'disk.img')
  fs.writeFileSync(file, randomBytes(64 * KiB))
  const outside = path.join(root, 'outside')
  fs.writeFileSync(path.join(outside, `${PAIR}.cache`), 'not ours')
  fs.symlinkSync(outside, path.join(root, 'allowed', STATE_FOLDER))
  t.throws(() => CacheWriter.begin(file, PAIR, randomBytes(SEED_BYTES)), {code: 'E_TRACK_STATE_LINK'})
  t.equal(checkCache(file, key(file)).reader, null, 'no cache is read through the link')
  t.doesNotThrow(() => dropCache(file, PAIR))
  t.same(fs.readdirSync(outside), [`${PAIR}.cache`], 'nothing made or removed in the link\'s target')
})
