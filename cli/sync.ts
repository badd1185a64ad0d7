// push and pull share everything but the direction. A run:
//
//   planRun      parse the arguments, rsync-like: SRC... DEST, where several
//                sources need a destination folder (trailing '/') and each file
//                keeps its basename there; all remote paths on one host
//   openRemote   reach that host once: a running agent (agent://, --psk-file), or
//                one agent started over ssh with a fresh key, serving one
//                session per file (`--sessions N`) and exiting after the last
//   runSync      sync ONE pair (`from`, `to` as on the command line) over its
//                own session, with progress; opens the remote end itself unless
//                given one (`extra.remote`)
//   runSyncs     the loop: one remote end, runSync (or the caller's `each`) per
//                file, in order; the first failure stops the run and names its file
//
// The command classes only parse flags and print.

import {Flags} from '@oclif/core'
import {randomBytes} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {parseAddress} from '../agent/run/address.js'
import {syncWithAgent} from '../agent/session/client.js'
import {validateBlockSize} from '../agent/engine/engine.js'
import {BlockpairError, InterruptedError, IoError, UsageError, ioError} from '../agent/errors.js'
import {KeyRing, readKeyFile} from '../agent/wire/keys.js'
import type {Summary} from '../agent/session/session.js'
import {startRemoteAgent, type RemoteAgent} from '../agent/run/ssh.js'
import {threadedStream} from '../agent/session/stream-thread.js'
import {MAX_STREAMS, syncStreams, type StreamsOptions} from '../agent/session/streams.js'
import type {Endpoint} from '../agent/wire/transport.js'
import {formatBytes, parseSize} from '../agent/run/units.js'
import {BaseCommand} from './base.js'
import {Progress} from './progress.js'

export const syncFlags = {
  'psk-file': Flags.string({description: 'Key file shared with the agent (agent:// addresses).'}),
  identity: Flags.string({description: 'Which identity of the key file to use (default: the first).'}),
  'block-size': Flags.string({char: 'b', description: 'Coarse block size (4K to 4M, a power of two); changes inside a block are still found and sent 4 KiB at a time.', default: '64K'}),
  'dry-run': Flags.boolean({char: 'n', description: 'Report what differs; write nothing.'}),
  force: Flags.boolean({description: 'Write to a block device even if it looks mounted or in use.'}),
  ssh: Flags.string({char: 'e', description: 'The ssh command to start the remote agent with, like rsync -e.', default: 'ssh'}),
  'remote-bin': Flags.string({description: 'How to run blockpair on the remote host, if not on its PATH (shell text, e.g. "node /opt/blockpair/bin/run.js").', default: 'blockpair'}),
  'ssh-timeout': Flags.integer({description: 'Seconds to wait for ssh to connect and the remote agent to report its port.', default: 20, min: 1}),
  streams: Flags.string({description: `Sync each file over this many connections at once (1 to ${MAX_STREAMS}), each over its own part of the file; over ssh each gets its own remote agent process. For links faster than one connection carries (about 0.7 GB/s per core).`, default: '1'}),
}

export interface SyncFlags {
  'psk-file'?: string
  identity?: string
  'block-size': string
  'dry-run': boolean
  force: boolean
  ssh: string
  'remote-bin': string
  'ssh-timeout'?: number
  /** Connections per file (--streams), as typed. */
  streams?: string
  json: boolean
  quiet: boolean
}

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
  direction: 'push' | 'pull'
  remote: RemoteHost
  files: FilePair[]
}

