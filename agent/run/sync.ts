// What push and pull run, once the CLI has built its RunOptions:
//
//   runSyncs   the loop: plan `SRC... DEST` (plan.ts), check every local
//              source, reach the remote end once (remote.ts), then sync each
//              file in order over it; the first failure stops the run and
//              names its file (FileSyncError)
//   runSync    one pair, `from` and `to` as on the command line, over a
//              remote end of its own (resume, verify)
//   syncFile   one file over an open remote end: a job of its own
//              (job.ts) unless it is a dry run
//   session    the session(s) of one file: one connection, or --streams N
//              sessions in worker threads; the observer becomes the
//              session's callbacks here and nowhere else
//
// Nothing here prints: what happens reaches the caller through its
// RunObserver (observer.ts). A run handles SIGINT, SIGTERM and SIGHUP while
// it lasts (interrupt.ts): they stop it as a resumable failure.

import fs from 'node:fs'
import path from 'node:path'
import {BlockpairError, ioError, UsageError} from '../errors.js'
import {syncWithAgent} from '../session/client.js'
import type {Summary} from '../session/session.js'
import {threadedStream} from '../session/stream-thread.js'
import {syncStreams, type StreamsOptions} from '../session/streams.js'
import type {Endpoint} from '../wire/transport.js'
import {Job, jobStore, type JobSession} from './job.js'
import {defaultStateDir, type JobRecord} from './jobs.js'
import {observers, type RunObserver} from './observer.js'
import type {RunOptions} from './options.js'
import {fileArgs, planRun, type Direction, type FilePair, type RunPlan} from './plan.js'
import {openRemote, type Remote} from './remote.js'
import {notePair} from '../track/pairs.js'
import {pairKey} from '../track/state.js'
import {StopSignals} from './interrupt.js'

/** A file of a several-file run failed; the run stopped there. Same code and exit as the cause. */
export class FileSyncError extends BlockpairError {
  constructor(readonly file: string, readonly done: Summary[], cause: BlockpairError) {
    super(cause.code, cause.exit, `${file}: ${cause.message}`, {cause})
    this.job = cause.job
  }
}

/**
 * Sync every file of `SRC... DEST`, in order, over one remote end (one ssh
 * bootstrap, one agent serving a session per file).
 */
export async function runSyncs(direction: Direction, paths: readonly string[], o: RunOptions, observer: RunObserver = {}): Promise<Summary[]> {
  const plan = planRun(direction, paths)
  if (o.changedRanges && plan.files.length > 1) throw new UsageError('E_RANGES_CONFLICT', '--changed-ranges describes one source: sync one file with it')
  // Every local error before anything starts on the remote host.
  if (direction === 'push') {
    for (const f of plan.files) {
      try {
        fs.statSync(f.local)
      } catch (err) {
        throw ioError(err, f.local)
      }
    }
  }
  const stop = StopSignals.install()
  const done: Summary[] = []
  try {
    // The first file's job is recorded before anything connects; the others when their turn comes.
    const first = jobFor(plan, plan.files[0] as FilePair, o)
    observer.onConnect?.(remoteName(plan))
    const remote = await reach(plan, o, first, stop)
    try {
      await syncFiles(plan, o, remote, observer, first, stop, done)
    } finally {
      await remote.close()
    }
  } finally {
    stop.dispose()
  }
  return done
}

/** The files of a run in order, into `done`; the first failure stops the run and names its file. */
async function syncFiles(plan: RunPlan, o: RunOptions, remote: Remote, observer: RunObserver, first: Job | null, stop: StopSignals, done: Summary[]): Promise<void> {
  for (const [i, file] of plan.files.entries()) {
    try {
      stop.check()
      done.push(await syncFile(plan, file, o, remote, observer, i === 0 ? first : jobFor(plan, file, o), stop))
    } catch (err) {
      if (plan.files.length === 1 || !(err instanceof BlockpairError)) throw err
      throw new FileSyncError(plan.direction === 'push' ? file.local : file.remote, [...done], err)
    }
  }
}

/**
 * Sync one pair, `from` and `to` as on the command line, over a remote end of
 * its own. With `resume`, continue that job instead of starting one.
 */
