// The index of tracked pairs behind `blockpair jobs`, and `jobs --untrack`.
import fs from 'node:fs'
import path from 'node:path'
import t from 'tap'
import {CacheWriter, cachePath} from '../../../agent/track/cache.js'
import {recordDest} from '../../../agent/track/lineage.js'
import {listPairs, notePair, untrackPair} from '../../../agent/track/pairs.js'
import {pairDir, STATE_FOLDER} from '../../../agent/track/state.js'

const pair = '0123456789abcdef0123456789abcdef'

// Regression (issue 15): `jobs --untrack` left the destination's hash cache, <pair>.cache, behind.
t.test('untrack removes the pair\'s record and its destination hash cache on this host', async t => {
  const dir = t.testdir({state: {}, images: {'vm.img': Buffer.alloc(65536, 1), 'other.img': Buffer.alloc(65536, 2)}})
  const file = path.join(dir, 'images', 'vm.img')
  const stateDir = path.join(dir, 'state')
  const st = fs.statSync(file, {bigint: true})
  recordDest({file, pair, blockSize: 65536, isDevice: false, st}, Buffer.from('aa', 'hex'))
  const w = CacheWriter.begin(file, pair, Buffer.alloc(8, 3))
  w.add(Buffer.alloc(16, 4))
  w.commit(65536, st)
  const other = '1123456789abcdef0123456789abcdef'
  const kept = CacheWriter.begin(file, other, Buffer.alloc(8, 5))
  kept.add(Buffer.alloc(16, 6))
  kept.commit(65536, st)
  t.ok(notePair(stateDir, {pair, direction: 'pull', source: 'hv1:/images/vm.img', destination: file, local: file}))
  t.equal(listPairs(stateDir).length, 1)

  t.equal(untrackPair(stateDir, file).pair, pair)
  t.notOk(fs.existsSync(pairDir(file, pair)), 'the record is gone')
  t.notOk(fs.existsSync(cachePath(file, pair)), 'the hash cache is gone')
  t.ok(fs.existsSync(cachePath(file, other)), 'another pair\'s cache stays')
  t.same(listPairs(stateDir), [])
  t.throws(() => untrackPair(stateDir, pair), {code: 'E_NOT_TRACKED'})

  fs.rmSync(cachePath(file, other))
  t.ok(notePair(stateDir, {pair, direction: 'pull', source: 'hv1:/images/vm.img', destination: file, local: file}))
  recordDest({file, pair, blockSize: 65536, isDevice: false, st}, Buffer.from('aa', 'hex'))
  untrackPair(stateDir, pair)
  t.notOk(fs.existsSync(path.join(dir, 'images', STATE_FOLDER)), 'an emptied state folder goes too')
})