/** Parse `SRC... DEST` like rsync. Throws UsageError (or IoError for a missing local folder). */
export function planRun(direction: 'push' | 'pull', paths: readonly string[]): RunPlan {
  if (paths.length < 2) throw new UsageError('E_ADDRESS', `${direction}: give at least one source and a destination`)
  const sourceArgs = paths.slice(0, -1)
  const destArg = paths[paths.length - 1] as string
  const sources = sourceArgs.map(parseAddress)
  const dest = parseAddress(destArg)
  const several = sources.length > 1
  const remoteHint = 'agent://HOST:PORT/PATH or [USER@]HOST:PATH'

  let remote: RemoteHost | undefined
  const oneHost = (arg: string, r: RemoteHost): void => {
    if (!remote) remote = r
    else if (!sameRemote(remote, r)) {
      throw new UsageError('E_ADDRESS', `${direction}: '${arg}' is on another host; all remote files of one run must be on the same host`)
    }
  }
  const remotePathOf = (arg: string): string => {
    const a = parseAddress(arg)
    if (a.kind === 'local') throw new UsageError('E_ADDRESS', `${direction}: '${arg}' must be remote: ${remoteHint}`)
    if (!path.posix.isAbsolute(a.path)) {
      throw new UsageError('E_PATH_RELATIVE', `${direction}: the remote path in '${arg}' must be absolute, e.g. ${a.kind === 'ssh' ? a.target : 'agent://HOST:PORT'}:/var/lib/images/disk.img`)
    }
    oneHost(arg, a.kind === 'agent' ? {kind: 'agent', host: a.host, port: a.port} : {kind: 'ssh', target: a.target, host: a.host})
    return a.path
  }

  const files: FilePair[] = []
  if (direction === 'push') {
    sources.forEach((s, i) => {
      if (s.kind !== 'local') throw new UsageError('E_ADDRESS', `push: '${sourceArgs[i]}' must be a local path; push sends local files to one remote destination`)
    })
    const target = remotePathOf(destArg)
    const folder = target.endsWith('/')
    if (several && !folder) throw notFolder(direction, destArg)
    for (const s of sources) {
      const local = (s as {path: string}).path
      files.push({local, remote: folder ? path.posix.join(target, path.basename(local)) : target})
    }
  } else {
    if (dest.kind !== 'local') throw new UsageError('E_ADDRESS', `pull: '${destArg}' must be a local path`)
    const folder = dest.path.endsWith('/') || isDirectory(dest.path)
    if (several && !folder) throw notFolder(direction, destArg)
    if (folder && !isDirectory(dest.path)) {
      throw new IoError('E_NOT_FOUND', `pull: the destination folder ${dest.path} does not exist; create it first`)
    }
    sourceArgs.forEach(arg => {
      const r = remotePathOf(arg)
      if (folder && (r.endsWith('/') || path.posix.basename(r) === '')) {
        throw new UsageError('E_ADDRESS', `pull: '${arg}' names a folder; name the files to pull`)
      }
      files.push({local: folder ? path.join(dest.path, path.posix.basename(r)) : dest.path, remote: r})
    })
  }

  const seen = new Set<string>()
  for (const f of files) {
    const d = direction === 'push' ? f.remote : path.resolve(f.local)
    if (seen.has(d)) throw new UsageError('E_DUPLICATE_DESTINATION', `${direction}: two sources would both be written to ${d}; give them different names`)
    seen.add(d)
  }
  return {direction, remote: remote as RemoteHost, files}
}

function notFolder(direction: string, arg: string): UsageError {
  return new UsageError('E_DESTINATION_NOT_FOLDER', `${direction}: with several sources the destination must be a folder, written with a trailing '/': '${arg}/'`)
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory()
  } catch {
    return false
  }
}

/** The remote end of a run, reached once and used for every file. */
export interface Remote {
  /** Where stream i connects (one agent for every stream, or one ssh-started agent each). */
  endpoints: Endpoint[]
  keys: KeyRing
  identity: string | undefined
  /** What to tell the user when a session fails: an ssh drop is named as such. */
  explain(err: unknown): Promise<unknown>
  /** Let the remote agent go (over ssh: end its stdin; it exits). */
  close(): Promise<void>
}

