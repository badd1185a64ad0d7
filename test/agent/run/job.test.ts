// The job lifecycle (agent/run/job.ts) over a real JobStore in a test folder:
// what a job records, what is resumable and how its hint reads, which job
// `resume` picks, and job files written before RunOptions (kebab-case flags).
import t from 'tap'
import fs from 'node:fs'
import path from 'node:path'
import {EXIT, InterruptedError, IoError, isResumable, PolicyError} from '../../../agent/errors.js'
import {Job, jobStore, resumableJob} from '../../../agent/run/job.js'
import {JobStore, type JobRecord} from '../../../agent/run/jobs.js'
import {runOptions} from '../../../agent/run/options.js'
import type {Plan} from '../../../agent/engine/engine.js'
import type {Summary} from '../../../agent/session/session.js'

const ends = {from: '/a.img', to: 'agent://h:1/b.img'}
const id = {size: 1 << 20, isDevice: false, mtimeMs: 1, dev: 2, ino: 3, rdev: 0}
const plan = {size: 1 << 20, blockSize: 65536, start: 0, end: 1 << 20} as Plan

function onDisk(dir: string, jobId: string): JobRecord {
  return JSON.parse(fs.readFileSync(path.join(dir, `${jobId}.json`), 'utf8')) as JobRecord
}

t.test('a job records camelCase options (the key file absolute), its ends, checkpoints and its end', async t => {
  const dir = t.testdir()
  const o = runOptions({pskFile: 'k.psk', streams: 2, bwlimit: 4 << 20, stateDir: dir, json: true})
  const job = Job.start(new JobStore(dir), 'push', ends, o)
  const rec = onDisk(dir, job.record.id)
  t.same(rec.options, {pskFile: path.resolve('k.psk'), blockSize: 65536, force: false, ssh: 'ssh', remoteBin: 'blockpair', timeoutMs: 120_000, verify: false, bwlimit: 4 << 20, streams: 2, trackChanges: false,
    trustDestination: false, perms: true, owner: true, times: true})
  t.match(rec, {state: 'running', direction: 'push', ...ends, pid: process.pid})
  t.same(job.session(o), {job: rec.id, verify: false, resume: undefined, resumeEach: undefined}, 'a new job resumes nothing')
  job.onPlan(plan, {source: id, dest: id})
  job.onCheckpoints([256 << 10, (512 + 128) << 10])
  t.equal(await job.done({size: 1 << 20, differences: [{offset: 0, length: 1}]} as unknown as Summary), null)
  const done = onDisk(dir, job.record.id)
  t.match(done, {state: 'done', checkpoint: 1 << 20, checkpoints: [256 << 10, (512 + 128) << 10], source: id, dest: id})
  t.notOk('differences' in (done.result ?? {}), 'the differences are not kept')
})

t.test('failed: resumable errors get the resume hint and keep code and exit; others pass through', async t => {
  const dir = t.testdir()
  const store = new JobStore(dir)
  const cases: [unknown, string, number, boolean][] = [
    [new InterruptedError('E_DISCONNECTED', 'cut'), 'E_DISCONNECTED', EXIT.INTERRUPTED, true],
    [new IoError('E_NO_SPACE', 'full'), 'E_NO_SPACE', EXIT.IO, true],
    [new IoError('E_IO', 'eio'), 'E_IO', EXIT.IO, true],
    [new IoError('E_DIGEST_MISMATCH', 'digest'), 'E_DIGEST_MISMATCH', EXIT.IO, true],
    [new IoError('E_NOT_FOUND', 'gone'), 'E_NOT_FOUND', EXIT.IO, false],
    [new PolicyError('E_BUSY', 'busy'), 'E_BUSY', EXIT.POLICY, false],
    [new Error('a bug'), 'E_INTERNAL', EXIT.PROTOCOL, false],
  ]
  for (const [err, code, exit, resumable] of cases) {
    const job = Job.start(store, 'push', ends, runOptions({}))
    job.onPlan(plan, {source: id, dest: id})
    job.onCheckpoint(1 << 19, '5:6')
    const e = await job.failed(err, '/my/state')
    t.match(e, {code, exit}, code)
    t.equal(isResumable(e.code, e.exit), resumable, `${code} resumable`)
    t.equal(e.message.includes(`blockpair resume ${job.record.id} --state-dir /my/state`), resumable, `${code}: hint`)
    if (resumable) t.match(e.message, /stopped at 50\.0%/)
    t.equal(e instanceof InterruptedError, exit === EXIT.INTERRUPTED, `${code}: class`)
    t.match(onDisk(dir, job.record.id), {state: exit === EXIT.INTERRUPTED ? 'interrupted' : 'failed', error: {code}, checkpoint: 1 << 19})
    t.match(onDisk(dir, job.record.id), {dest: {stamp: '5:6'}}, `${code}: regression (issue 14, item 1): the destination's stamp at the checkpoint is recorded`)
  }
})

