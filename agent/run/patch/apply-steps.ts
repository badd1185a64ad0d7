// The steps a local apply (apply.ts) and a remote one (remote-apply.ts)
// share once the target is checked: the summary, the early return when
// there is nothing to write (the result is there already, or a dry run), and
// the job around the write, so `blockpair resume` finds it (kind 'apply').

import {Job, jobStore} from '../job.js'
import type {JobRecord} from '../jobs.js'
import type {RunOptions} from '../options.js'
import type {ApplySummary} from './apply.js'
import type {End, Header} from './format.js'
import type {Touched} from './touched.js'

/** What the check found: the target is the base, the result already, or (resuming from `from`) partly both. */
export interface Checked {
  state: 'base' | 'result' | 'resuming'
  /** The whole target's digest was compared with the base's (--check-base). */
  whole: boolean
  from: number
}

export interface Scanned {
  patch: string
  target: string
  header: Header
  end: End
  touched: Touched[]
}

/** The summary before anything is written; null `write` below means the run ends with it. */
export function checkedSummary(s: Scanned, c: Checked, dryRun: boolean, resume: JobRecord | undefined): ApplySummary {
  const {header, end} = s
  const summary: ApplySummary = {
    ok: true, patch: s.patch, target: s.target, job: resume?.id ?? null, size: header.size ?? 0, baseSize: header.baseSize ?? 0, blockSize: header.blockSize ?? 0,
    blocksTouched: s.touched.reduce((n, x) => n + x.blocks.length, 0), alreadyApplied: c.state === 'result', dryRun,
    baseChecked: c.whole ? 'whole' : 'blocks', bytesWritten: 0, bytesZeroed: 0, resumedFrom: c.from,
    baseDigest: Buffer.from(end.baseDigest ?? []).toString('hex'), digest: Buffer.from(end.digest ?? []).toString('hex'), durationMs: 0,
  }
  // A dry run reports what it would write.
  if (dryRun && c.state !== 'result') Object.assign(summary, {bytesWritten: end.bytesData ?? 0, bytesZeroed: end.bytesZero ?? 0})
  return summary
}

/**
 * Run `write` as a job: a new one (`to` as the job file records it), or the
 * resumed one; its failure is recorded with the resume hint, its success as
 * done with the summary.
 */
export async function writeAsJob(summary: ApplySummary, from: string, to: string, o: RunOptions, stateDir: string | undefined, resume: JobRecord | undefined,
  write: (job: Job) => Promise<void>): Promise<void> {
  const store = jobStore(stateDir)
  const job = resume ? Job.resume(store, resume, true) : Job.start(store, 'push', {from, to}, o)
  store.update(job.record, {kind: 'apply', size: summary.size, blockSize: summary.blockSize})
  summary.job = job.record.id
  try {
    await write(job)
  } catch (err) {
    throw await job.failed(err, stateDir)
  }
  await store.settle()
  store.update(job.record, {state: 'done', checkpoint: summary.size, result: {...summary}})
}
