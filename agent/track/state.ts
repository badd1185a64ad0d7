// The state folder of tracked pairs: `.blockpair-track/<pair>/` beside the
// file at each end, on its file system (a reflink clone cannot cross one).
// A block device's lives in this host's state folder instead
// (devices/<pair>/): /dev is no place for files, and a device has no
// snapshot to keep beside it.
// It holds each end's lineage record (source.json, dest.json: both ends
// may share a folder) and, at the source, the base snapshot its record names. A pair is named by a key the initiator derives from
// the two ends as the user gave them, so the same push or pull finds its
// record again and any other pair does not.
//
// The record is written atomically (temporary file, fsync, rename, fsync of
// the folder): a crash leaves the old record or the new one, and the new
// snapshot only becomes the base once the record naming it is durable.

import {createHash, randomBytes} from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {PolicyError, ProtocolError} from '../errors.js'

export const STATE_FOLDER = '.blockpair-track'
const PAIR = /^[0-9a-f]{32}$/

/** A file's change stamp: any write, truncate, replacement or metadata change moves one of these. */
export interface Stamp {
  size: string
  dev: string
  ino: string
  mtimeNs: string
  ctimeNs: string
}

/** What one end records about a pair after a successful sync. */
export interface LineageRecord {
  version: 1
  pair: string
  role: 'source' | 'dest'
  /** The file synced (the live file at the source, not its snapshot). */
  path: string
  blockSize: number
  /** The final digest of the sync, the same at both ends: it names that sync. */
  digest: string
  /** The destination's stamp right after the sync; the source's base snapshot's. */
  stamp: Stamp
  /** Source only: the base snapshot's file name in the pair's folder, and the live file's dev/ino then. */
  snapshot?: string
  live?: {dev: string; ino: string}
  /** Source only: its size that sync copied (a device's stat says 0); what a later sync reads past as growth. */
  size?: number
}

/**
 * The key of the pair (source, destination), as the user names them. An
 * agent's port is left out: the same file behind another port (a relay, a
 * restarted agent) is the same pair, and its lineage says whether it is unchanged.
 */
export function pairKey(source: string, destination: string): string {
  const [a, b] = [source, destination].map(s => s.replace(/^(agent:\/\/[^/]*?)(:\d+)?\//, '$1/'))
  return createHash('sha256').update(`${a}\n${b}`).digest('hex').slice(0, 32)
}

/** A pair key a peer sent, checked before it names a folder. */
export function checkPair(pair: string): string {
  if (!PAIR.test(pair)) throw new ProtocolError('E_BAD_FRAME', 'the open names a malformed pair key')
  return pair
}

/** This host's folder for blockpair's own state: $XDG_STATE_HOME/blockpair or ~/.local/state/blockpair. */
export function defaultStateDir(): string {
  const base = process.env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state')
  return path.join(base, 'blockpair')
}

/**
 * The pair's folder: beside `file`, or for a device in this host's state
 * folder. Neither `.blockpair-track` nor the pair's folder may be a symbolic
 * link (or anything but a folder): in an --allow folder one would lead the
 * records, snapshots and their removal outside it.
 */
export function pairDir(file: string, pair: string, isDevice = false): string {
  if (isDevice) return path.join(defaultStateDir(), 'devices', pair)
  const root = path.join(path.dirname(file), STATE_FOLDER)
  const dir = path.join(root, pair)
  for (const d of [root, dir]) checkFolder(d)
  return dir
}

function checkFolder(d: string): void {
  let st: fs.Stats
  try {
    st = fs.lstatSync(d)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return
    throw err
  }
  if (!st.isDirectory()) throw stateLink(d)
}

function stateLink(d: string): PolicyError {
  return new PolicyError('E_TRACK_STATE_LINK', `${d} is a symbolic link or not a folder: change tracking refuses it`)
}

/** Open a file of the state folder for reading, refusing a symbolic link. */
export function openState(file: string): number {
  try {
    return fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw stateLink(file)
    throw err
  }
}

/** Make the pair's folder (and the state folder) one level at a time, never through a link. */
export function makePairDir(dir: string): void {
  // Beside a file its folder exists; a device's state folder may not yet.
  fs.mkdirSync(path.dirname(path.dirname(dir)), {recursive: true, mode: 0o700})
  for (const d of [path.dirname(dir), dir]) makeFolder(d)
}

/** `.blockpair-track` beside `file`, refused when it is a link or not a folder. */
export function stateRoot(file: string): string {
  const root = path.join(path.dirname(file), STATE_FOLDER)
  checkFolder(root)
  return root
}

/** The same, made when missing (never through a link). */
export function makeStateRoot(file: string): string {
  const root = path.join(path.dirname(file), STATE_FOLDER)
  makeFolder(root)
  return root
}

function makeFolder(d: string): void {
  try {
    fs.mkdirSync(d, {mode: 0o700})
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    checkFolder(d)
  }
}

export function stampOf(st: fs.BigIntStats): Stamp {
  return {size: String(st.size), dev: String(st.dev), ino: String(st.ino), mtimeNs: String(st.mtimeNs), ctimeNs: String(st.ctimeNs)}
}

export function sameStamp(a: Stamp, b: Stamp): boolean {
  return a.size === b.size && a.dev === b.dev && a.ino === b.ino && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs
}

export function readRecord(dir: string, role: LineageRecord['role']): LineageRecord | null {
  let fd: number
  try {
    fd = openState(path.join(dir, `${role}.json`))
  } catch (err) {
    if (err instanceof PolicyError) throw err
    return null
  }
  try {
    const r = JSON.parse(fs.readFileSync(fd, 'utf8')) as LineageRecord
    return r.version === 1 && r.role === role ? r : null
  } catch {
    return null
  } finally {
    fs.closeSync(fd)
  }
}

export function writeRecord(dir: string, r: LineageRecord): void {
  makePairDir(dir)
  const tmp = path.join(dir, `${r.role}.json.${randomBytes(4).toString('hex')}.tmp`)
  const fd = fs.openSync(tmp, 'wx', 0o600)
  try {
    fs.writeFileSync(fd, JSON.stringify(r, null, 2) + '\n')
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(tmp, path.join(dir, `${r.role}.json`))
  syncDir(dir)
}

export function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r')
  try {
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
}

/** Stop tracking a pair at this end: its record and snapshots go. */
export function removePair(dir: string): boolean {
  if (!fs.existsSync(dir)) return false
  fs.rmSync(dir, {recursive: true, force: true})
  return true
}
