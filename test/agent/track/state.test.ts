// The state folder beside a tracked file. Regression (issue 15): a
// `.blockpair-track` symlink in an --allow folder was followed, so records,
// snapshots and their removal could land outside the folder. Every level (the
// state folder, the pair's folder, a record) is refused when it is a link.
import fs from 'node:fs'
import path from 'node:path'
import t, {type Test} from 'tap'
import {DestTrack, recordDest, SourceTrack, untrackEnd} from '../../../agent/track/lineage.js'
import {pairDir, readRecord, STATE_FOLDER, writeRecord} from '../../../agent/track/state.js'

const pair = '0123456789abcdef0123456789abcdef'

function setup(t: Test): {dir: string; file: string; outside: string} {
  const dir = t.testdir({allowed: {'disk.img': Buffer.alloc(8192, 1)}, outside: {}})
  return {dir, file: path.join(dir, 'allowed', 'disk.img'), outside: path.join(dir, 'outside')}
}

const st = (file: string): fs.BigIntStats => fs.statSync(file, {bigint: true})

t.test('a symlinked state folder is refused at both ends, and nothing is made or removed through it', async t => {
  const {file, outside} = setup(t)
  fs.mkdirSync(path.join(outside, pair))
  fs.writeFileSync(path.join(outside, pair, 'keep'), 'x')
  fs.symlinkSync(outside, path.join(path.dirname(file), STATE_FOLDER))
  t.throws(() => pairDir(file, pair), {code: 'E_TRACK_STATE_LINK'})
  await t.rejects(SourceTrack.open(file, pair, 65536), {code: 'E_TRACK_STATE_LINK'})
  t.throws(() => DestTrack.check(file, pair, 65536, st(file), false, 'reflink'), {code: 'E_TRACK_STATE_LINK'})
  t.throws(() => untrackEnd(file, pair), {code: 'E_TRACK_STATE_LINK'})
  t.same(fs.readdirSync(path.join(outside, pair)), ['keep'], 'the link\'s target is untouched')
})

t.test('a symlinked pair folder is refused', async t => {
  const {file, outside} = setup(t)
  fs.mkdirSync(path.join(path.dirname(file), STATE_FOLDER))
  fs.symlinkSync(outside, path.join(path.dirname(file), STATE_FOLDER, pair))
  await t.rejects(SourceTrack.open(file, pair, 65536), {code: 'E_TRACK_STATE_LINK'})
  t.throws(() => DestTrack.check(file, pair, 65536, st(file), false, 'reflink'), {code: 'E_TRACK_STATE_LINK'})
  t.same(fs.readdirSync(outside), [])
})

t.test('a symlinked record is not read', async t => {
  const {file, outside} = setup(t)
  const dir = path.join(path.dirname(file), STATE_FOLDER, pair)
  writeRecord(path.join(outside), {version: 1, pair, role: 'dest', path: file, blockSize: 65536, digest: 'aa',
    stamp: {size: '8192', dev: '0', ino: '0', mtimeNs: '0', ctimeNs: '0'}})
  fs.mkdirSync(dir, {recursive: true})
  fs.symlinkSync(path.join(outside, 'dest.json'), path.join(dir, 'dest.json'))
  t.throws(() => readRecord(dir, 'dest'), {code: 'E_TRACK_STATE_LINK'})
  t.throws(() => DestTrack.check(file, pair, 65536, st(file), false, 'reflink'), {code: 'E_TRACK_STATE_LINK'})
})

t.test('real folders are made one level at a time and used', async t => {
  const {file} = setup(t)
  recordDest({file, pair, blockSize: 65536, isDevice: false, st: st(file)}, Buffer.from('aa', 'hex'))
  t.equal(readRecord(pairDir(file, pair), 'dest')?.digest, 'aa')
  t.equal(fs.statSync(pairDir(file, pair)).mode & 0o777, 0o700)
})
