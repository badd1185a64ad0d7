// Job state files: created at once, checkpoints written in the background
// (one at a time, the latest winning), and a failed checkpoint write reported
// by settle() instead of failing the sync.
import t from 'tap'
import fs from 'node:fs'
import path from 'node:path'
import {JobStore, type JobRecord} from '../../../agent/run/jobs.js'

const fields = {
  direction: 'push' as const, from: '/a.img', to: 'agent://h:1/b.img', options: {},
  size: 1 << 30, blockSize: 65536, checkpoint: 0, source: null, dest: null,
}

function onDisk(dir: string, id: string): JobRecord {
  return JSON.parse(fs.readFileSync(path.join(dir, `${id}.json`), 'utf8')) as JobRecord
}

t.test('checkpoints land on disk in order, the last one wins, and no temporary file is left', async t => {
  const dir = t.testdir()
  const store = new JobStore(dir)
  const job = store.create(fields)
  t.equal(onDisk(dir, job.id).state, 'running', 'the job file exists from the start')
  for (const offset of [1 << 20, 2 << 20, 3 << 20]) store.checkpoint(job, offset)
  t.equal(await store.settle(), null)
  t.equal(onDisk(dir, job.id).checkpoint, 3 << 20)
  store.update(job, {state: 'done'})
  t.equal(onDisk(dir, job.id).state, 'done')
  t.same(fs.readdirSync(dir).filter(n => n.endsWith('.tmp')), [], 'no temporary files')
  t.equal(store.list()[0]?.checkpoint, 3 << 20)
})

t.test('a checkpoint that cannot be written is reported by settle(), not thrown', async t => {
  const dir = path.join(t.testdir(), 'state')
  const store = new JobStore(dir)
  const job = store.create(fields)
  // The state folder disappears under the running sync.
  fs.rmSync(dir, {recursive: true})
  fs.writeFileSync(dir, 'not a folder')
  store.checkpoint(job, 1 << 20)
  const why = await store.settle()
  t.match(why, new RegExp(`could not save a checkpoint of job ${job.id}`))
  t.match(why, /resumed from an earlier one/)
})

t.test('regression (issue 14, item 16): prune removes finished jobs, all or those older than an age', async t => {
  const dir = t.testdir()
  const store = new JobStore(dir)
  const old = store.update(store.create(fields), {state: 'done'})
  // Made old by hand: updatedAt is when it finished.
  fs.writeFileSync(path.join(dir, `${old.id}.json`), JSON.stringify({...old, updatedAt: '2020-01-01T00:00:00.000Z'}))
  const recent = store.update(store.create(fields), {state: 'done'})
  const failed = store.update(store.create(fields), {state: 'failed'})
  const interrupted = store.update(store.create(fields), {state: 'interrupted'})
  t.same(store.prune(Date.now() - 86_400_000), [old.id], 'only the done job older than a day')
  t.same(store.prune(null), [recent.id], 'then every done job')
  t.same(store.list().map(j => j.id).sort(), [failed.id, interrupted.id].sort(), 'what resume may still finish stays')
  t.same(store.prune(null), [])
})
