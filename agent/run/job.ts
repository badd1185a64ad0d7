// The lifecycle of a job. Every real sync (not a dry run) is a job: its state
// file (agent/run/jobs.ts) records how it was started and its last
// checkpoint, so an interrupted run can be resumed exactly.
//
//   Job.start / Job.resume   create the record, or mark a stopped one running
//   onPlan, onCheckpoint(s)  (a RunObserver) record the ends and what is durable
//   done(summary)            the final state; a checkpoint that could not be
//                            saved is a warning, not a failed sync
//   failed(err)              the final state, and the error to report: with the
//                            resume hint when resuming can help
//
// What is resumable is the errors table's answer (agent/errors.ts): a run cut
// short (exit 6), or one that ran out of space or hit an I/O error or a digest
// mismatch. Not a device that is too small or a file that cannot be opened:
// resuming would fail the same way.

import path from 'node:path'
import type {Identity} from '../disk/disk.js'
import type {Plan} from '../engine/engine.js'
import {BlockpairError, EXIT, InterruptedError, isResumable, ProtocolError, UsageError} from '../errors.js'
import type {Summary, SyncOptions} from '../session/session.js'
import {bytesBelow, type StreamsOptions} from '../session/streams.js'
import {defaultStateDir, JobStore, type JobRecord} from './jobs.js'
import type {RunObserver} from './observer.js'
import {jobOptions, type RunOptions} from './options.js'
import type {Direction} from './plan.js'

export function jobStore(stateDir: string | undefined): JobStore {
  return new JobStore(stateDir ?? defaultStateDir())
}

/** What a job adds to a file's session. */
export type JobSession = Pick<StreamsOptions, 'job' | 'resume' | 'resumeEach'> & Pick<SyncOptions, 'verify'>

export class Job implements RunObserver {
  private constructor(private readonly store: JobStore, readonly record: JobRecord, private readonly trust: boolean | null) {}

  /** A new job for one file: `from` and `to` as arguments, local paths absolute. */
  static start(store: JobStore, direction: Direction, ends: {from: string; to: string}, o: RunOptions): Job {
    const kept = jobOptions(o)
    if (kept.pskFile) kept.pskFile = path.resolve(kept.pskFile)
    const record = store.create({
      direction, ...ends, options: kept, size: 0, blockSize: o.blockSize, checkpoint: 0, source: null, dest: null,
    })
    return new Job(store, record, null)
  }

  /** Continue a stopped job; `trust`: resume from its checkpoint even if an end looks changed. */
  static resume(store: JobStore, record: JobRecord, trust: boolean): Job {
    store.update(record, {state: 'running', pid: process.pid, error: null})
    return new Job(store, record, trust)
  }

  session(o: RunOptions): JobSession {
    const r = this.record
    return {
      job: r.id,
      verify: o.verify,
      resume: this.trust !== null && r.source && r.dest ? {from: r.checkpoint, source: r.source, dest: r.dest, trust: this.trust} : undefined,
      resumeEach: r.checkpoints ?? undefined,
    }
  }

  onPlan(plan: Plan, ends: {source: Identity; dest: Identity}): void {
    this.store.update(this.record, {size: plan.size, blockSize: plan.blockSize, checkpoint: plan.start, source: ends.source, dest: ends.dest})
  }

  /** The destination's stamp goes with the offset: a resume trusts the offset only while the stamp holds (session/resume.ts). */
  onCheckpoint(offset: number, stamp: string | null): void {
    this.stampDest(stamp)
    this.store.checkpoint(this.record, offset)
  }

  /** Several streams write the one destination, so no stream's stamp holds: a streamed resume compares again. */
  onCheckpoints(offsets: number[]): void {
    this.stampDest(null)
    this.store.checkpoint(this.record, bytesBelow(offsets, this.record.size), offsets)
  }

  private stampDest(stamp: string | null): void {
    if (this.record.dest) this.record.dest = {...this.record.dest, stamp}
  }

  /** Record the end of a sync that worked. Returns why a checkpoint could not be saved, or null. */
  async done(summary: Summary): Promise<string | null> {
    const unsaved = await this.store.settle()
    this.store.update(this.record, {state: 'done', checkpoint: summary.size, result: {...summary, differences: undefined}})
    return unsaved
  }

  /** Record a failure; returns the error to report (with the resume hint when resuming can help). */
  async failed(err: unknown, stateDir: string | undefined): Promise<BlockpairError> {
    const e = err instanceof BlockpairError ? err : new ProtocolError('E_INTERNAL', (err as Error).message)
    await this.store.settle()
    const interrupted = e.exit === EXIT.INTERRUPTED
    this.store.update(this.record, {state: interrupted ? 'interrupted' : 'failed', error: {code: e.code, message: e.message}})
    e.job = this.record.id
    if (!isResumable(e.code, e.exit)) return e
    const message = `${e.message}\n  ${resumeHint(this.record, stateDir)}`
    const out = interrupted ? new InterruptedError(e.code, message, {cause: e}) : new BlockpairError(e.code, e.exit, message)
    out.job = this.record.id
    return out
  }
}

/**
 * Cut short; or failed after it began to sync (both ends open: its size is
 * known), or with an error a later run can get past (a full disk since freed).
 * A run refused before it opened both ends has nothing to continue.
 */
function canResume(j: JobRecord): boolean {
  return j.state === 'interrupted' || (j.state === 'failed' && (j.size > 0 || (j.error !== null && isResumable(j.error.code))))
}

export function resumeHint(job: JobRecord, stateDir: string | undefined): string {
  const at = job.size > 0 ? ` at ${(100 * job.checkpoint / job.size).toFixed(1)}%` : ''
  return `job ${job.id} stopped${at}; continue with: blockpair resume ${job.id}${stateDir ? ` --state-dir ${stateDir}` : ''}`
}

/**
 * The job `resume` continues: the one named, or the newest one a resume can
 * finish. Not merely the newest unfinished one: a run refused at once (a
 * wrong key file, a path outside --allow) leaves a failed job too, and one
 * running in another terminal is unfinished, so either would hide the
 * interrupted job the user means.
 */
export function resumableJob(store: JobStore, id: string | undefined): JobRecord {
  const job = id ? store.get(id) : store.list().find(canResume)
  if (!job) throw new UsageError('E_NO_JOB', `no job to resume in ${store.dir} (none was interrupted, or failed after it began); see 'blockpair jobs'`)
  if (job.state === 'done') throw new UsageError('E_JOB_DONE', `job ${job.id} already finished; start a new sync with push or pull`)
  if (job.state === 'running') throw new UsageError('E_JOB_RUNNING', `job ${job.id} is still running (pid ${job.pid})`)
  return job
}