export async function openRemote(plan: RunPlan, flags: SyncFlags): Promise<Remote> {
  const r = plan.remote
  const streams = streamsOf(flags)
  if (r.kind === 'agent') {
    if (!flags['psk-file']) throw new UsageError('E_NO_KEY', 'agent:// addresses need --psk-file (the key file the agent was started with)')
    return {
      endpoints: new Array<Endpoint>(streams).fill({host: r.host, port: r.port}),
      keys: readKeyFile(flags['psk-file']),
      identity: flags.identity,
      explain: async err => err,
      close: async () => {},
    }
  }
  // Over ssh: a fresh key for this run only, handed over on ssh's stdin. The
  // agent may open the folders of the remote files and nothing else.
  // With --streams N, N agents (N ssh connections): each stream's TLS and
  // disk work then runs in its own process, on its own core, at that end.
  const key = {identity: 'blockpair', key: randomBytes(32)}
  const started = await Promise.allSettled(Array.from({length: streams}, () => startRemoteAgent({
    target: r.target,
    ssh: flags.ssh,
    remoteBin: flags['remote-bin'],
    psk: key.key,
    identity: key.identity,
    allow: [...new Set(plan.files.map(f => path.posix.dirname(f.remote)))],
    // The user named these paths: if one is a block device, the agent may open it
    // (an --allow folder never grants a device). For a file this changes nothing.
    allowDevices: plan.files.map(f => f.remote),
    sessions: plan.files.length,
    timeoutMs: (flags['ssh-timeout'] ?? 20) * 1000,
  })))
  const agents = started.flatMap(a => (a.status === 'fulfilled' ? [a.value] : []))
  const failed = started.find(a => a.status === 'rejected')
  if (failed) {
    await Promise.all(agents.map(a => a.close()))
    throw (failed as PromiseRejectedResult).reason
  }
  return {
    endpoints: agents.map(a => ({host: a.host, port: a.port})),
    keys: new KeyRing([key]),
    identity: key.identity,
    explain: async err => {
      for (const a of agents) {
        const e = await explainSshDrop(err, a, r.host)
        if (e !== err) return e
      }
      return err
    },
    close: async () => {
      await Promise.all(agents.map(a => a.close()))
    },
  }
}

/** --streams, checked before anything connects. */
export function streamsOf(flags: {streams?: string}): number {
  const text = flags.streams ?? '1'
  const n = /^[0-9]+$/.test(text) ? Number(text) : NaN
  if (!(n >= 1 && n <= MAX_STREAMS)) {
    throw new UsageError('E_STREAMS', `--streams must be a whole number from 1 to ${MAX_STREAMS}, not '${text}'`)
  }
  return n
}

/**
 * A session cut because ssh went away (the agent exits on EOF) shows up here as
 * a lost connection; say what really happened. ssh's exit can be noticed a
 * moment after the socket closes, so wait for it briefly.
 */
async function explainSshDrop(err: unknown, agent: RemoteAgent, host: string): Promise<unknown> {
  if (!(err instanceof InterruptedError)) return err
  const exit = await Promise.race([agent.exited, new Promise<null>(r => setTimeout(() => r(null), 1000).unref())])
  if (!exit) return err
  const how = exit.signal ? `ssh was ended by ${exit.signal}` : `ssh exited with code ${exit.code}`
  const lines = agent.stderrTail().split('\n').map(l => l.trim()).filter(Boolean)
  const last = lines[lines.length - 1]
  return new InterruptedError('E_SSH_DROPPED',
    `the ssh connection to ${host} ended during the sync (${how}${last ? `; ssh: ${last}` : ''}), so the agent there stopped; ` +
    'run the same command again to finish', {cause: err})
}

function sameRemote(a: RemoteHost, b: RemoteHost): boolean {
  if (a.kind === 'ssh') return b.kind === 'ssh' && a.target === b.target
  return b.kind === 'agent' && a.host === b.host && a.port === b.port
}

