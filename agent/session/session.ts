// A session: the handshake and open exchange that come before the sync
// engine runs. Both peers run the same engine; which side initiated only
// matters here.
//
//   initiator                         responder (agent)
//   Hello ──────────────────────────► Hello back (versions must match)
//   Open{path, role, ...} ──────────► policy check, open the file
//                     ◄────────────── Opened{size, existed, device, ...}
//   Start{plan} ────────────────────► both run the engine in their role

import {randomBytes} from 'node:crypto'
import type {Channel} from '../wire/channel.js'
import {deviceTooSmall, Disk, type Identity} from '../disk/disk.js'
import {runDest, runSource, SEGMENT_BYTES, validateBlockSize, type EngineHooks, type EngineResult, type Plan, type Range} from '../engine/engine.js'
import {BlockpairError, InterruptedError, ProtocolError, UsageError} from '../errors.js'
import {sessionSeed} from '../engine/hash.js'
import {checkOpened, resolveAllowed, type Locks} from './policy.js'
import {Role, type Hello, type Opened, type Start} from '../../proto/codec.js'

export const PROTOCOL_VERSION = 2
export const SOFTWARE = 'blockpair 0.1.0'
const HASH_ALGORITHM = 'xxh3-128'

function hello(initiator: boolean): Hello {
  return {version: PROTOCOL_VERSION, initiator, capabilities: ['sparse', 'refine4k'], hashAlgorithm: HASH_ALGORITHM, seed: randomBytes(8), software: SOFTWARE}
}

function checkHello(theirs: Hello, expectInitiator: boolean): void {
  if (theirs.version !== PROTOCOL_VERSION) {
    throw new ProtocolError('E_VERSION', `the peer speaks protocol version ${theirs.version} (${theirs.software || 'unknown software'}), this side speaks ${PROTOCOL_VERSION} (${SOFTWARE}); install the same blockpair version on both hosts`)
  }
  if (theirs.hashAlgorithm !== HASH_ALGORITHM) {
    throw new ProtocolError('E_HASH_ALGORITHM', `the peer hashes with ${theirs.hashAlgorithm}, this side with ${HASH_ALGORITHM}`)
  }
  if (theirs.initiator !== expectInitiator) throw new ProtocolError('E_ROLE', 'both peers claim the same side of the session')
  if (!theirs.seed || theirs.seed.length !== 8) throw new ProtocolError('E_BAD_FRAME', 'hello carries no 8-byte seed')
}

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

/**
 * The part of a `size`-byte file that stream `index` of `count` syncs: cut at
 * multiples of the segment size so no segment is split. Trailing streams of a
 * small file get an empty range at the end.
 */
export function streamRange(index: number, count: number, size: number): Range {
  const unit = SEGMENT_BYTES
  const units = Math.ceil(size / unit)
  const cut = (i: number): number => Math.min(size, Math.floor((units * i) / count) * unit)
  return {offset: cut(index), length: cut(index + 1) - cut(index)}
}

export interface ResumePoint {
  from: number
  source: Identity
  dest: Identity
  /** Resume even if an end looks changed (--trust-checkpoint). */
  trust: boolean
}

/** The same file or device, unmodified: size, modification time and inode. */
export function sameSource(a: Identity, b: Identity): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && sameObject(a, b)
}

/**
 * The same destination object. Its mtime is not compared: our own writes
 * after the last checkpoint change it, and those are rewritten anyway.
 */
export function sameDest(a: Identity, b: Identity): boolean {
  return a.size === b.size && sameObject(a, b)
}

function sameObject(a: Identity, b: Identity): boolean {
  return a.isDevice === b.isDevice && (a.rdev || a.dev) === (b.rdev || b.dev) && a.ino === b.ino
}

function changedSince(disk: Disk, before: Identity): () => Promise<boolean> {
  // A device's mtime does not move when its blocks are written: only size and inode can be compared.
  return async () => !sameSource(before, await disk.identity())
}

