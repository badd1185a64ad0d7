// Regression: a bare `blockpair resume` took the newest job that was
// not done. A run refused at once (a wrong key file, a path outside --allow,
// a source that is a folder) leaves a failed job, and a sync running in
// another terminal is not done either: after either, `resume` re-ran the
// refusal or said E_JOB_RUNNING instead of continuing the interrupted job.
import t from 'tap'
import fs from 'node:fs'
import path from 'node:path'
import {resumableJob} from '../../../agent/run/job.js'
import {JobStore, type JobRecord, type JobState} from '../../../agent/run/jobs.js'

/** A job file as a run leaves it, created at second `s` of one minute; `size` 0: refused before both ends were open. */
function write(dir: string, s: number, state: JobState, error: string | null, {pid = 0, size = 1 << 20} = {}): string {
  const id = `20261202-0400${String(s).padStart(2, '0')}-abcd`
  const at = `2026-12-02T04:00:${String(s).padStart(2, '0')}.000Z`
  const rec: JobRecord = {id, state, pid, createdAt: at, updatedAt: at, direction: 'push', from: '/a.img', to: 'agent://h:1/b.img',
    options: {} as JobRecord['options'], size, blockSize: 65536, checkpoint: 0, source: null, dest: null,
    error: error ? {code: error, message: error} : null, result: null}
  fs.writeFileSync(path.join(dir, `${id}.json`), JSON.stringify(rec))
  return id
}

t.test('regression (bare resume picked a failed or running job): the newest interrupted job is picked', async t => {
  const dir = t.testdir()
  const store = new JobStore(dir)
  const interrupted = write(dir, 1, 'interrupted', 'E_DISCONNECTED')
  write(dir, 2, 'failed', 'E_KEY_FILE_MODE', {size: 0})
  write(dir, 3, 'failed', 'E_NOT_ALLOWED', {size: 0})
  write(dir, 4, 'running', null, {pid: process.pid})
  write(dir, 5, 'done', null)
  t.equal(resumableJob(store, undefined).id, interrupted)
  const full = write(dir, 6, 'failed', 'E_NO_SPACE', {size: 0})
  t.equal(resumableJob(store, undefined).id, full, 'a failure a resume can get past (a full disk) counts too')
  const cut = write(dir, 7, 'failed', 'E_INTERNAL')
  t.equal(resumableJob(store, undefined).id, cut, 'and so does any failure after both ends were open')
})

t.test('regression (bare resume picked a failed job): only refusals left is E_NO_JOB', async t => {
  const dir = t.testdir()
  write(dir, 1, 'failed', 'E_AUTH', {size: 0})
  t.throws(() => resumableJob(new JobStore(dir), undefined), {code: 'E_NO_JOB'})
})
