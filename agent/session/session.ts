// A session: the handshake and open exchange that come before the sync
// engine runs. Both peers run the same engine; which side initiated only
// matters here.
//
//   initiator                         responder (agent)
//   Hello ──────────────────────────► Hello back (versions must match)
//   Open{path, role, ...} ──────────► policy check, open the file
//                     ◄────────────── Opened{size, existed, device, ...}
//   Start{plan} ────────────────────► both run the engine in their role
//
// Each step lives in a module of its own: handshake.ts (Hello both ways, the
// seed), open.ts (Open/Opened, the source first), resume.ts (where to start,
// a pure function), plan.ts (the plan and its checks), summary.ts (what the
// initiator reports). This module only runs them in order at each end.

import type {Channel} from '../wire/channel.js'
import {deviceTooSmall, type Disk, type Identity} from '../disk/disk.js'
import {runDest, runSource, validateBlockSize, type EngineHooks, type EngineResult, type Plan} from '../engine/engine.js'
import {BlockpairError, InterruptedError, ProtocolError, UsageError} from '../errors.js'
import {checkOpened, resolveAllowed, type Locks} from './policy.js'
import type {Open} from '../../proto/codec.js'
import {handshake} from './handshake.js'
import {createOf, openedOf, openEnds, openLocal, PRESERVE_ALL, roleOf, type Ends, type LocalRole, type Preserve} from './open.js'
import {checkPlan, destAfter, planFor, planFrom, streamRange} from './plan.js'
import {decideResume, sameSource, type ResumeDecision, type ResumePoint} from './resume.js'
import {summarize, type Summary} from './summary.js'

// What other modules import from here, wherever it now lives.
export {PROTOCOL_VERSION, SOFTWARE} from './handshake.js'
export {sameDest, sameSource, type ResumePoint} from './resume.js'
export {streamRange} from './plan.js'
export type {Summary} from './summary.js'

export interface SyncOptions {
  direction: 'push' | 'pull'
  localPath: string
  remotePath: string
  blockSize: number
  dryRun?: boolean
  force?: boolean
  job?: string
  /** Continue an interrupted job, if both ends are still what they were. */
  resume?: ResumePoint
  verify?: boolean
  onStart?: (plan: Plan, ends: {source: Identity; dest: Identity}) => void
  hooks?: EngineHooks
  /** One of several sessions that each sync a part of the file (--streams); see agent/session/streams.ts. */
  stream?: StreamPart
  /** Aborted when the run is told to stop (a signal): the session ends with the signal's reason (a BlockpairError). */
  signal?: AbortSignal
  /** What the destination takes from the source: mode and owner when created, mtime at the end (default: all). */
  preserve?: Preserve
}

/** What a session needs to be one stream of several. */
export interface StreamPart {
  index: number
  count: number
  /**
   * Called with this stream's plan once both ends are open, before Start;
   * resolves when every stream is open and agrees, rejects when one failed.
   * No stream may resize or create the destination before all have opened it.
   */
  ready(plan: Plan, ends: {source: Identity; dest: Identity}): Promise<void>
  /** Aborted when a sibling stream failed: this one stops too. */
  signal: AbortSignal
}

/** Hooks for this end's engine: a source watches itself for changes while it is read. */
function hooksFor(role: LocalRole, disk: Disk | null, opened: Identity | null, base: EngineHooks = {}): EngineHooks {
  const hooks: EngineHooks = {...base}
  // A device's mtime does not move when its blocks are written: only size and inode can be compared.
  if (role === 'source') hooks.sourceChanged = async () => !sameSource(opened as Identity, await (disk as Disk).identity())
  return hooks
}

function run(role: LocalRole, ch: Channel, disk: Disk | null, plan: Plan, hooks: EngineHooks, seed: Buffer): Promise<EngineResult> {
  if (role === 'source') return runSource(ch, disk as Disk, plan, hooks, seed)
  return runDest(ch, disk, plan, hooks, seed)
}

/** Any failure of this end is told to the peer in an Error frame, once. */
function tellPeer(ch: Channel, err: unknown): never {
  if (err instanceof BlockpairError && !ch.failure) ch.abort(err)
  throw err
}

/** A session stops when `signal` is aborted, with the error `why` gives; returns the function that stops following. */
function follow(ch: Channel, signal: AbortSignal | undefined, why: () => BlockpairError): () => void {
  const stopped = (): void => {
    if (!ch.failure) ch.abort(why())
  }
  if (signal?.aborted) stopped()
  else signal?.addEventListener('abort', stopped, {once: true})
  return () => signal?.removeEventListener('abort', stopped)
}

/** A stream stops when a sibling failed, and any session when the run is told to stop. */
function followStops(ch: Channel, opts: SyncOptions): () => void {
  const unsibling = follow(ch, opts.stream?.signal, () => new InterruptedError('E_STREAM_STOPPED', 'another stream of this sync failed'))
  const unsignal = follow(ch, opts.signal, () => opts.signal?.reason as BlockpairError)
  return () => {
    unsibling()
    unsignal()
  }
}

/** The initiator's plan: this session's part of the file, from where the resume decision says. */
function planSession(opts: SyncOptions, localRole: LocalRole, ends: Ends): {plan: Plan; resume: ResumeDecision} {
  const part = opts.stream ? streamRange(opts.stream.index, opts.stream.count, ends.sourceSize) : {offset: 0, length: ends.sourceSize}
  const resume = decideResume({resume: opts.resume, source: ends.source, dest: ends.destId, part, blockSize: opts.blockSize, streamed: !!opts.stream})
  const plan = planFor({
    sourceSize: ends.sourceSize, dest: ends.dest, blockSize: opts.blockSize,
    start: resume.start, end: part.offset + part.length, dryRun: !!opts.dryRun, verify: !!opts.verify,
    mtimeNs: (opts.preserve ?? PRESERVE_ALL).times ? ends.sourceMeta?.mtimeNs : undefined,
  })
  checkPlan(plan, null, ends.dest.isDevice && localRole === 'dest', ends.dest.size)
  return {plan, resume}
}