export interface Summary {
  ok: boolean
  job: string | null
  source: string
  destination: string
  size: number
  blockSize: number
  blocks: number
  blocksChanged: number
  bytesReadSource: number
  bytesReadDest: number
  bytesSent: number
  bytesOnWire: number
  bytesWritten: number
  bytesZeroed: number
  durationMs: number
  resumedFrom: number
  /** Why a resume started from the beginning instead, or null. */
  resumeDiscarded: string | null
  verified: boolean
  /** The source changed while it was read: sync again with the source quiet (the VM stopped). */
  sourceChanged: boolean
  /** Dry runs: the ranges that differ. */
  differences: Range[]
  dryRun: boolean
  destinationCreated: boolean
  /** Whether the destination existed, and its size, before the sync. */
  destinationExisted: boolean
  destinationSize: number
  destinationLargerBy: number
  sourceIdentity: Identity | null
  destIdentity: Identity | null
}

/** Open the local end of a sync. A dry run never creates or changes the destination. */
async function openLocal(path: string, role: 'source' | 'dest', dryRun: boolean, force: boolean, noFollow = false): Promise<Disk | null> {
  if (role === 'source') return Disk.openRead(path, {noFollow})
  if (!dryRun) return Disk.openWrite(path, {force, noFollow})
  try {
    return await Disk.openRead(path, {noFollow})
  } catch (err) {
    if ((err as BlockpairError).code === 'E_NOT_FOUND') return null
    throw err
  }
}

function openedOf(disk: Disk | null, identity: Identity | null): Opened {
  if (!disk || !identity) return {size: 0, existed: false}
  return {size: disk.size, existed: disk.existed, isDevice: disk.isDevice, mtimeMs: identity.mtimeMs, dev: identity.rdev || identity.dev, ino: identity.ino}
}

function identityOf(o: Opened): Identity {
  return {size: Number(o.size ?? 0), isDevice: !!o.isDevice, mtimeMs: Number(o.mtimeMs ?? 0), dev: Number(o.dev ?? 0), ino: Number(o.ino ?? 0), rdev: 0}
}

function planFrom(m: Start): Plan {
  return {size: Number(m.size ?? 0), blockSize: m.blockSize ?? 0, start: Number(m.start ?? 0), end: Number(m.end ?? 0), destZeroFrom: Number(m.destZeroFrom ?? 0), dryRun: !!m.dryRun, verify: !!m.verify}
}

function checkPlan(p: Plan, sourceSize: number | null, destIsDevice: boolean, destSize: number): void {
  const bad = validateBlockSize(p.blockSize)
  if (bad) throw new ProtocolError('E_BAD_PLAN', bad)
  if (![p.size, p.start, p.end, p.destZeroFrom].every(Number.isSafeInteger) || p.destZeroFrom > p.size) {
    throw new ProtocolError('E_BAD_PLAN', 'the plan holds an offset out of range')
  }
  // A range: [start, end) of the source, on block boundaries but for the
  // source's end (streams sync one range each; a resume starts past 0).
  const aligned = (n: number): boolean => n % p.blockSize === 0 || n === p.size
  if (!(p.start >= 0 && p.start <= p.end && p.end <= p.size && aligned(p.start) && aligned(p.end))) {
    throw new ProtocolError('E_BAD_PLAN', `the sync range [${p.start}, ${p.end}) does not fit a ${p.size}-byte source`)
  }
  if (sourceSize !== null && sourceSize !== p.size) throw new ProtocolError('E_BAD_PLAN', `the plan says the source has ${p.size} bytes, it has ${sourceSize}`)
  if (destIsDevice && destSize < p.size) {
    throw deviceTooSmall('the destination device', destSize, p.size)
  }
}

function run(role: 'source' | 'dest', ch: Channel, disk: Disk | null, plan: Plan, hooks: EngineHooks, seed: Buffer): Promise<EngineResult> {
  if (role === 'source') return runSource(ch, disk as Disk, plan, hooks, seed)
  return runDest(ch, disk, plan, hooks, seed)
}

