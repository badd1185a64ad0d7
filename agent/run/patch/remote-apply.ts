// `blockpair apply PATCH TARGET` with a remote TARGET (agent://HOST:PORT/PATH
// or [USER@]HOST:PATH): the remote agent writes the patch as the destination
// of a push whose source is the patch (PatchSource, patch-source.ts), so the
// agent's --allow rules, locks, checkpoints and write path are a push's. The
// session hashes with the seed stored in the patch (Open.patchSeed), the
// plan's size is the patch's result size, and the agent reads only the blocks
// the patch touches (the plan's ranges). As locally, nothing is written
// unless the whole patch is whole and the target is its base:
//
//   scan    the patch read and checked here (E_PATCH_DAMAGED, exit 4)
//   check   a dry-run session: every touched block compared with the patch's
//           base and result hashes (--check-base: no ranges, so the whole
//           target is read and its digest compared with the base digest);
//           a wrong base costs one more dry run over the whole target, for
//           the digest the refusal names (E_PATCH_BASE, exit 7)
//   write   a session from the resume point: the same comparison again, then
//           the patch's frames; the agent checkpoints as in a push, so
//           `blockpair resume` continues the job (it holds kind 'apply')
//
// Over ssh one agent is started for the run and serves all three sessions.

import path from 'node:path'
import {SEGMENT_BYTES, type Range} from '../../engine/engine.js'
import {Layout} from '../../engine/layout.js'
import type {Summary} from '../../session/session.js'
import {MAX_TRACKED_RANGES} from '../../track/extent-diff.js'
import type {Job} from '../job.js'
import type {JobRecord} from '../jobs.js'
import {runOptions} from '../options.js'
import {planRun, type FilePair} from '../plan.js'
import {openRemote, type Remote} from '../remote.js'
import type {ApplyOptions, ApplySummary} from './apply.js'
import {checkedSummary, writeAsJob} from './apply-steps.js'
import {wholePlan} from './digest.js'
import type {End, Header, PatchObserver} from './format.js'
import {patchSession, type Comparison} from './patch-source.js'
import {appliedInPart, missingTarget, notTheBase, otherSize, scanPatch, type Touched} from './touched.js'

/** The blocks the patch touches as the plan's ranges, adjacent ones merged; null (read all) past the plan's limit. */
export function touchedRanges(header: Header, touched: readonly Touched[]): Range[] | null {
  const layout = new Layout(wholePlan(header.size ?? 0, header.blockSize ?? 0))
  const out: Range[] = []
  for (const x of touched) {
    for (const i of x.blocks) {
      const offset = layout.segStart(x.k) + i * layout.plan.blockSize
      const length = layout.blockLength(x.k, i)
      const last = out[out.length - 1]
      if (last && last.offset + last.length === offset) last.length += length
      else out.push({offset, length})
      if (out.length > MAX_TRACKED_RANGES) return null
    }
  }
  return out
}

interface SessionSpec {
  dryRun: boolean
  ranges: Range[] | null
  /** Where the session starts (a resumed write: the checkpoint). */
  start: number
  /** Blocks below this must be the result already (a resume). */
  resumeFrom: number
  write: boolean
  job?: Job
  observer?: PatchObserver
}

/** One apply to one remote target: the patch as scanned, and the sessions with the agent. */
class RemoteApply {
  private readonly byK: Map<number, Touched>
  private readonly ranges: Range[] | null
  destSize = 0

  constructor(private readonly remote: Remote, private readonly file: FilePair, readonly target: string,
    readonly header: Header, readonly end: End, readonly touched: Touched[]) {
    this.byK = new Map(touched.map(x => [x.k, x]))
    this.ranges = touchedRanges(header, touched)
  }

  get touchedRanges(): Range[] | null {
    return this.ranges
  }

