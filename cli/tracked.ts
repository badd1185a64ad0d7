// Every real sync is a job: its state file records how it was started and
// its last checkpoint, so an interrupted run can be resumed exactly.

import {Flags} from '@oclif/core'
import path from 'node:path'
import {parseAddress} from '../agent/run/address.js'
import {BlockpairError, EXIT, InterruptedError, isResumable, ProtocolError} from '../agent/errors.js'
import {defaultStateDir, JobStore, type JobRecord} from '../agent/run/jobs.js'
import type {Summary} from '../agent/session/session.js'
import {bytesBelow} from '../agent/session/streams.js'
import {parseSize} from '../agent/run/units.js'
import {blockSizeOf, runSync, type Remote, type SyncFlags} from './sync.js'

export const jobFlags = {
  verify: Flags.boolean({description: 'After the sync, re-read the destination from disk and check it against the source.'}),
  bwlimit: Flags.string({description: 'Cap block data at this many bytes per second (K, M, G suffixes), e.g. 100M.'}),
  'state-dir': Flags.string({description: 'Folder for job state (default $XDG_STATE_HOME/blockpair or ~/.local/state/blockpair).'}),
}

export interface TrackedFlags extends SyncFlags {
  verify: boolean
  bwlimit?: string
  'state-dir'?: string
}

/** The flags a resumed job must use again, exactly as first given. */
const KEPT = ['psk-file', 'identity', 'block-size', 'force', 'ssh', 'remote-bin', 'verify', 'bwlimit', 'streams'] as const

export function jobStore(flags: {'state-dir'?: string}): JobStore {
  return new JobStore(flags['state-dir'] ?? defaultStateDir())
}

function absoluteLocal(arg: string): string {
  const a = parseAddress(arg)
  return a.kind === 'local' ? path.resolve(a.path) : arg
}

export async function runTracked(direction: 'push' | 'pull', from: string, to: string, flags: TrackedFlags,
  o: {resume?: {job: JobRecord; trust: boolean}; remote?: Remote} = {}): Promise<Summary> {
  const {resume, remote} = o
  const bwlimit = flags.bwlimit === undefined ? undefined : parseSize(flags.bwlimit, '--bwlimit')
  if (bwlimit !== undefined && bwlimit < 1024) throw new BlockpairError('E_BWLIMIT', EXIT.USAGE, '--bwlimit must be at least 1K (bytes per second)')
  if (flags['dry-run']) return runSync(direction, from, to, flags, {hooks: {bwlimit}, remote})

  const store = jobStore(flags)
  const kept: JobRecord['flags'] = {}
  for (const k of KEPT) kept[k] = k === 'psk-file' && flags[k] ? path.resolve(flags[k] as string) : flags[k]
  const job = resume?.job ?? store.create({
    direction, from: absoluteLocal(from), to: absoluteLocal(to), flags: kept,
    size: 0, blockSize: blockSizeOf(flags), checkpoint: 0, source: null, dest: null,
  })
  if (resume) store.update(job, {state: 'running', pid: process.pid, error: null})
  try {
    const summary = await runSync(direction, from, to, flags, {
      remote,
      job: job.id,
      verify: flags.verify,
      resume: resume && job.source && job.dest ? {from: job.checkpoint, source: job.source, dest: job.dest, trust: resume.trust} : undefined,
      resumeEach: job.checkpoints ?? undefined,
      onStart: (plan, ends) => store.update(job, {size: plan.size, blockSize: plan.blockSize, checkpoint: plan.start, source: ends.source, dest: ends.dest}),
      onCheckpoints: each => store.checkpoint(job, bytesBelow(each, job.size), each),
      hooks: {bwlimit, onCheckpoint: offset => store.checkpoint(job, offset)},
    })
    const unsaved = await store.settle()
    if (unsaved) process.stderr.write(`blockpair: warning: ${unsaved}\n`)
    store.update(job, {state: 'done', checkpoint: summary.size, result: {...summary, differences: undefined}})
    if (summary.sourceChanged) {
      process.stderr.write(`blockpair: warning: ${summary.source} changed while it was read; the destination may mix old and new data. Sync again with the source quiet (the VM stopped).\n`)
    }
    return summary
  } catch (err) {
    const e = err instanceof BlockpairError ? err : new ProtocolError('E_INTERNAL', (err as Error).message)
    await store.settle()
    // Resuming helps when the run was cut short, or once space is freed; not
    // for a device that is too small or a file that cannot be opened.
    const resumable = isResumable(e.code, e.exit)
    store.update(job, {state: e.exit === EXIT.INTERRUPTED ? 'interrupted' : 'failed', error: {code: e.code, message: e.message}})
    if (!resumable) throw e
    const at = job.size > 0 ? ` at ${(100 * job.checkpoint / job.size).toFixed(1)}%` : ''
    const hint = `job ${job.id} stopped${at}; continue with: blockpair resume ${job.id}${flags['state-dir'] ? ` --state-dir ${flags['state-dir']}` : ''}`
    if (e.exit === EXIT.INTERRUPTED) throw new InterruptedError(e.code, `${e.message}\n  ${hint}`, {cause: e})
    throw new BlockpairError(e.code, e.exit, `${e.message}\n  ${hint}`)
  }
}
