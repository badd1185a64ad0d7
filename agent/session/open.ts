// The open exchange: after the handshake the initiator names the remote file
// and its role (Open), the responder opens it and reports what it found
// (Opened: size, whether it existed, its identity). The source is opened
// first, wherever it is, so a pull from a missing remote file fails before a
// new empty destination is left behind.

import type {Channel} from '../wire/channel.js'
import {Disk, type Identity} from '../disk/disk.js'
import {BlockpairError, ProtocolError} from '../errors.js'
import {Role, type Open, type Opened} from '../../proto/codec.js'
import type {DestState} from './plan.js'

export type LocalRole = 'source' | 'dest'

/** Open one end of a sync. A dry run never creates or changes the destination. */
export async function openLocal(path: string, role: LocalRole, dryRun: boolean, force: boolean, noFollow = false): Promise<Disk | null> {
  if (role === 'source') return Disk.openRead(path, {noFollow})
  if (!dryRun) return Disk.openWrite(path, {force, noFollow})
  try {
    return await Disk.openRead(path, {noFollow})
  } catch (err) {
    if ((err as BlockpairError).code === 'E_NOT_FOUND') return null
    throw err
  }
}

export function openedOf(disk: Disk | null, identity: Identity | null): Opened {
  if (!disk || !identity) return {size: 0, existed: false}
  return {size: disk.size, existed: disk.existed, isDevice: disk.isDevice, mtimeMs: identity.mtimeMs, dev: identity.rdev || identity.dev, ino: identity.ino, stamp: identity.stamp ?? ''}
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
}

/** Open both ends from the initiating side, the source first. The local disk is closed again on failure. */
export async function openEnds(ch: Channel, localRole: LocalRole, req: OpenRequest): Promise<Ends> {
  const sendOpen = (sourceSize: number): void => {
    ch.send('open', {
      path: req.remotePath,
      role: localRole === 'source' ? Role.DEST : Role.SOURCE,
      blockSize: req.blockSize,
      dryRun: req.dryRun,
      force: req.force,
      sourceSize,
      job: req.job ?? '',
      resumeFrom: req.resumeFrom,
    })
  }
  const openHere = (): Promise<Disk | null> => openLocal(req.localPath, localRole, req.dryRun, req.force)
  let disk: Disk | null = null
  try {
    let opened: Opened
    if (localRole === 'source') {
      disk = await openHere()
      sendOpen((disk as Disk).size)
      opened = await ch.expect('opened')
    } else {
      sendOpen(0)
      opened = await ch.expect('opened')
      disk = await openHere()
    }
    return endsOf(localRole, disk, disk ? await disk.identity() : null, opened)
  } catch (err) {
    await disk?.close()
    throw err
  }
}

function endsOf(localRole: LocalRole, disk: Disk | null, localId: Identity | null, opened: Opened): Ends {
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
  }
}