/** --block-size, parsed and checked before anything connects. */
export function blockSizeOf(flags: {'block-size': string}): number {
  const n = parseSize(flags['block-size'], '--block-size')
  const bad = validateBlockSize(n)
  if (bad) throw new UsageError('E_BLOCK_SIZE', bad)
  return n
}

export interface SyncExtra extends Partial<Omit<StreamsOptions, 'direction' | 'localPath' | 'remotePath'>> {
  /** The remote end to use, already open (several files over one agent). Default: the run's (see below), or open one for this file. */
  remote?: Remote
}

/** Sync one pair, `from` and `to` as on the command line, over its own session. */
export async function runSync(direction: 'push' | 'pull', from: string, to: string, flags: SyncFlags, extra: SyncExtra = {}): Promise<Summary> {
  const plan = planRun(direction, [from, to])
  const file = plan.files[0] as FilePair
  const blockSize = blockSizeOf(flags)
  const streams = streamsOf(flags)
  const {remote: given, onStart, hooks, ...more} = extra
  const own = given ? undefined : await openRemote(plan, flags)
  const remote = (given ?? own) as Remote
  const progress = new Progress(!flags.quiet && !!process.stderr.isTTY, `${direction} ${path.basename(file.local)}`)
  const opts: StreamsOptions = {
    direction,
    localPath: file.local,
    remotePath: file.remote,
    blockSize,
    dryRun: flags['dry-run'],
    force: flags.force,
    ...more,
    onStart: (...args: Parameters<NonNullable<StreamsOptions['onStart']>>) => {
      progress.start(args[0].end - args[0].start)
      onStart?.(...args)
    },
    hooks: {
      ...hooks,
      onProgress: done => {
        progress.update(done)
        hooks?.onProgress?.(done)
      },
    },
  }
  try {
    const endpoints = remote.endpoints
    if (streams === 1) return await syncWithAgent(endpoints[0] as Endpoint, remote.keys, remote.identity, opts)
    return await syncStreams(streams, opts, threadedStream(endpoints, remote.keys.keys, remote.identity))
  } catch (err) {
    throw await remote.explain(err)
  } finally {
    progress.stop()
    await own?.close()
  }
}

/** A file of a several-file run failed; the run stopped there. Same code and exit as the cause. */
export class FileSyncError extends BlockpairError {
  constructor(readonly file: string, readonly done: Summary[], cause: BlockpairError) {
    super(cause.code, cause.exit, `${file}: ${cause.message}`, {cause})
  }
}

/** How one file of a run is synced: runSync, or a wrapper of it (job state, say). */
export type SyncOne = (from: string, to: string, remote: Remote) => Promise<Summary>

/** A remote path written back as an argument for runSync. */
function remoteArg(r: RemoteHost, p: string): string {
  if (r.kind === 'ssh') return `${r.target}:${p}`
  const host = r.host.includes(':') ? `[${r.host}]` : r.host
  return `agent://${host}:${r.port}${p.split('/').map(encodeURIComponent).join('/')}`
}

/**
 * Sync every file of `SRC... DEST`, in order, over one remote end (one ssh
 * bootstrap, one agent serving a session per file).
 */
export async function runSyncs(direction: 'push' | 'pull', paths: readonly string[], flags: SyncFlags,
  o: {each?: SyncOne, onFile?: (s: Summary) => void} = {}): Promise<Summary[]> {
  const plan = planRun(direction, paths)
  // Every usage and local error before anything starts on the remote host.
  blockSizeOf(flags)
  streamsOf(flags)
  if (direction === 'push') {
    for (const f of plan.files) {
      try {
        fs.statSync(f.local)
      } catch (err) {
        throw ioError(err, f.local)
      }
    }
  }
  const each: SyncOne = o.each ?? ((from, to, remote) => runSync(direction, from, to, flags, {remote}))
  const remote = await openRemote(plan, flags)
  const done: Summary[] = []
  try {
    for (const file of plan.files) {
      const r = remoteArg(plan.remote, file.remote)
      try {
        const s = await (direction === 'push' ? each(file.local, r, remote) : each(r, file.local, remote))
        done.push(s)
        o.onFile?.(s)
      } catch (err) {
        if (plan.files.length === 1 || !(err instanceof BlockpairError)) throw err
        throw new FileSyncError(direction === 'push' ? file.local : file.remote, [...done], err)
      }
    }
  } finally {
    await remote.close()
  }
  return done
}