export async function runSync(direction: Direction, from: string, to: string, o: RunOptions, observer: RunObserver = {},
  resume?: {job: JobRecord; trust: boolean}): Promise<Summary> {
  const plan = planRun(direction, [from, to])
  const file = plan.files[0] as FilePair
  const stop = StopSignals.install()
  try {
    const job = jobFor(plan, file, o, resume)
    observer.onConnect?.(remoteName(plan))
    const remote = await reach(plan, o, job, stop)
    try {
      return await syncFile(plan, file, o, remote, observer, job, stop)
    } finally {
      await remote.close()
    }
  } finally {
    stop.dispose()
  }
}

/** The remote end as the progress line names it while it starts. */
function remoteName(plan: RunPlan): string {
  const r = plan.remote
  return r.kind === 'ssh' ? `${r.target} (ssh)` : `${r.host}:${r.port}`
}

/**
 * The job of one file, or null for a dry run. It is recorded before anything
 * connects (issue 14, item 6): a run killed while ssh starts the remote agent
 * leaves its own job to resume, not only an older one.
 */
function jobFor(plan: RunPlan, file: FilePair, o: RunOptions, resume?: {job: JobRecord; trust: boolean}): Job | null {
  if (o.dryRun) return null
  const store = jobStore(o.stateDir)
  return resume
    ? Job.resume(store, resume.job, resume.trust)
    : Job.start(store, plan.direction, fileArgs(plan, {...file, local: path.resolve(file.local)}), o)
}

/** The remote end; a failure to reach it (or a stop signal first) is the job's failure too. */
async function reach(plan: RunPlan, o: RunOptions, job: Job | null, stop: StopSignals): Promise<Remote> {
  try {
    return await stop.race(openRemote(plan, o), r => r.close())
  } catch (err) {
    throw job ? await job.failed(err, o.stateDir) : err
  }
}

/** One file over an open remote end, as `job` (null: a dry run). */
async function syncFile(plan: RunPlan, file: FilePair, o: RunOptions, remote: Remote, observer: RunObserver, job: Job | null, stop: StopSignals): Promise<Summary> {
  if (!job) return session(plan.direction, file, o, remote, observer, {signal: stop.signal})
  let summary: Summary
  const ends = fileArgs(plan, {...file, local: path.resolve(file.local)})
  const pair = pairKey(ends.from, ends.to)
  try {
    summary = await session(plan.direction, file, o, remote, observers(job, observer), {...job.session(o), pair, signal: stop.signal})
  } catch (err) {
    throw await job.failed(err, o.stateDir)
  }
  if (o.trackChanges) notePair(o.stateDir ?? defaultStateDir(), {pair, direction: plan.direction, source: ends.from, destination: ends.to, local: path.resolve(file.local)})
  const unsaved = await job.done(summary)
  if (unsaved) observer.onWarning?.(unsaved)
  if (summary.sourceChanged) {
    observer.onWarning?.(`${summary.source} changed while it was read; the destination may mix old and new data. Sync again with the source quiet (the VM stopped).`)
  }
  return summary
}

/** The session(s) of one file. */
async function session(direction: Direction, file: FilePair, o: RunOptions, remote: Remote, observer: RunObserver,
  job: JobSession & {pair?: string; signal: AbortSignal}): Promise<Summary> {
  const opts: StreamsOptions = {
    direction,
    localPath: file.local,
    remotePath: file.remote,
    blockSize: o.blockSize,
    dryRun: o.dryRun,
    force: o.force,
    trackChanges: o.trackChanges,
    changedRanges: o.changedRanges ?? null,
    trustDestination: o.trustDestination,
    preserve: {perms: o.perms, owner: o.owner, times: o.times},
    silenceMs: remote.silenceMs,
    ...job,
    onStart: observer.onPlan?.bind(observer),
    onCheckpoints: observer.onCheckpoints?.bind(observer),
    hooks: {bwlimit: o.bwlimit, onProgress: observer.onProgress?.bind(observer), onCheckpoint: observer.onCheckpoint?.bind(observer)},
  }
  observer.onFileStart?.(direction, file)
  let summary: Summary | null = null
  try {
    summary = o.streams === 1
      ? await syncWithAgent(remote.endpoints[0] as Endpoint, remote.keys, remote.identity, opts)
      : await syncStreams(o.streams, opts, threadedStream(remote.endpoints, remote.keys.keys, remote.identity))
    return summary
  } catch (err) {
    throw await remote.explain(err)
  } finally {
    observer.onFileEnd?.(file, summary)
  }
}
