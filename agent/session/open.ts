// The open exchange: after the handshake the initiator names the remote file
// and its role (Open), the responder opens it and reports what it found
// (Opened: size, whether it existed, its identity). The source is opened
// first, wherever it is, so a pull from a missing remote file fails before a
// new empty destination is left behind.

import os from 'node:os'
import path from 'node:path'
import type {Channel} from '../wire/channel.js'
import {Disk, fileMeta, type CreateAs, type FileMeta, type Identity} from '../disk/disk.js'
import {BlockpairError, ProtocolError} from '../errors.js'
import {Role, type Open, type Opened} from '../../proto/codec.js'

import type {DestState} from './plan.js'

/**
 * This process's run of a job, beside the job's id in Open: the streams of a
 * run (threads of one process) share the destination's lock, while a later
 * run (a resume) waits for an earlier one still ending (TargetLocks).
 */
const RUN = `${os.hostname()}.${process.pid}`

export type LocalRole = 'source' | 'dest'

/** Open one end of a sync. A dry run never creates or changes the destination; a new one is created as `create` says. */
export async function openLocal(path: string, role: LocalRole, dryRun: boolean, force: boolean, noFollow = false, create?: CreateAs): Promise<Disk | null> {
  if (role === 'source') return Disk.openRead(path, {noFollow})
  if (!dryRun) return Disk.openWrite(path, {force, noFollow, create})
  try {
    return await Disk.openRead(path, {noFollow})
  } catch (err) {
    if ((err as BlockpairError).code === 'E_NOT_FOUND') return null
    throw err
  }
}

export function openedOf(disk: Disk | null, identity: Identity | null, meta: FileMeta | null = null): Opened {
  if (!disk || !identity) return {size: 0, existed: false}
  return {size: disk.size, existed: disk.existed, isDevice: disk.isDevice, mtimeMs: identity.mtimeMs, dev: identity.rdev || identity.dev, ino: identity.ino, stamp: identity.stamp ?? '',
    ...(meta ? {mode: meta.mode, uid: meta.uid, gid: meta.gid, mtimeNs: meta.mtimeNs} : {})}
}

/** A source's metadata as its Opened reports it; null when it sent none (a device, or an older agent). */
function metaOf(o: Opened): FileMeta | null {
  return o.mtimeNs ? {mode: o.mode ?? 0, uid: o.uid ?? 0, gid: o.gid ?? 0, mtimeNs: o.mtimeNs} : null
}

/** What a destination takes from its source (issue 14, item 14); each part can be turned off (--no-perms, --no-owner, --no-times). */
export interface Preserve {
  perms: boolean
  owner: boolean
  times: boolean
}

export const PRESERVE_ALL: Readonly<Preserve> = Object.freeze({perms: true, owner: true, times: true})

/** How a new destination is created from the source's metadata. */
export function createFrom(meta: FileMeta | null, p: Preserve): CreateAs {
  if (!meta) return {}
  return {...(p.perms ? {mode: meta.mode} : {}), ...(p.owner ? {owner: {uid: meta.uid, gid: meta.gid}} : {})}
}

/** The CreateAs an Open asks for. */
export function createOf(open: Open): CreateAs {
  return {...(open.createMode ? {mode: open.createMode} : {}), ...(open.createOwner ? {owner: {uid: open.createUid ?? 0, gid: open.createGid ?? 0}} : {})}
}

function identityOf(o: Opened): Identity {
  return {size: Number(o.size ?? 0), isDevice: !!o.isDevice, mtimeMs: Number(o.mtimeMs ?? 0), dev: Number(o.dev ?? 0), ino: Number(o.ino ?? 0), rdev: 0, stamp: o.stamp || null}
}

/** The role an Open asks the responder to take. */
export function roleOf(open: Open): LocalRole {
  if (open.role === Role.SOURCE) return 'source'
  if (open.role === Role.DEST) return 'dest'
  throw new ProtocolError('E_BAD_FRAME', 'open names no role')
}

export interface OpenRequest {
  localPath: string
  remotePath: string
  blockSize: number
  dryRun: boolean
  force: boolean
  job: string | null
  resumeFrom: number
  /** The pair's key; --track-changes or --changed-ranges ask the other end to state its half of the lineage. */
  pair: string
  trackChanges: boolean
  changedRanges: boolean
  /** A destination device counts as untouched since the last sync (--trust-destination). */
  trustDestination: boolean
  /** One stream of several: the other end drops its lineage of the pair. */
  noLineage: boolean
  preserve: Preserve
  /** The file the user named, when localPath is a snapshot of it: the source's name and metadata are its. */
  realPath?: string
  /** The source is a patch, not a local file (SyncOptions.patch): its result's size (null: the destination's) and its hashes' seed. */
  patch?: {size: number | null; seed: Buffer}
}