const SUMMED = ['size', 'blocks', 'blocksChanged', 'bytesReadSource', 'bytesReadDest', 'bytesSent', 'bytesOnWire',
  'bytesWritten', 'bytesZeroed', 'durationMs'] as const

export type Totals = {[K in (typeof SUMMED)[number]]: number}

/** The sums over the files of a run (durationMs too: the time spent in sessions). */
export function totals(files: readonly Summary[]): Totals {
  const t = Object.fromEntries(SUMMED.map(k => [k, 0])) as Totals
  for (const s of files) for (const k of SUMMED) t[k] += s[k]
  return t
}

export function describe(s: Summary): string {
  const pct = s.blocks === 0 ? 0 : (100 * s.blocksChanged) / s.blocks
  const verb = s.dryRun ? 'would send' : 'sent'
  const secs = (s.durationMs / 1000).toFixed(2)
  const lines = [
    `${s.source} -> ${s.destination}: ${formatBytes(s.size)}, ${s.blocksChanged} of ${s.blocks} blocks differ (${pct.toFixed(2)}%)`,
    `  ${verb} ${formatBytes(s.bytesSent)} of block data, ${s.dryRun ? 'would zero' : 'zeroed'} ${formatBytes(s.bytesZeroed)}; read ${formatBytes(s.bytesReadSource)} at the source, ${formatBytes(s.bytesReadDest)} at the destination; ${secs} s`,
  ]
  if (s.destinationCreated && !s.dryRun) lines.push('  the destination was created (sparse)')
  if (s.destinationLargerBy > 0) lines.push(`  the destination device is ${formatBytes(s.destinationLargerBy)} larger than the source; the extra space was left as it was`)
  return lines.join('\n')
}

export function describeTotal(files: readonly Summary[]): string {
  const t = totals(files)
  const dry = files.some(s => s.dryRun)
  return `${files.length} files, ${formatBytes(t.size)}: ${t.blocksChanged} of ${t.blocks} blocks differ; ` +
    `${dry ? 'would send' : 'sent'} ${formatBytes(t.bytesSent)} of block data; ${(t.durationMs / 1000).toFixed(2)} s`
}

/** push and pull: parse, run, print. One source prints exactly what it always did. */
export abstract class SyncCommand extends BaseCommand {
  protected async sync(direction: 'push' | 'pull', paths: string[], flags: SyncFlags, each?: SyncOne): Promise<void> {
    this.wantsJson = flags.json
    const several = paths.length > 2
    const text = !flags.json && !flags.quiet
    const files = await runSyncs(direction, paths, flags, {
      each,
      onFile: s => {
        if (several && text) this.out(describe(s))
      },
    })
    if (!several) {
      const s = files[0] as Summary
      if (flags.json) this.printJson(s)
      else if (text) this.out(describe(s))
      return
    }
    if (flags.json) this.printJson({ok: true, files, total: totals(files)})
    else if (text) this.out(describeTotal(files))
  }

  async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    // A several-file run that stopped: the JSON says which file and what was done before it.
    if (err instanceof FileSyncError && this.wantsJson) {
      this.printJson({ok: false, code: err.code, exit: err.exit, message: err.message, file: err.file, files: err.done, total: totals(err.done)})
      this.wantsJson = false
    }
    return super.catch(err)
  }
}
