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
import {runDest, runSource, validateBlockSize, type EngineHooks, type EngineResult, type Plan, type Range} from '../engine/engine.js'
import {BlockpairError, InterruptedError, ProtocolError, UsageError} from '../errors.js'
import {checkOpened, namedPath, resolveAllowed, type Locks} from './policy.js'
import type {Open} from '../../proto/codec.js'
import {handshake} from './handshake.js'
import {createOf, openedOf, openEnds, openLocal, PRESERVE_ALL, roleOf, type Ends, type LocalRole, type Preserve} from './open.js'
import {checkPlan, destAfter, planFor, planFrom, startOf, streamRange} from './plan.js'
import {decideResume, sameSource, type ResumeDecision, type ResumePoint} from './resume.js'
import {summarize, type Summary} from './summary.js'
import {decideEnds, EndTrack, lineageMode, offReason, reportOf, trackMessage} from './tracking.js'
import {checkWithin} from '../track/ranges-input.js'
import {pairKey} from '../track/state.js'
import {cacheReport, cacheUse, EndCache, NO_OFFER, offerFrom, startSeed, type CacheOffer} from './dest-cache.js'
import type {TrackDecision} from '../track/lineage.js'

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
  /**
   * Run this instead of the local engine, once the plan is sent (a diff's
   * source and its collector of the remote's hashes, agent/run/patch/remote.ts);
   * `destSize` is the destination's size before the sync, `destExisted`
   * whether it was there at all (a dry run creates nothing). `disk` is null when
   * the source is a patch.
   */
  localPeer?: (ch: Channel, disk: Disk | null, plan: Plan, seed: Buffer, destSize: number, destExisted: boolean) => Promise<EngineResult>
  /**
   * The source is a patch file, not a local file (blockpair apply to a remote
   * target, agent/run/patch/remote-apply.ts; localPeer plays the source): the
   * result's size, the seed the patch's hashes were made with (the session
   * hashes with it, so the destination's hashes compare with the patch's),
   * and the ranges the patch touches, the only ones the destination reads
   * (null: all of it). A null size is the destination's: a remote digest
   * (agent/run/patch/remote-digest.ts) is such a session, writing nothing.
   */
  patch?: {size: number | null; seed: Buffer; ranges: Range[] | null}
  /** Snapshot the source and read only what changed since the pair's last sync (agent/track). */
  trackChanges?: boolean
  /** --changed-ranges: the source's own list of what changed since the pair's last sync (byte ranges, merged). */
  changedRanges?: readonly Range[] | null
  /** A destination device counts as untouched since the pair's last sync (the operator's promise). */
  trustDestination?: boolean
  /** The pair's key (agent/track/state.ts); by default from the two paths. */
  pair?: string
  /** Aborted when the run is told to stop (a signal): the session ends with the signal's reason (a BlockpairError). */
  signal?: AbortSignal
  /** What the destination takes from the source: mode and owner when created, mtime at the end (default: all). */
  preserve?: Preserve
  /** Against a running agent: fail with E_PEER_SILENT when nothing arrives from it for this long (--timeout; 0 or unset: never). */
  silenceMs?: number
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