/** Both ends once open, as the initiator sees them. */
export interface Ends {
  /** This end's file; null for a dry run's missing destination. */
  disk: Disk | null
  sourceSize: number
  dest: DestState
  source: Identity
  /** null when the destination does not exist (a dry run). */
  destId: Identity | null
  /** The other end's side of change tracking, when asked for. */
  remoteTrack: Opened['track']
  /** The responder's destination, when it was named by its folder: the file inside (else ''). */
  destinationPath: string
  /** A responder destination's hash cache offer (agent/session/dest-cache.ts), as sent. */
  remoteCache: {seed: Opened['cacheSeed']; reason: Opened['cacheReason']}
  /** The source file's metadata; null for a device. */
  sourceMeta: FileMeta | null
}

/** Open both ends from the initiating side, the source first. The local disk is closed again on failure. */
export async function openEnds(ch: Channel, localRole: LocalRole, req: OpenRequest): Promise<Ends> {
  const sendOpen = (sourceSize: number, create: CreateAs = {}): void => {
    ch.send('open', {
      path: req.remotePath,
      role: localRole === 'source' ? Role.DEST : Role.SOURCE,
      blockSize: req.blockSize,
      dryRun: req.dryRun,
      force: req.force,
      sourceSize,
      job: req.job ? `${req.job}#${RUN}` : '',
      resumeFrom: req.resumeFrom,
      trackChanges: req.trackChanges,
      changedRanges: req.changedRanges,
      trustDestination: req.trustDestination,
      noLineage: req.noLineage,
      pair: req.pair,
      createMode: create.mode ?? 0,
      createOwner: !!create.owner,
      createUid: create.owner?.uid ?? 0,
      createGid: create.owner?.gid ?? 0,
      sourceName: localRole === 'source' ? path.basename(req.realPath ?? req.localPath) : '',
      ...(req.patch ? {patchSeed: req.patch.seed} : {}),
    })
  }
  const openHere = (create?: CreateAs): Promise<Disk | null> => openLocal(req.localPath, localRole, req.dryRun, req.force, false, create)
  let disk: Disk | null = null
  try {
    let opened: Opened
    let sourceMeta: FileMeta | null
    if (localRole === 'source' && req.patch) {
      sendOpen(req.patch.size ?? 0)
      const opened = await ch.expect('opened')
      const size = req.patch.size ?? Number(opened.size ?? 0)
      return {...endsOf(localRole, null, patchIdentity(size), opened), sourceSize: size, sourceMeta: null}
    }
    if (localRole === 'source') {
      disk = await openHere()
      sourceMeta = req.realPath ? await fileMeta(req.realPath) : await (disk as Disk).meta()
      sendOpen((disk as Disk).size, createFrom(sourceMeta, req.preserve))
      opened = await ch.expect('opened')
    } else {
      sendOpen(0)
      opened = await ch.expect('opened')
      sourceMeta = metaOf(opened)
      disk = await openHere(createFrom(sourceMeta, req.preserve))
    }
    return {...endsOf(localRole, disk, disk ? await disk.identity() : null, opened), sourceMeta}
  } catch (err) {
    await disk?.close()
    throw err
  }
}

/** A patch as a source: no file, only the size of what it makes. */
export function patchIdentity(size: number): Identity {
  return {size, isDevice: false, mtimeMs: 0, dev: 0, ino: 0, rdev: 0, stamp: null}
}

function endsOf(localRole: LocalRole, disk: Disk | null, localId: Identity | null, opened: Opened): Omit<Ends, 'sourceMeta'> {
  const here = openedOf(disk, localId)
  const [src, dst] = localRole === 'source' ? [here, opened] : [opened, here]
  const dest: DestState = {size: Number(dst.size ?? 0), existed: !!dst.existed, isDevice: !!dst.isDevice}
  const remoteId = identityOf(opened)
  return {
    disk,
    sourceSize: Number(src.size ?? 0),
    dest,
    source: localRole === 'source' ? localId as Identity : remoteId,
    destId: localRole === 'dest' ? localId : remoteId,
    remoteTrack: opened.track,
    destinationPath: localRole === 'source' ? opened.path ?? '' : '',
    remoteCache: {seed: opened.cacheSeed, reason: opened.cacheReason},
  }
}
