// The session's checks on change tracking, which guard against a peer: a
// plan that skips ranges is refused by an end whose own half of the lineage
// does not hold; tracked ranges must be ascending, apart, aligned and inside
// the file; a pair key must be a key before it names a folder.
import t from 'tap'
import type {Plan} from '../../../agent/engine/engine.js'
import {checkPlan, planFrom, startOf} from '../../../agent/session/plan.js'
import {decideTracking, EndTrack, trackState} from '../../../agent/session/tracking.js'

const KiB = 1024
const plan = (extra: Partial<Plan> = {}): Plan => ({size: 1024 * KiB, blockSize: 64 * KiB, start: 0, end: 1024 * KiB, destZeroFrom: 0, dryRun: false, ...extra})
const PAIR = '0123456789abcdef0123456789abcdef'

t.test('an end without a matching lineage refuses a plan that skips ranges', async t => {
  t.throws(() => new EndTrack(PAIR, 'record').checkPlan(plan({ranges: []})), {code: 'E_BAD_PLAN'})
  t.doesNotThrow(() => new EndTrack(PAIR, 'record').checkPlan(plan()))
})

t.test('tracked ranges out of order, off 4 KiB boundaries or outside the file are refused', async t => {
  for (const ranges of [
    [{offset: 128 * KiB, length: 64 * KiB}, {offset: 0, length: 64 * KiB}],
    [{offset: 0, length: 64 * KiB}, {offset: 32 * KiB, length: 64 * KiB}],
    [{offset: 2 * KiB, length: 64 * KiB}],
    [{offset: 960 * KiB, length: 128 * KiB}],
    [{offset: 0, length: 0}],
  ]) t.throws(() => checkPlan(plan({ranges}), null, false, 0), {code: 'E_BAD_PLAN'}, JSON.stringify(ranges))
  t.doesNotThrow(() => checkPlan(plan({ranges: [{offset: 0, length: 64 * KiB}, {offset: 960 * KiB, length: 64 * KiB}]}), null, false, 0))
  t.doesNotThrow(() => checkPlan(plan({ranges: [{offset: 4 * KiB, length: 4 * KiB}]}), null, false, 0), 'on 4 KiB boundaries within a coarse block')
})

t.test('Start carries the ranges, and only when tracked', async t => {
  const ranges = [{offset: 64 * KiB, length: 128 * KiB}]
  t.same(planFrom(startOf(plan({ranges}))).ranges, ranges)
  t.equal(planFrom(startOf(plan())).ranges, undefined)
  t.same(planFrom(startOf(plan({ranges: []}))).ranges, [], 'tracked with nothing changed: nothing read')
})

t.test('a malformed pair key or range list from a peer', async t => {
  t.throws(() => new EndTrack('../../etc', 'reflink'), {code: 'E_BAD_FRAME'})
  t.throws(() => trackState({method: 'reflink', rangeOffsets: [0], rangeLengths: []}, true), {code: 'E_BAD_FRAME'})
  t.match(trackState(null, false), {method: null, reason: /did not answer/})
})

t.test('the decision clips the source\'s ranges to this session\'s part', async t => {
  const s = {method: 'reflink' as const, reason: null, digest: 'aa', ranges: [{offset: 0, length: 256 * KiB}, {offset: 512 * KiB, length: 64 * KiB}]}
  const d = {method: 'reflink' as const, reason: null, digest: 'aa', ranges: null}
  t.same(decideTracking(s, d, 128 * KiB, 1024 * KiB).ranges, [{offset: 128 * KiB, length: 128 * KiB}, {offset: 512 * KiB, length: 64 * KiB}])
})

t.test('listed ranges (--changed-ranges) are merged with the source\'s growth, widened to 4 KiB pieces (not whole blocks) and clipped', async t => {
  const s = {method: 'ranges' as const, reason: null, digest: 'aa', ranges: [{offset: 1000 * KiB, length: 24 * KiB}]}
  const d = {method: 'ranges' as const, reason: null, digest: 'aa', ranges: null}
  const listed = {ranges: [{offset: 70 * KiB, length: 1}, {offset: 200 * KiB, length: 100 * KiB}], size: 1024 * KiB}
  t.same(decideTracking(s, d, 0, 1024 * KiB, listed).ranges, [{offset: 68 * KiB, length: 4 * KiB}, {offset: 200 * KiB, length: 100 * KiB}, {offset: 1000 * KiB, length: 24 * KiB}])
  t.same(decideTracking(s, d, 256 * KiB, 1024 * KiB, listed).ranges, [{offset: 256 * KiB, length: 44 * KiB}, {offset: 1000 * KiB, length: 24 * KiB}], 'a resume reads only past its start')
  t.same(decideTracking({...s, ranges: []}, d, 0, 1024 * KiB, {...listed, ranges: []}).ranges, [], 'nothing listed: nothing read')
  t.equal(decideTracking(s, {...d, digest: 'bb'}, 0, 1024 * KiB, listed).ranges, null, 'no shortcut: the full compare')
})
