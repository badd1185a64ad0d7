// The resume decision (agent/session/resume.ts) as a table: what was recorded
// at the checkpoint, what the ends look like now, and where the sync starts.
import t from 'tap'
import type {Identity} from '../../../agent/disk/disk.js'
import {SEGMENT_BYTES} from '../../../agent/engine/engine.js'
import {decideResume, resumePointOf, sameDest, sameSource, type ResumeInput, type ResumeWhy} from '../../../agent/session/resume.js'

const BS = 64 * 1024
const SIZE = 10 * SEGMENT_BYTES + 5000 // the end is not on a block boundary
const file = (o: Partial<Identity> = {}): Identity => ({size: SIZE, isDevice: false, mtimeMs: 1000, dev: 7, ino: 42, rdev: 0, stamp: '1000000000:1000000000', ...o})
const dest = (o: Partial<Identity> = {}): Identity => file({mtimeMs: 2000, ino: 43, stamp: '2000000000:2000000000', ...o})
const device = (o: Partial<Identity> = {}): Identity => dest({isDevice: true, stamp: null, ...o})
const whole = {offset: 0, length: SIZE}

interface Row {
  name: string
  now: Partial<ResumeInput>
  start: number
  why: ResumeWhy
}

const checkpoint = (from: number, o: {source?: Identity; dest?: Identity; trust?: boolean} = {}) =>
  ({from, source: o.source ?? file(), dest: o.dest ?? dest(), trust: o.trust ?? false})