/** Run a sync from the initiating side: the CLI. */
export async function initiate(ch: Channel, opts: SyncOptions): Promise<Summary> {
  const began = Date.now()
  const bad = validateBlockSize(opts.blockSize)
  if (bad) throw new UsageError('E_BLOCK_SIZE', bad)
  const localRole = opts.direction === 'push' ? 'source' : 'dest'
  const stopped = (): void => {
    if (!ch.failure) ch.abort(new InterruptedError('E_STREAM_STOPPED', 'another stream of this sync failed'))
  }
  if (opts.stream?.signal.aborted) stopped()
  else opts.stream?.signal.addEventListener('abort', stopped, {once: true})
  const mine = hello(true)
  ch.send('hello', mine)
  const theirs = await ch.expect('hello')
  checkHello(theirs, false)
  const seed = sessionSeed(mine.seed as Uint8Array, theirs.seed as Uint8Array)

  let disk: Disk | null = null
  try {
    // Open the source first, wherever it is: a pull from a missing remote
    // file must not leave a new empty file behind.
    const sendOpen = (sourceSize: number): void => {
      ch.send('open', {
        path: opts.remotePath,
        role: localRole === 'source' ? Role.DEST : Role.SOURCE,
        blockSize: opts.blockSize,
        dryRun: !!opts.dryRun,
        force: !!opts.force,
        sourceSize,
        job: opts.job ?? '',
        resumeFrom: opts.resume?.from ?? 0,
      })
    }
    let opened: Opened
    if (localRole === 'source') {
      disk = await openLocal(opts.localPath, localRole, !!opts.dryRun, !!opts.force)
      sendOpen((disk as Disk).size)
      opened = await ch.expect('opened')
    } else {
      sendOpen(0)
      opened = await ch.expect('opened')
      disk = await openLocal(opts.localPath, localRole, !!opts.dryRun, !!opts.force)
    }
    const localId = disk ? await disk.identity() : null
    const remoteId = identityOf(opened)
    const srcSize = localRole === 'source' ? (disk as Disk).size : remoteId.size
    const dst = localRole === 'dest' ? openedOf(disk, localId) : opened
    const dstSize = Number(dst.size ?? 0)
    const destIsDevice = !!dst.isDevice
    const srcId = localRole === 'source' ? localId as Identity : remoteId
    const dstId = localRole === 'dest' ? localId : remoteId
    const part = opts.stream ? streamRange(opts.stream.index, opts.stream.count, srcSize) : {offset: 0, length: srcSize}
    let start = part.offset
    let resumeDiscarded: string | null = null
    if (opts.resume && opts.resume.from > part.offset) {
      const r = opts.resume
      // The parts of a --streams sync are cut from the size: another size, other parts, whatever --trust-checkpoint says.
      if (opts.stream && r.source.size !== srcSize) resumeDiscarded = 'the source size changed since the checkpoint'
      else if (!r.trust && !sameSource(r.source, srcId)) resumeDiscarded = 'the source changed since the checkpoint'
      else if (!r.trust && (!dstId || !sameDest(r.dest, dstId))) resumeDiscarded = 'the destination changed since the checkpoint'
      else start = Math.min(r.from, part.offset + part.length)
    }
    // Back to a block boundary, unless the range is done (its end may be the unaligned end of the file).
    if (start < part.offset + part.length) start -= start % opts.blockSize
    const plan: Plan = {
      size: srcSize,
      blockSize: opts.blockSize,
      start,
      end: part.offset + part.length,
      // A device may hold anything; a file holds zeros past its old end.
      destZeroFrom: destIsDevice ? srcSize : dst.existed ? Math.min(dstSize, srcSize) : 0,
      dryRun: !!opts.dryRun,
      verify: !!opts.verify && !opts.dryRun,
    }
    checkPlan(plan, null, destIsDevice && localRole === 'dest', dstSize)
    // The destination as it will be once resized: what a resume must find again.
    const destAfter = dstId ? {...dstId, size: destIsDevice ? dstId.size : srcSize} : {size: srcSize, isDevice: false, mtimeMs: 0, dev: 0, ino: 0, rdev: 0}
    if (opts.stream) await opts.stream.ready(plan, {source: srcId, dest: destAfter})
    ch.send('start', plan)
    opts.onStart?.(plan, {source: srcId, dest: destAfter})
    const hooks: EngineHooks = {...opts.hooks}
    if (localRole === 'source') hooks.sourceChanged = changedSince(disk as Disk, srcId)
    const r = await run(localRole, ch, disk, plan, hooks, seed)
    const src = localRole === 'source' ? {read: r.bytesRead} : {read: Number(r.peer.bytesRead ?? 0)}
    const dstStats = localRole === 'dest' ? r : {bytesRead: Number(r.peer.bytesRead ?? 0), bytesWritten: Number(r.peer.bytesWritten ?? 0), bytesZeroed: Number(r.peer.bytesZeroed ?? 0)}
    const sent = localRole === 'source' ? r.bytesSent : Number(r.peer.bytesSent ?? 0)
    const changed = localRole === 'source' ? r.blocksChanged : Number(r.peer.blocksChanged ?? 0)
    await ch.close()
    return {
      ok: true,
      job: opts.job ?? null,
      source: localRole === 'source' ? opts.localPath : opts.remotePath,
      destination: localRole === 'dest' ? opts.localPath : opts.remotePath,
      size: srcSize,
      blockSize: opts.blockSize,
      blocks: r.blocks,
      blocksChanged: changed,
      bytesReadSource: src.read,
      bytesReadDest: dstStats.bytesRead,
      bytesSent: sent,
      bytesOnWire: ch.bytesIn + ch.bytesOut,
      bytesWritten: dstStats.bytesWritten,
      // A dry run sends no Zero frames: what would be zeroed is the source's count.
      bytesZeroed: opts.dryRun ? (localRole === 'source' ? r.bytesZeroed : Number(r.peer.bytesZeroed ?? 0)) : dstStats.bytesZeroed,
      durationMs: Date.now() - began,
      resumedFrom: plan.start,
      resumeDiscarded,
      verified: r.verified,
      sourceChanged: r.sourceChanged,
      differences: r.differences,
      dryRun: !!opts.dryRun,
      destinationCreated: !dst.existed && !opts.dryRun,
      destinationExisted: !!dst.existed,
      destinationSize: dstSize,
      destinationLargerBy: destIsDevice ? Math.max(0, dstSize - srcSize) : 0,
      sourceIdentity: srcId,
      destIdentity: destAfter,
    }
  } catch (err) {
    if (err instanceof BlockpairError && !ch.failure) ch.abort(err)
    throw err
  } finally {
    opts.stream?.signal.removeEventListener('abort', stopped)
    await disk?.close()
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

/** Serve one session as the responder: the agent side. */
export async function respond(ch: Channel, opts: ResponderOptions, record: SessionRecord): Promise<void> {
  let disk: Disk | null = null
  let unlock: (() => void) | null = null
  try {
    const theirs = await ch.expect('hello')
    const mine = hello(false)
    ch.send('hello', mine)
    checkHello(theirs, true)
    const seed = sessionSeed(theirs.seed as Uint8Array, mine.seed as Uint8Array)

    const open = await ch.expect('open')
    const role = open.role === Role.SOURCE ? 'source' : open.role === Role.DEST ? 'dest' : null
    if (!role) throw new ProtocolError('E_BAD_FRAME', 'open names no role')
    record.role = role
    record.path = open.path ?? ''
    const real = await resolveAllowed(open.path ?? '', opts.allow, opts.allowDevices)
    record.path = real
    const dryRun = !!open.dryRun
    // The streams of one job write disjoint ranges of the same target; nothing else may share it.
    if (role === 'dest' && !dryRun) unlock = await opts.locks.acquire(real, open.job || null)
    disk = await openLocal(real, role, dryRun, !!open.force, true)
    if (disk) await checkOpened(disk, real, {devices: opts.allowDevices ?? [], write: role === 'dest' && !dryRun})
    if (role === 'dest' && disk?.isDevice && disk.size < Number(open.sourceSize ?? 0)) {
      throw deviceTooSmall(real, disk.size, Number(open.sourceSize))
    }
    const openedId = disk ? await disk.identity() : null
    ch.send('opened', openedOf(disk, openedId))

    const plan = planFrom(await ch.expect('start'))
    checkPlan(plan, role === 'source' ? (disk as Disk).size : null, role === 'dest' && !!disk?.isDevice, disk?.size ?? 0)
    if (plan.dryRun !== dryRun) throw new ProtocolError('E_BAD_PLAN', 'the plan and the open disagree on --dry-run')
    const hooks: EngineHooks = {}
    if (role === 'source') hooks.sourceChanged = changedSince(disk as Disk, openedId as Identity)
    const r = await run(role, ch, disk, plan, hooks, seed)
    record.result = r
    record.bytesSent = r.bytesSent
    record.bytesWritten = r.bytesWritten
    await ch.close()
  } catch (err) {
    if (err instanceof BlockpairError && !ch.failure) ch.abort(err)
    throw err
  } finally {
    unlock?.()
    await disk?.close()
  }
}
