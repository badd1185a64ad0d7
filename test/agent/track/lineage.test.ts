// The initiator's decision: the shortcut only when both ends name the same
// last sync and neither has a reason against it; otherwise the first reason.
import t from 'tap'
import {decide, type TrackState} from '../../../agent/track/lineage.js'

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
