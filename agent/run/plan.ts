// Argument planning for push and pull, rsync-like: SRC... DEST. Several
// sources need a destination folder (a trailing '/'; for pull, an existing
// local folder) where each file keeps its basename; all remote paths of one
// run are on one host. A pure function of the arguments (and of which local
// paths are folders), so every usage error is testable without a network.

import fs from 'node:fs'
import path from 'node:path'
import {IoError, UsageError} from '../errors.js'
import {parseAddress} from './address.js'

export type Direction = 'push' | 'pull'

/** One file of a run: the local end and the path at the remote end. */
export interface FilePair {
  local: string
  remote: string
}

/** Where the remote files of a run live: a running agent, or a host where ssh starts one. */
export type RemoteHost =
  | {kind: 'agent'; host: string; port: number}
  | {kind: 'ssh'; target: string; host: string}

export interface RunPlan {
  direction: Direction
  remote: RemoteHost
  files: FilePair[]
}

/** Is this local path a folder? (The only thing planning asks of the file system.) */
export type IsFolder = (p: string) => boolean

const REMOTE_HINT = 'agent://HOST:PORT/PATH or [USER@]HOST:PATH'

/** Parse `SRC... DEST` like rsync. Throws UsageError (or IoError for a missing local folder). */
export function planRun(direction: Direction, paths: readonly string[], isFolder: IsFolder = isDirectory): RunPlan {
  if (paths.length < 2) throw new UsageError('E_ADDRESS', `${direction}: give at least one source and a destination`)
  const sourceArgs = paths.slice(0, -1)
  const destArg = paths[paths.length - 1] as string
  // Every argument must parse before any other check, as before.
  for (const arg of paths) parseAddress(arg)
  const hosts = new OneHost(direction)
  const files = direction === 'push' ? planPush(sourceArgs, destArg, hosts) : planPull(sourceArgs, destArg, hosts, isFolder)
  const seen = new Set<string>()
  for (const f of files) {
    const d = direction === 'push' ? f.remote : path.resolve(f.local)
    if (seen.has(d)) throw new UsageError('E_DUPLICATE_DESTINATION', `${direction}: two sources would both be written to ${d}; give them different names`)
    seen.add(d)
  }
  return {direction, remote: hosts.remote as RemoteHost, files}
}

function planPush(sourceArgs: string[], destArg: string, hosts: OneHost): FilePair[] {
  const locals = sourceArgs.map(arg => {
    const s = parseAddress(arg)
    if (s.kind !== 'local') throw new UsageError('E_ADDRESS', `push: '${arg}' must be a local path; push sends local files to one remote destination`)
    return s.path
  })
  const target = hosts.remotePath(destArg)
  const folder = target.endsWith('/')
  if (locals.length > 1 && !folder) throw notFolder('push', destArg)
  return locals.map(local => ({local, remote: folder ? path.posix.join(target, path.basename(local)) : target}))
}

function planPull(sourceArgs: string[], destArg: string, hosts: OneHost, isFolder: IsFolder): FilePair[] {
  const dest = parseAddress(destArg)
  if (dest.kind !== 'local') throw new UsageError('E_ADDRESS', `pull: '${destArg}' must be a local path`)
  const exists = isFolder(dest.path)
  const folder = dest.path.endsWith('/') || exists
  if (sourceArgs.length > 1 && !folder) throw notFolder('pull', destArg)
  if (folder && !exists) throw new IoError('E_NOT_FOUND', `pull: the destination folder ${dest.path} does not exist; create it first`)
  return sourceArgs.map(arg => {
    const r = hosts.remotePath(arg)
    if (folder && (r.endsWith('/') || path.posix.basename(r) === '')) {
      throw new UsageError('E_ADDRESS', `pull: '${arg}' names a folder; name the files to pull`)
    }
    return {local: folder ? path.join(dest.path, path.posix.basename(r)) : dest.path, remote: r}
  })
}

/** The remote arguments of a run: each must be remote, absolute, and on the host of the first. */
class OneHost {
  remote: RemoteHost | undefined

  constructor(private readonly direction: Direction) {}

  remotePath(arg: string): string {
    const a = parseAddress(arg)
    if (a.kind === 'local') throw new UsageError('E_ADDRESS', `${this.direction}: '${arg}' must be remote: ${REMOTE_HINT}`)
    if (!path.posix.isAbsolute(a.path)) {
      throw new UsageError('E_PATH_RELATIVE', `${this.direction}: the remote path in '${arg}' must be absolute, e.g. ${a.kind === 'ssh' ? a.target : 'agent://HOST:PORT'}:/var/lib/images/disk.img`)
    }
    const r: RemoteHost = a.kind === 'agent' ? {kind: 'agent', host: a.host, port: a.port} : {kind: 'ssh', target: a.target, host: a.host}
    if (!this.remote) this.remote = r
    else if (!sameRemote(this.remote, r)) {
      throw new UsageError('E_ADDRESS', `${this.direction}: '${arg}' is on another host; all remote files of one run must be on the same host`)
    }
    return a.path
  }
}

function notFolder(direction: Direction, arg: string): UsageError {
  return new UsageError('E_DESTINATION_NOT_FOLDER', `${direction}: with several sources the destination must be a folder, written with a trailing '/': '${arg}/'`)
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory()
  } catch {
    return false
  }
}

function sameRemote(a: RemoteHost, b: RemoteHost): boolean {
  if (a.kind === 'ssh') return b.kind === 'ssh' && a.target === b.target
  return b.kind === 'agent' && a.host === b.host && a.port === b.port
}

/** A remote path written back as a command-line argument (a job records its ends so). */
export function remoteArg(r: RemoteHost, p: string): string {
  if (r.kind === 'ssh') return `${r.target}:${p}`
  const host = r.host.includes(':') ? `[${r.host}]` : r.host
  return `agent://${host}:${r.port}${p.split('/').map(encodeURIComponent).join('/')}`
}

/** A file's ends as `from` and `to` arguments, in the run's direction. */
export function fileArgs(plan: RunPlan, file: FilePair): {from: string; to: string} {
  const r = remoteArg(plan.remote, file.remote)
  return plan.direction === 'push' ? {from: file.local, to: r} : {from: r, to: file.local}
}