const rows: Row[] = [
  {name: 'no checkpoint', now: {}, start: 0, why: 'fresh'},
  {name: 'a checkpoint at 0', now: {resume: checkpoint(0)}, start: 0, why: 'fresh'},
  {name: 'both ends unchanged', now: {resume: checkpoint(3 * BS)}, start: 3 * BS, why: 'resumed'},
  {name: 'a checkpoint inside a block goes back to its start', now: {resume: checkpoint(3 * BS + 100)}, start: 3 * BS, why: 'resumed'},
  {name: 'a checkpoint past the end: nothing left to do', now: {resume: checkpoint(SIZE + BS)}, start: SIZE, why: 'resumed'},
  {name: 'a checkpoint at the unaligned end stays there', now: {resume: checkpoint(SIZE)}, start: SIZE, why: 'resumed'},
  {name: 'regression (issue 14, item 1): the destination was written after the checkpoint (its stamp moved)', now: {resume: checkpoint(3 * BS), dest: dest({mtimeMs: 9999, stamp: '9999000000:9999000001'})}, start: 0, why: 'dest-written'},
  {name: 'regression (issue 14, item 1): only the ctime moved (mtime set back)', now: {resume: checkpoint(3 * BS), dest: dest({stamp: '2000000000:2000000001'})}, start: 0, why: 'dest-written'},
  {name: 'regression (issue 14, item 1): a checkpoint recorded without a stamp is not trusted', now: {resume: checkpoint(3 * BS, {dest: dest({stamp: undefined})})}, start: 0, why: 'dest-written'},
  {name: 'regression (issue 14, item 1): a destination device is compared again', now: {resume: checkpoint(3 * BS, {dest: device()}), dest: device()}, start: 0, why: 'dest-device'},
  {name: 'regression (issue 14, item 1): a source device is compared again', now: {resume: checkpoint(3 * BS, {source: file({isDevice: true, stamp: null})}), source: file({isDevice: true, stamp: null})}, start: 0, why: 'source-device'},
  {name: 'regression (issue 14, item 1): the source stamp moved, mtime the same', now: {resume: checkpoint(3 * BS), source: file({stamp: '1000000000:1000000007'})}, start: 0, why: 'source-changed'},
  {name: '--trust-checkpoint: a device destination resumes', now: {resume: checkpoint(3 * BS, {dest: device(), trust: true}), dest: device()}, start: 3 * BS, why: 'resumed'},
  {name: '--trust-checkpoint: a written destination resumes', now: {resume: checkpoint(3 * BS, {trust: true}), dest: dest({stamp: '3:3'})}, start: 3 * BS, why: 'resumed'},
  {name: 'the source was modified', now: {resume: checkpoint(3 * BS), source: file({mtimeMs: 1001})}, start: 0, why: 'source-changed'},
  {name: 'the source has another size', now: {resume: checkpoint(3 * BS), source: file({size: SIZE + 1})}, start: 0, why: 'source-changed'},
  {name: 'the source is another file', now: {resume: checkpoint(3 * BS), source: file({ino: 99})}, start: 0, why: 'source-changed'},
  {name: 'the destination is another file', now: {resume: checkpoint(3 * BS), dest: dest({ino: 99})}, start: 0, why: 'dest-changed'},
  {name: 'the destination is on another device', now: {resume: checkpoint(3 * BS), dest: dest({dev: 8})}, start: 0, why: 'dest-changed'},
  {name: 'the destination has another size', now: {resume: checkpoint(3 * BS), dest: dest({size: SIZE - 1})}, start: 0, why: 'dest-changed'},
  {name: 'the destination is gone', now: {resume: checkpoint(3 * BS), dest: null}, start: 0, why: 'dest-changed'},
  {name: '--trust-checkpoint: a changed source is trusted', now: {resume: checkpoint(3 * BS, {trust: true}), source: file({mtimeMs: 5})}, start: 3 * BS, why: 'resumed'},
  {name: '--trust-checkpoint: another destination is trusted', now: {resume: checkpoint(3 * BS, {trust: true}), dest: null}, start: 3 * BS, why: 'resumed'},
  {
    // A device's identity from the remote end carries its rdev as dev (Opened has one field).
    // The same device (not 'dest-changed'), compared again because it has no stamp.
    name: 'a device seen from the other end: rdev recorded as dev',
    now: {resume: checkpoint(3 * BS, {dest: device({dev: 0x0701, rdev: 0})}), dest: device({dev: 5, rdev: 0x0701})},
    start: 0, why: 'dest-device',
  },
  // One stream of several: its own range, and the size that cut the ranges.
  {name: 'stream: a checkpoint inside its range', now: {streamed: true, part: {offset: 4 * SEGMENT_BYTES, length: 3 * SEGMENT_BYTES}, resume: checkpoint(5 * SEGMENT_BYTES + BS + 1)}, start: 5 * SEGMENT_BYTES + BS, why: 'resumed'},
  {name: 'stream: a checkpoint at its range start is no resume', now: {streamed: true, part: {offset: 4 * SEGMENT_BYTES, length: 3 * SEGMENT_BYTES}, resume: checkpoint(4 * SEGMENT_BYTES)}, start: 4 * SEGMENT_BYTES, why: 'fresh'},
  {name: 'stream: a checkpoint past its range ends at the range end', now: {streamed: true, part: {offset: 4 * SEGMENT_BYTES, length: 3 * SEGMENT_BYTES}, resume: checkpoint(9 * SEGMENT_BYTES)}, start: 7 * SEGMENT_BYTES, why: 'resumed'},
  {
    name: 'stream: another source size starts over even with --trust-checkpoint',
    now: {streamed: true, part: {offset: 4 * SEGMENT_BYTES, length: 3 * SEGMENT_BYTES}, resume: checkpoint(5 * SEGMENT_BYTES, {trust: true}), source: file({size: SIZE + BS})},
    start: 4 * SEGMENT_BYTES, why: 'source-size-changed',
  },
  {name: 'one session: another source size with --trust-checkpoint is trusted', now: {resume: checkpoint(3 * BS, {trust: true}), source: file({size: SIZE + BS})}, start: 3 * BS, why: 'resumed'},
]

t.test('decideResume', async t => {
  for (const row of rows) {
    const input: ResumeInput = {source: file(), dest: dest(), part: whole, blockSize: BS, streamed: false, ...row.now}
    const d = decideResume(input)
    t.same({start: d.start, why: d.why}, {start: row.start, why: row.why}, row.name)
    t.equal(d.discarded === null, row.why === 'fresh' || row.why === 'resumed', `${row.name}: a reason exactly when a checkpoint is discarded`)
  }
})

t.test('resumePointOf: each stream resumes from its own checkpoint', async t => {
  const r = checkpoint(123)
  t.equal(resumePointOf(undefined, 1, [5, 6]), undefined, 'no resume, no point')
  t.same(resumePointOf(r, 1, [SEGMENT_BYTES, 2 * SEGMENT_BYTES]), {...r, from: 2 * SEGMENT_BYTES})
  t.same(resumePointOf(r, 2, [SEGMENT_BYTES]), {...r, from: 0}, 'a stream without a checkpoint starts at 0 (its range start wins)')
  t.same(resumePointOf(r, 0, undefined), {...r, from: 0})
})

t.test('sameSource compares mtime, sameDest does not', async t => {
  t.ok(sameSource(file(), file()))
  t.notOk(sameSource(file(), file({mtimeMs: 1})))
  t.ok(sameDest(file(), file({mtimeMs: 1})))
  t.notOk(sameDest(file(), file({isDevice: true})))
})
