// The initiator's decision: the shortcut only when both ends name the same
// last sync and neither has a reason against it; otherwise the first reason.
// And the destination's half of it, on a real file.
import fs from 'node:fs'
import path from 'node:path'
import t from 'tap'
import {decide, DestTrack, recordDest, recordSource, sourceRecordState, type SyncedEnd, type TrackState} from '../../../agent/track/lineage.js'

const ranges = [{offset: 0, length: 65536}]
const source: TrackState = {method: 'reflink', reason: null, digest: 'aa', ranges}
const dest: TrackState = {method: 'reflink', reason: null, digest: 'aa', ranges: null}

t.test('both halves match: used, with the source\'s ranges', async t => {
  t.same(decide(source, dest), {method: 'reflink', used: true, reason: null, ranges})
})

t.test('any reason at either end, or different syncs: the full compare, and why', async t => {
  t.same(decide({...source, method: null, reason: 'no reflink'}, dest), {method: null, used: false, reason: 'no reflink', ranges: null})
  t.match(decide({...source, reason: 'no base'}, dest), {method: 'reflink', used: false, reason: 'no base'})
  t.match(decide(source, {...dest, reason: 'destination changed'}), {used: false, reason: 'destination changed'})
  t.match(decide(source, {...dest, digest: 'bb'}), {used: false, reason: /different syncs/})
  t.match(decide({...source, digest: ''}, {...dest, digest: ''}), {used: false, reason: /different syncs/})
})

t.test('the destination\'s half: a record of this pair, the same block size, the same stamp', async t => {
  const file = path.join(t.testdir(), 'disk.img')
  fs.writeFileSync(file, Buffer.alloc(8192, 1))
  const pair = '0123456789abcdef0123456789abcdef'
  const st = (): fs.BigIntStats => fs.statSync(file, {bigint: true})
  const check = (blockSize = 65536, isDevice = false, p = pair): TrackState => DestTrack.check(file, p, blockSize, st(), isDevice, 'reflink').state
  t.match(check().reason, /no record/)
  recordDest({file, pair, blockSize: 65536, isDevice: false, st: st()}, Buffer.from('aa', 'hex'))
  t.same(check(), {method: 'reflink', reason: null, digest: 'aa', ranges: null})
  t.match(check(131072).reason, /block size/)
  t.match(check(65536, true).reason, /block device/)
  t.match(check(65536, false, 'f'.repeat(32)).reason, /no record/, 'another pair has no record here')
  fs.utimesSync(file, 1, 1)
  t.match(check().reason, /destination changed/, 'a touch is a change')
})

t.test('a device\'s half lives in the state folder and holds only on the operator\'s word', async t => {
  const dir = t.testdir()
  const saved = process.env.XDG_STATE_HOME
  process.env.XDG_STATE_HOME = dir
  t.teardown(() => {
    if (saved === undefined) delete process.env.XDG_STATE_HOME
    else process.env.XDG_STATE_HOME = saved
  })
  const pair = '0123456789abcdef0123456789abcdef'
  const end: SyncedEnd = {file: '/dev/loop-none', pair, blockSize: 65536, isDevice: true, st: fs.statSync(dir, {bigint: true})}
  recordDest(end, Buffer.from('cc', 'hex'))
  t.ok(fs.existsSync(path.join(dir, 'blockpair', 'devices', pair, 'dest.json')))
  t.match(DestTrack.check(end.file, pair, 65536, end.st, true, 'ranges').state.reason, /block device/)
  t.same(DestTrack.check(end.file, pair, 65536, end.st, true, 'ranges', true).state, {method: 'ranges', reason: null, digest: 'cc', ranges: null})
})

t.test('the source\'s half for --changed-ranges: its record, and growth past the size it copied', async t => {
  const file = path.join(t.testdir(), 'disk.img')
  fs.writeFileSync(file, Buffer.alloc(8192, 1))
  const pair = '0123456789abcdef0123456789abcdef'
  const end = (): SyncedEnd => ({file, pair, blockSize: 4096, isDevice: false, st: fs.statSync(file, {bigint: true})})
  t.match(sourceRecordState(end(), 8192).reason, /first sync/)
  recordSource(end(), Buffer.from('dd', 'hex'), 8192)
  t.same(sourceRecordState(end(), 8192), {method: 'ranges', reason: null, digest: 'dd', ranges: []})
  t.same(sourceRecordState(end(), 12288).ranges, [{offset: 8192, length: 4096}], 'growth is always read')
  t.match(sourceRecordState({...end(), blockSize: 8192}, 8192).reason, /block size/)
  fs.renameSync(file, `${file}.old`)
  fs.writeFileSync(file, Buffer.alloc(8192, 1))
  t.match(sourceRecordState(end(), 8192).reason, /replaced/)
})