/** Run a sync from the initiating side: the CLI. */
export async function initiate(ch: Channel, opts: SyncOptions): Promise<Summary> {
  const began = Date.now()
  const bad = validateBlockSize(opts.blockSize)
  if (bad) throw new UsageError('E_BLOCK_SIZE', bad)
  const localRole: LocalRole = opts.direction === 'push' ? 'source' : 'dest'
  const unfollow = followStops(ch, opts)
  const seed = await handshake(ch, true)
  let disk: Disk | null = null
  let started = false
  try {
    const ends = await openEnds(ch, localRole, {
      localPath: opts.localPath, remotePath: opts.remotePath, blockSize: opts.blockSize,
      dryRun: !!opts.dryRun, force: !!opts.force, job: opts.job ?? null, resumeFrom: opts.resume?.from ?? 0,
      preserve: opts.preserve ?? PRESERVE_ALL,
    })
    disk = ends.disk
    const {plan, resume} = planSession(opts, localRole, ends)
    const endsAfter = {source: ends.source, dest: destAfter(ends.destId, ends.dest.isDevice, ends.sourceSize)}
    if (opts.stream) await opts.stream.ready(plan, endsAfter)
    ch.send('start', plan)
    started = true
    opts.onStart?.(plan, endsAfter)
    const result = await run(localRole, ch, disk, plan, hooksFor(localRole, disk, ends.source, opts.hooks), seed)
    await ch.close()
    const [source, destination] = localRole === 'source' ? [opts.localPath, opts.remotePath] : [opts.remotePath, opts.localPath]
    return summarize({
      localRole, job: opts.job ?? null, source, destination, plan, result, dest: ends.dest,
      sourceIdentity: endsAfter.source, destIdentity: endsAfter.dest, resumeDiscarded: resume.discarded,
      bytesOnWire: ch.bytesIn + ch.bytesOut, durationMs: Date.now() - began,
    })
  } catch (err) {
    return tellPeer(ch, err)
  } finally {
    unfollow()
    await (started ? disk?.close() : disk?.discardIfCreated())
  }
}

export interface ResponderOptions {
  allow: readonly string[]
  /** Block devices that may be opened, by exact path (--allow-device). */
  allowDevices?: readonly string[]
  locks: Locks
}

export interface SessionRecord {
  path: string | null
  role: 'source' | 'dest' | null
  bytesSent: number
  bytesWritten: number
  result?: EngineResult
}

/** The responder's checks on the file it opened, before it says Opened. */
async function checkServed(disk: Disk | null, real: string, role: LocalRole, open: Open, opts: ResponderOptions): Promise<void> {
  if (!disk) return
  const write = role === 'dest' && !open.dryRun
  await checkOpened(disk, real, {devices: opts.allowDevices ?? [], write})
  const sourceSize = Number(open.sourceSize ?? 0)
  if (role === 'dest' && disk.isDevice && disk.size < sourceSize) throw deviceTooSmall(real, disk.size, sourceSize)
}

/** The initiator's Start, checked against this end before anything runs. */
async function receivePlan(ch: Channel, role: LocalRole, disk: Disk | null, dryRun: boolean): Promise<Plan> {
  const plan = planFrom(await ch.expect('start'))
  checkPlan(plan, role === 'source' ? (disk as Disk).size : null, role === 'dest' && !!disk?.isDevice, disk?.size ?? 0)
  if (plan.dryRun !== dryRun) throw new ProtocolError('E_BAD_PLAN', 'the plan and the open disagree on --dry-run')
  return plan
}

/** Serve one session as the responder: the agent side. */
export async function respond(ch: Channel, opts: ResponderOptions, record: SessionRecord): Promise<void> {
  let disk: Disk | null = null
  let started = false
  let unlock: (() => void) | null = null
  try {
    const seed = await handshake(ch, false)
    const open = await ch.expect('open')
    const role = roleOf(open)
    record.role = role
    record.path = open.path ?? ''
    const real = await resolveAllowed(open.path ?? '', opts.allow, opts.allowDevices, role === 'dest' ? open.sourceName ?? '' : '')
    record.path = real
    const dryRun = !!open.dryRun
    // The streams of one job write disjoint ranges of the same target; nothing else may share it.
    if (role === 'dest' && !dryRun) unlock = await opts.locks.acquire(real, open.job || null)
    disk = await openLocal(real, role, dryRun, !!open.force, true, createOf(open))
    await checkServed(disk, real, role, open, opts)
    const openedId = disk ? await disk.identity() : null
    ch.send('opened', openedOf(disk, openedId, role === 'source' ? await (disk as Disk).meta() : null))
    const plan = await receivePlan(ch, role, disk, dryRun)
    started = true
    const r = await run(role, ch, disk, plan, hooksFor(role, disk, openedId), seed)
    record.result = r
    record.bytesSent = r.bytesSent
    record.bytesWritten = r.bytesWritten
    await ch.close()
  } catch (err) {
    tellPeer(ch, err)
  } finally {
    // A file created by this Open whose sync never started is not left behind (issue 14, item 5).
    await (started ? disk?.close() : disk?.discardIfCreated())
    unlock?.()
  }
}