/** Record the pair's lineage after a success, drop the snapshot after a failure; never fails the sync itself. */
async function settleTrack(track: EndTrack, file: string, disk: Disk | null, result: EngineResult | null, dryRun: boolean, failure: unknown): Promise<void> {
  try {
    await track.settle(disk, result, dryRun, failure)
  } catch (err) {
    // Recording the lineage failed: the next tracked sync finds no matching record and compares in full.
    process.emitWarning(`blockpair: change tracking state for ${file} not recorded: ${(err as Error).message}`)
  }
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
function planSession(opts: SyncOptions, localRole: LocalRole, ends: Ends, track: EndTrack): {plan: Plan; resume: ResumeDecision; tracking: TrackDecision | null} {
  const part = opts.stream ? streamRange(opts.stream.index, opts.stream.count, ends.sourceSize) : {offset: 0, length: ends.sourceSize}
  const resume = decideResume({resume: opts.resume, source: ends.source, dest: ends.destId, part, blockSize: opts.blockSize, streamed: !!opts.stream})
  const plan = planFor({
    sourceSize: ends.sourceSize, dest: ends.dest, blockSize: opts.blockSize,
    start: resume.start, end: part.offset + part.length, dryRun: !!opts.dryRun, verify: !!opts.verify,
    mtimeNs: (opts.preserve ?? PRESERVE_ALL).times ? ends.sourceMeta?.mtimeNs : undefined,
  })
  let tracking: TrackDecision | null = null
  if (opts.patch?.ranges) plan.ranges = opts.patch.ranges
  const listed = opts.changedRanges && track.mode === 'ranges' ? {ranges: opts.changedRanges, size: ends.sourceSize} : undefined
  if (listed) checkWithin(listed.ranges, ends.sourceSize)
  if (track.on) {
    const t = decideEnds(localRole, track.state, ends.remoteTrack, plan.start, plan.end, listed)
    tracking = t.decision
    if (t.ranges) plan.ranges = t.ranges
    track.checkPlan(plan)
  }
  checkPlan(plan, null, ends.dest.isDevice && localRole === 'dest', ends.dest.size)
  return {plan, resume, tracking}
}

/**
 * The summary's changeTracking when the destination offered a hash cache:
 * the cache's, unless --track-changes or --changed-ranges was asked for: then
 * it reports on that (why it fell back, say), and the cache shows in bytesReadDest.
 */
function withCacheReport(s: Summary, offer: CacheOffer, plan: Plan, trackAsked: boolean): Summary {
  if (!offer.seed || trackAsked) return s
  return {...s, changeTracking: cacheReport(cacheUse(offer, plan), plan, s.bytesReadDest)}
}

/** Run a sync from the initiating side: the CLI. */
export async function initiate(ch: Channel, opts: SyncOptions): Promise<Summary> {
  const began = Date.now()
  const bad = validateBlockSize(opts.blockSize)
  if (bad) throw new UsageError('E_BLOCK_SIZE', bad)
  const localRole: LocalRole = opts.direction === 'push' ? 'source' : 'dest'
  const unfollow = followStops(ch, opts)
  const shaken = await handshake(ch, true)
  const seed = opts.patch?.seed ?? shaken
  let disk: Disk | null = null
  const [source, destination] = localRole === 'source' ? [opts.localPath, opts.remotePath] : [opts.remotePath, opts.localPath]
  const mode = lineageMode({trackChanges: opts.trackChanges, changedRanges: !!opts.changedRanges, dryRun: opts.dryRun, streamed: !!opts.stream})
  const track = new EndTrack(opts.pair ?? pairKey(source, destination), mode, !!opts.trustDestination)
  let result: EngineResult | null = null
  let failure: unknown = null
  let started = false
  let cache: EndCache | null = null
  let planned: Plan | null = null
  try {
    const localPath = localRole === 'source' ? await track.sourcePath(opts.localPath, opts.blockSize) : opts.localPath
    const ends = await openEnds(ch, localRole, {
      localPath, remotePath: opts.remotePath, blockSize: opts.blockSize,
      dryRun: !!opts.dryRun, force: !!opts.force, job: opts.job ?? null, resumeFrom: opts.resume?.from ?? 0,
      pair: track.pair, trackChanges: mode === 'reflink', changedRanges: mode === 'ranges', trustDestination: track.trusted, noLineage: mode === 'drop', preserve: opts.preserve ?? PRESERVE_ALL,
      realPath: localPath === opts.localPath ? undefined : opts.localPath,
      ...(opts.patch ? {patch: {size: opts.patch.size, seed: opts.patch.seed}} : {}),
    })
    disk = ends.disk
    track.opened(localRole, opts.localPath, disk, opts.blockSize)
    // No stream sees the whole file: streams keep no hash cache. A patch's session hashes with the patch's seed, never the cache's.
    if (localRole === 'dest') cache = EndCache.open(opts.localPath, track.pair, opts.blockSize, disk, !opts.dryRun && !opts.stream)
    const offer: CacheOffer = opts.stream || opts.patch ? NO_OFFER : cache?.offer ?? offerFrom(ends.remoteCache.seed, ends.remoteCache.reason)
    const {plan, resume, tracking} = planSession(opts, localRole, ends, track)
    planned = plan
    const endsAfter = {source: ends.source, dest: destAfter(ends.destId, ends.dest.isDevice, ends.sourceSize)}
    if (opts.stream) await opts.stream.ready(plan, endsAfter)
    ch.send('start', offer.seed ? {...startOf(plan), cacheSeed: offer.seed} : startOf(plan))
    started = true
    opts.onStart?.(plan, endsAfter)
    const engineSeed = offer.seed ?? seed
    const done = opts.localPeer
      ? await opts.localPeer(ch, disk as Disk, plan, engineSeed, ends.dest.size, ends.dest.existed)
      : await run(localRole, ch, disk, plan, {...hooksFor(localRole, disk, ends.source, opts.hooks), ...cache?.hooks(plan, offer.seed !== null)}, engineSeed)
    await ch.close()
    result = done
    const summary = summarize({
      localRole, job: opts.job ?? null, source, destination: ends.destinationPath || destination, plan, result: done, dest: ends.dest,
      sourceIdentity: endsAfter.source, destIdentity: endsAfter.dest, resumeDiscarded: resume.discarded,
      bytesOnWire: ch.bytesIn + ch.bytesOut, durationMs: Date.now() - began,
      changeTracking: reportOf(tracking, plan, offReason(!!opts.trackChanges || !!opts.changedRanges, !!opts.dryRun, !!opts.stream)),
    })
    return withCacheReport(summary, offer, plan, !!opts.trackChanges || !!opts.changedRanges)
  } catch (err) {
    failure = err
    return tellPeer(ch, err)
  } finally {
    unfollow()
    await settleTrack(track, opts.localPath, disk, result, !!opts.dryRun, failure)
    // After the lineage, which may drop the pair's folder (--streams); the cache lives beside it.
    cache?.settle(disk, result, planned)
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

/** The seed of a patch apply's session (Open.patchSeed), or null for a sync; only a destination takes one. */
function patchSeedOf(open: Open, role: LocalRole): Buffer | null {
  const seed = open.patchSeed ?? new Uint8Array(0)
  if (seed.length === 0) return null
  if (seed.length !== 8 || role !== 'dest') throw new ProtocolError('E_BAD_FRAME', 'a patch seed is 8 bytes, and only a destination takes one')
  return Buffer.from(seed)
}

/** The initiator's Start, checked against this end before anything runs; with the cache seed it names, if any. A patch apply's ranges need no lineage (Open.patchSeed). */
async function receivePlan(ch: Channel, role: LocalRole, disk: Disk | null, dryRun: boolean, track: EndTrack, patch: boolean): Promise<{plan: Plan; cacheSeed: Buffer | null}> {
  const start = await ch.expect('start')
  const plan = planFrom(start)
  if (!patch) track.checkPlan(plan)
  checkPlan(plan, role === 'source' ? (disk as Disk).size : null, role === 'dest' && !!disk?.isDevice, disk?.size ?? 0)
  if (plan.dryRun !== dryRun) throw new ProtocolError('E_BAD_PLAN', 'the plan and the open disagree on --dry-run')
  return {plan, cacheSeed: startSeed(start.cacheSeed)}
}

/** Serve one session as the responder: the agent side. */
export async function respond(ch: Channel, opts: ResponderOptions, record: SessionRecord): Promise<void> {
  let disk: Disk | null = null
  let started = false
  let unlock: (() => void) | null = null
  let track: EndTrack | null = null
  let cache: EndCache | null = null
  let planned: Plan | null = null
  let dryRun = false
  let failure: unknown = null
  try {
    const shaken = await handshake(ch, false)
    const open = await ch.expect('open')
    const role = roleOf(open)
    const patchSeed = patchSeedOf(open, role)
    const seed = patchSeed ?? shaken
    record.role = role
    record.path = open.path ?? ''
    const real = await resolveAllowed(open.path ?? '', opts.allow, opts.allowDevices, role === 'dest' ? open.sourceName ?? '' : '')
    record.path = real
    dryRun = !!open.dryRun
    // The streams of one job write disjoint ranges of the same target; nothing else may share it.
    if (role === 'dest' && !dryRun) unlock = await opts.locks.acquire(real, open.job || null)
    const blockSize = open.blockSize ?? 0
    const mode = lineageMode({trackChanges: !!open.trackChanges, changedRanges: !!open.changedRanges, dryRun, streamed: !!open.noLineage})
    track = open.pair ? new EndTrack(open.pair, mode, !!open.trustDestination) : null
    disk = await openLocal(real, role, dryRun, !!open.force, true, createOf(open))
    await checkServed(disk, real, role, open, opts)
    // The source's metadata is the checked file's, not its snapshot's (a fresh 0600 file).
    const meta = role === 'source' ? await (disk as Disk).meta() : null
    // The snapshot is cloned from the file the policy just checked, then read instead of it.
    const snapshot = role === 'source' && track ? await track.sourcePath(real, blockSize, (disk as Disk).fd) : real
    if (snapshot !== real) {
      const checked = disk
      disk = null
      await checked?.close()
      disk = await openLocal(snapshot, role, dryRun, false, true)
    }
    track?.opened(role, real, disk, blockSize)
    // A patch's session hashes with the patch's seed and reads only the blocks the patch
    // touches: the cache (of another pair, source to target) is neither read nor rebuilt.
    // The apply moves the file's change stamp, so no later sync can trust a cache made before it.
    if (role === 'dest' && track && patchSeed === null) cache = EndCache.open(real, track.pair, blockSize, disk, !dryRun)
    const offer = cache?.offer ?? NO_OFFER
    const openedId = disk ? await disk.identity() : null
    const named = role === 'dest' ? await namedPath(open.path ?? '', open.sourceName ?? '') : ''
    ch.send('opened', {...openedOf(disk, openedId, meta), track: track?.on ? trackMessage(track.state) : null, path: named !== open.path ? named : '',
      ...(offer.seed ? {cacheSeed: offer.seed, cacheReason: offer.reason ?? ''} : {})})
    const {plan, cacheSeed} = await receivePlan(ch, role, disk, dryRun, track ?? new EndTrack('0'.repeat(32), 'record'), patchSeed !== null)
    planned = plan
    // A destination hashes with the seed it offered, a source with the one the initiator names.
    const agreed = role === 'dest' ? !!cache?.accept(cacheSeed) : cacheSeed !== null
    if (role === 'dest' && !cache && cacheSeed) throw new ProtocolError('E_BAD_PLAN', 'the plan names a cache seed this destination did not offer')
    started = true
    const r = await run(role, ch, disk, plan, {...hooksFor(role, disk, openedId), ...cache?.hooks(plan, agreed)}, agreed && cacheSeed ? cacheSeed : seed)
    record.result = r
    record.bytesSent = r.bytesSent
    record.bytesWritten = r.bytesWritten
    await ch.close()
  } catch (err) {
    failure = err
    tellPeer(ch, err)
  } finally {
    if (track && record.path) await settleTrack(track, record.path, disk, record.result ?? null, dryRun, failure)
    cache?.settle(disk, record.result ?? null, planned)
    // A file created by this Open whose sync never started is not left behind (issue 14, item 5).
    await (started ? disk?.close() : disk?.discardIfCreated())
    unlock?.()
  }
}
