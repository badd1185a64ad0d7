// What a push, pull, resume or verify runs with: one camelCase object and one
// table of defaults. The CLI builds it from its flags in one place
// (cli/options.ts); a job file keeps the part a resume needs (JOB_KEYS), so a
// resumed job reconnects and syncs exactly as it was first started.
//
// Every check here runs before anything connects or is created: a bad value
// is a usage error (exit 2) with its own code, never a half-started run.

import {DEFAULT_BLOCK, validateBlockSize, type Range} from '../engine/engine.js'
import {BlockpairError, EXIT, UsageError} from '../errors.js'
import {MAX_STREAMS} from '../session/streams.js'

export interface RunOptions {
  /** Coarse block size in bytes (a power of two, 4K to 4M). */
  blockSize: number
  /** Report what differs; write nothing (and keep no job). */
  dryRun: boolean
  /** Write to a block device even if it looks mounted or in use. */
  force: boolean
  /** The ssh command that starts the remote agent (like rsync -e). */
  ssh: string
  /** How to run blockpair on the remote host (shell text). */
  remoteBin: string
  /** Seconds to wait for ssh and the remote agent to report its port. */
  sshTimeout: number
  /**
   * --timeout: give up (E_PEER_SILENT, resumable) when nothing comes from the
   * remote agent for this many ms, like rsync's --timeout; 0: never. Agents
   * send a keepalive every second while busy, so only a dead link is silent.
   */
  timeoutMs: number
  /** Connections per file (--streams). */
  streams: number
  /** Key file shared with a running agent (agent:// addresses). */
  pskFile: string | undefined
  /** Which identity of the key file to use (default: the first). */
  identity: string | undefined
  /** After the sync, re-read the destination and check it. */
  verify: boolean
  /** Cap block data at this many bytes per second. */
  bwlimit: number | undefined
  /** Folder for job state (default: defaultStateDir()). */
  stateDir: string | undefined
  /** Snapshot the source (reflink) and read only what changed since the pair's last sync (agent/track). */
  trackChanges: boolean
  /**
   * --changed-ranges, as read (agent/track/ranges-input.ts): the source's byte
   * ranges that may have changed since the pair's last sync; kept in the job,
   * as stdin cannot be read twice.
   */
  changedRanges: Range[] | undefined
  /** A destination block device counts as untouched since the pair's last sync: the operator's promise. */
  trustDestination: boolean
  /** A new destination file takes the source's permission bits (else 0600), like cp -p. */
  perms: boolean
  /** A new destination file takes the source's owner and group (when the writing end runs as root). */
  owner: boolean
  /** A destination file takes the source's mtime when the sync ends. */
  times: boolean
  json: boolean
  quiet: boolean
  /** -P/--progress: the progress bar even when stderr is not a terminal. */
  progress: boolean
  /** -v: say what happens (connecting, each file, its range). */
  verbose: boolean
  /** --stats: every figure of the run in the text summary. */
  stats: boolean
}

/** --timeout's default: the agent's own --idle-timeout, so both ends of a cut cable give up alike. */
export const DEFAULT_TIMEOUT_MS = 120_000
/** The shortest --timeout other than 0: several of the agent's heartbeats (HEARTBEAT_MS) must fit in it. */
export const MIN_TIMEOUT_MS = 2000

/** The one table of defaults. */
export const DEFAULTS: Readonly<RunOptions> = Object.freeze({
  blockSize: DEFAULT_BLOCK,
  dryRun: false,
  force: false,
  ssh: 'ssh',
  remoteBin: 'blockpair',
  sshTimeout: 20,
  timeoutMs: DEFAULT_TIMEOUT_MS,
  streams: 1,
  pskFile: undefined,
  identity: undefined,
  verify: false,
  bwlimit: undefined,
  stateDir: undefined,
  trackChanges: false,
  changedRanges: undefined,
  trustDestination: false,
  perms: true,
  owner: true,
  times: true,
  json: false,
  quiet: false,
  progress: false,
  verbose: false,
  stats: false,
})

/** The options a job file keeps: how to reconnect and what to do, as first given. */
export const JOB_KEYS = ['pskFile', 'identity', 'blockSize', 'force', 'ssh', 'remoteBin', 'timeoutMs', 'verify', 'bwlimit', 'streams', 'trackChanges', 'changedRanges', 'trustDestination', 'perms', 'owner', 'times'] as const

export type JobOptions = Partial<Pick<RunOptions, (typeof JOB_KEYS)[number]>>

/** Fill in the defaults and check every value. Keys given as undefined take their default. */
export function runOptions(given: Partial<RunOptions>): RunOptions {
  const o: RunOptions = {...DEFAULTS}
  for (const [k, v] of Object.entries(given)) if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v
  checkOptions(o)
  return o
}

function checkOptions(o: RunOptions): void {
  const bad = validateBlockSize(o.blockSize)
  if (bad) throw new UsageError('E_BLOCK_SIZE', bad)
  checkStreams(o.streams, String(o.streams))
  if (o.timeoutMs !== 0 && !(o.timeoutMs >= MIN_TIMEOUT_MS)) throw new UsageError('E_DURATION', `--timeout must be 0 (never) or at least ${MIN_TIMEOUT_MS / 1000}s`)
  if (o.bwlimit !== undefined && o.bwlimit < 1024) throw new BlockpairError('E_BWLIMIT', EXIT.USAGE, '--bwlimit must be at least 1K (bytes per second), or 0 for no limit')
  if (o.changedRanges && (o.trackChanges || o.streams > 1)) {
    throw new UsageError('E_RANGES_CONFLICT', `--changed-ranges does not go with ${o.trackChanges ? '--track-changes (one says what changed, the other finds it)' : '--streams (no stream is the whole sync)'}`)
  }
}

/** --streams as typed: a whole number from 1 to MAX_STREAMS. */
export function parseStreams(text: string): number {
  const n = /^[0-9]+$/.test(text) ? Number(text) : NaN
  checkStreams(n, text)
  return n
}

function checkStreams(n: number, text: string): void {
  if (!(Number.isInteger(n) && n >= 1 && n <= MAX_STREAMS)) {
    throw new UsageError('E_STREAMS', `--streams must be a whole number from 1 to ${MAX_STREAMS}, not '${text}'`)
  }
}

/** The part of `o` a job keeps. */
export function jobOptions(o: RunOptions): JobOptions {
  return Object.fromEntries(JOB_KEYS.map(k => [k, o[k]])) as JobOptions
}
