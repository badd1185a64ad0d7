// The initiator's decision: the shortcut only when both ends name the same
// last sync and neither has a reason against it; otherwise the first reason.
// And the destination's half of it, on a real file.
import fs from 'node:fs'
import path from 'node:path'
import t from 'tap'
import {decide, DestTrack, type TrackState} from '../../../agent/track/lineage.js'

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
  t.match(DestTrack.check(file, pair, 65536, st(), false).state.reason, /no record/)
  DestTrack.check(file, pair, 65536, st(), false).commit(Buffer.from('aa', 'hex'), st())
  t.same(DestTrack.check(file, pair, 65536, st(), false).state, {method: 'reflink', reason: null, digest: 'aa', ranges: null})
  t.match(DestTrack.check(file, pair, 131072, st(), false).state.reason, /block size/)
  t.match(DestTrack.check(file, pair, 65536, st(), true).state.reason, /block device/)
  t.match(DestTrack.check(file, 'f'.repeat(32), 65536, st(), false).state.reason, /no record/, 'another pair has no record here')
  fs.utimesSync(file, 1, 1)
  t.match(DestTrack.check(file, pair, 65536, st(), false).state.reason, /destination changed/, 'a touch is a change')
})