  /** One session: a push from the patch, dry (a check) or writing. */
  async session(s: SessionSpec): Promise<{comparison: Comparison; summary: Summary}> {
    const {header} = this
    const size = header.size ?? 0
    return patchSession(this.remote, this.file, {
      size, seed: Buffer.from(header.seed ?? []), blockSize: header.blockSize ?? 0, dryRun: s.dryRun, ranges: s.ranges, start: s.start,
      job: s.job?.record.id, touched: this.byK, observer: s.observer,
      patch: s.write ? this.file.local : null, strict: s.write && s.resumeFrom === 0, resumeFrom: s.resumeFrom,
      hooks: {onCheckpoint: (offset, stamp) => s.job?.onCheckpoint(offset, stamp)},
      checkDest: (destSize, existed) => {
        this.destSize = destSize
        // As locally: a patch applies to a copy that exists, and a missing one is not "0 bytes".
        if (!existed) throw missingTarget(this.target)
        if (destSize !== (header.baseSize ?? 0) && destSize !== size) throw otherSize(this.target, destSize, header)
      },
    })
  }

  /** The refusal of a wrong base, naming the target's whole digest (read for it unless `whole` is it). */
  async wrongBase(offset: number, why: string, whole: Buffer | null): Promise<Error> {
    const digest = whole ?? (await this.session({dryRun: true, ranges: null, start: 0, resumeFrom: 0, write: false})).comparison.digest
    return notTheBase(this.target, this.end, digest, {offset, why})
  }
}

type BaseState = 'base' | 'result' | 'resuming'

/** The check session, and what it says the target is. */
async function checkTarget(a: RemoteApply, o: ApplyOptions, resumeFrom: number | null): Promise<{state: BaseState; whole: boolean}> {
  const whole = o.checkBase && resumeFrom === null
  const {comparison: c} = await a.session({dryRun: true, ranges: whole ? null : a.touchedRanges, start: 0, resumeFrom: resumeFrom ?? 0, write: false})
  const wholeDigest = whole ? c.digest : null
  if (resumeFrom !== null) {
    if (c.notDone !== null) throw await a.wrongBase(c.notDone, 'changed since the interrupted apply', wholeDigest)
    return {state: 'resuming', whole: false}
  }
  if (c.neither !== null) throw await a.wrongBase(c.neither, 'differs from the patch\'s base', wholeDigest)
  const baseSize = a.header.baseSize ?? 0
  const state: BaseState | null = c.result && a.touched.length > 0 ? 'result' : c.base && a.destSize === baseSize ? 'base' : c.result ? 'result' : null
  if (state === null) throw appliedInPart(a.target)
  const want = Buffer.from(a.end.baseDigest ?? [])
  if (whole && state === 'base' && want.length > 0 && !c.digest.equals(want)) throw notTheBase(a.target, a.end, c.digest, null)
  return {state, whole: whole && state === 'base' && want.length > 0}
}

/** Apply `patch` to the remote `target`; with `resume`, continue that job. */
export async function runRemoteApply(patch: string, target: string, o: ApplyOptions, observer: PatchObserver = {}, resume?: JobRecord): Promise<ApplySummary> {
  const began = Date.now()
  const {header, end, touched} = await scanPatch(patch)
  const ro = runOptions({...(resume?.options ?? {}), ...o.remote, blockSize: header.blockSize ?? 0, streams: 1})
  const one = planRun('push', [patch, target])
  const file = one.files[0] as FilePair
  // The check, perhaps a whole read for a refusal's digest, and the write: an ssh-started agent serves three sessions.
  const remote = await openRemote({...one, files: [file, file, file]}, ro)
  try {
    const a = new RemoteApply(remote, file, target, header, end, touched)
    const from = resume ? Math.floor(resume.checkpoint / SEGMENT_BYTES) * SEGMENT_BYTES : 0
    const {state, whole} = await checkTarget(a, o, resume ? from : null)
    const summary = checkedSummary({patch, target, header, end, touched}, {state, whole, from}, o.dryRun, resume)
    if (state === 'result' || o.dryRun) return {...summary, durationMs: Date.now() - began}
    await writeAsJob(summary, path.resolve(patch), target, ro, o.stateDir, resume, async job => {
      try {
        const {summary: s} = await a.session({dryRun: false, ranges: a.touchedRanges, start: from, resumeFrom: from, write: true, job, observer})
        Object.assign(summary, {bytesWritten: s.bytesWritten, bytesZeroed: s.bytesZeroed})
      } catch (err) {
        throw await remote.explain(err)
      }
    })
    return {...summary, durationMs: Date.now() - began}
  } catch (err) {
    throw await remote.explain(err)
  } finally {
    await remote.close()
  }
}