t.test('resume: which job, refusals, and resuming from the checkpoints', async t => {
  const dir = t.testdir()
  const store = jobStore(dir)
  t.throws(() => resumableJob(store, undefined), {code: 'E_NO_JOB', exit: EXIT.USAGE})
  t.throws(() => resumableJob(store, '20261201-000000-abcd'), {code: 'E_NO_JOB'})
  t.throws(() => resumableJob(store, 'nonsense'), {code: 'E_JOB_ID'})
  const running = Job.start(store, 'push', ends, runOptions({}))
  t.throws(() => resumableJob(store, running.record.id), {code: 'E_JOB_RUNNING'})
  await running.done({size: 1} as Summary)
  t.throws(() => resumableJob(store, running.record.id), {code: 'E_JOB_DONE'})
  t.throws(() => resumableJob(store, undefined), {code: 'E_NO_JOB'}, 'done jobs are not picked')

  const cut = Job.start(store, 'pull', ends, runOptions({}))
  cut.onPlan(plan, {source: id, dest: id})
  cut.onCheckpoints([1 << 18, 3 << 18])
  await cut.failed(new InterruptedError('E_DISCONNECTED', 'cut'), undefined)
  const rec = resumableJob(store, undefined)
  t.equal(rec.id, cut.record.id)
  const again = Job.resume(store, rec, true)
  t.same(again.session(runOptions({verify: true})), {
    job: rec.id, verify: true, resume: {from: rec.checkpoint, source: id, dest: {...id, stamp: null}, trust: true}, resumeEach: [1 << 18, 3 << 18],
  })
  t.match(onDisk(dir, rec.id), {state: 'running', error: null})
})

t.test('a job file written with kebab-case flags is read as options', async t => {
  const dir = t.testdir()
  const store = new JobStore(dir)
  const job = Job.start(store, 'push', ends, runOptions({}))
  const file = path.join(dir, `${job.record.id}.json`)
  const old = {...onDisk(dir, job.record.id), options: undefined, state: 'interrupted',
    flags: {'psk-file': '/k.psk', identity: 'hv1', 'block-size': '1M', force: true, ssh: 'ssh -p 2', 'remote-bin': 'b', verify: true, bwlimit: '4M', streams: '3'}}
  fs.writeFileSync(file, JSON.stringify(old))
  const rec = store.get(job.record.id)
  t.same(rec.options, {pskFile: '/k.psk', identity: 'hv1', blockSize: 1 << 20, force: true, ssh: 'ssh -p 2', remoteBin: 'b', verify: true, bwlimit: 4 << 20, streams: 3})
  t.notOk('flags' in rec, 'the old field is gone')
  t.match(runOptions({...rec.options}), {streams: 3, blockSize: 1 << 20}, 'and runs as it was started')
  fs.writeFileSync(file, JSON.stringify({...old, flags: {'block-size': 'big'}}))
  t.throws(() => store.get(job.record.id), {code: 'E_JOB_CORRUPT', exit: EXIT.IO})
})
