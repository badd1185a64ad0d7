// The hash cache in a session: both ends decide alike whether the
// destination answers from it, and a peer's seed is checked before use.
import t from 'tap'
import {randomBytes} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type {Plan} from '../../../agent/engine/engine.js'
import {Disk} from '../../../agent/disk/disk.js'
import {cacheUse, EndCache, offerFrom, startSeed} from '../../../agent/session/dest-cache.js'
import {cachePath} from '../../../agent/track/cache.js'

const KiB = 1024
const PAIR = '0123456789abcdef0123456789abcdef'
const plan = (extra: Partial<Plan> = {}): Plan => ({size: 1024 * KiB, blockSize: 64 * KiB, start: 0, end: 1024 * KiB, destZeroFrom: 1024 * KiB, dryRun: false, ...extra})
const seed = randomBytes(8)

t.test('the cache answers only a plan that reads the whole file', async t => {
  t.same(cacheUse({seed, reason: null}, plan()), {used: true, reason: null})
  t.match(cacheUse({seed, reason: null}, plan({ranges: []})), {used: false, reason: /change tracking/})
  t.match(cacheUse({seed, reason: null}, plan({start: 512 * KiB})), {used: false, reason: /resumed/})
  t.same(cacheUse({seed, reason: 'stale'}, plan()), {used: false, reason: 'stale'})
})

t.test('a seed from a peer must be 8 bytes', async t => {
  t.equal(startSeed(undefined), null)
  t.equal(startSeed(new Uint8Array(0)), null)
  t.ok(startSeed(seed)?.equals(seed))
  t.throws(() => startSeed(randomBytes(16)), {code: 'E_BAD_PLAN'})
  t.throws(() => offerFrom(randomBytes(4), ''), {code: 'E_BAD_FRAME'})
  t.same(offerFrom(seed, ''), {seed, reason: null})
})

t.test('a destination refuses a Start naming a seed it did not offer; a device keeps no cache', async t => {
  const file = path.join(t.testdir(), 'disk.img')
  fs.writeFileSync(file, randomBytes(256 * KiB))
  const disk = await Disk.openWrite(file)
  t.teardown(() => disk.close())
  const end = EndCache.open(file, PAIR, 64 * KiB, disk, true)
  const offered = end.offer.seed as Buffer
  t.equal(offered.length, 8)
  t.match(end.offer.reason, /no hash cache/)
  t.equal(end.accept(null), false, 'no seed: the session\'s')
  t.equal(end.accept(offered), true)
  t.throws(() => end.accept(randomBytes(8)), {code: 'E_BAD_PLAN'})
  t.same(EndCache.open(file, PAIR, 64 * KiB, disk, false).offer, {seed: null, reason: null}, 'a dry run keeps none')
})

t.test('after a sync that did not see every block the old cache goes', async t => {
  const file = path.join(t.testdir(), 'disk.img')
  fs.writeFileSync(file, randomBytes(256 * KiB))
  fs.mkdirSync(path.dirname(cachePath(file, PAIR)), {recursive: true})
  fs.writeFileSync(cachePath(file, PAIR), 'old')
  const disk = await Disk.openWrite(file)
  t.teardown(() => disk.close())
  const end = EndCache.open(file, PAIR, 64 * KiB, disk, true)
  const p = plan({size: 256 * KiB, end: 256 * KiB, start: 128 * KiB})
  t.same(end.hooks(p, true), {}, 'a resume neither reads nor writes a cache')
  end.settle(disk, {} as never, p)
  t.notOk(fs.existsSync(cachePath(file, PAIR)))
})
