// Snapshots in a pair's folder: what a sweep removes. The base a successful
// sync replaces is removed on the thread pool (issue 15: its synchronous
// unlink was 70 ms of the event loop per GiB of a fragmented image), and
// the record naming the new base is durable first, so a kill meanwhile only
// leaves a stale snapshot for the next sweep.
import fs from 'node:fs'
import path from 'node:path'
import t, {type Test} from 'tap'
import {sweep, sweepAsync} from '../../../agent/track/snapshot.js'
import {writeRecord} from '../../../agent/track/state.js'

const pair = '0123456789abcdef0123456789abcdef'

function folder(t: Test): string {
  const dir = path.join(t.testdir({'.blockpair-track': {[pair]: {'next-aa': 'base', 'next-bb': 'old', 'next-cc': 'left over', 'other': 'kept'}}}), '.blockpair-track', pair)
  writeRecord(dir, {version: 1, pair, role: 'source', path: '/x', blockSize: 65536, digest: 'aa', snapshot: 'next-aa',
    stamp: {size: '4', dev: '0', ino: '0', mtimeNs: '0', ctimeNs: '0'}, live: {dev: '0', ino: '0'}})
  return dir
}

t.test('sweepAsync keeps the base the record names and removes the other snapshots', async t => {
  const dir = folder(t)
  const p = sweepAsync(dir)
  t.type(p, Promise, 'the unlinks are not done on the caller\'s turn')
  await p
  t.same(fs.readdirSync(dir).sort(), ['next-aa', 'other', 'source.json'])
})

t.test('sweep does the same at once (before a new snapshot)', async t => {
  const dir = folder(t)
  sweep(dir)
  t.same(fs.readdirSync(dir).sort(), ['next-aa', 'other', 'source.json'])
})

t.test('a missing folder is nothing to sweep', async t => {
  await sweepAsync(path.join(t.testdir(), 'none'))
  t.pass()
})
