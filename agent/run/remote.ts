// Reaching the remote end of a run, once for all its files:
//
//   agent://HOST:PORT   a running agent, with the key file of --psk-file
//   [USER@]HOST         N agents started over ssh (one per stream), each
//                       handed a fresh key on ssh's stdin, allowed the folders
//                       of the run's remote files only, serving one session
//                       per file and exiting after the last (or when ssh ends)
//
// No data passes through ssh. When a session is cut because ssh went away,
// explain() turns the lost connection into E_SSH_DROPPED, which says so.

import {randomBytes} from 'node:crypto'
import path from 'node:path'
import {InterruptedError, UsageError} from '../errors.js'
import {KeyRing, readKeyFile, type Key} from '../wire/keys.js'
import type {Endpoint} from '../wire/transport.js'
import type {RunOptions} from './options.js'
import type {RunPlan} from './plan.js'
import {startRemoteAgent, type RemoteAgent} from './ssh.js'

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
  /** Give up on a session when the agent is silent this long (--timeout; 0: never). */
  silenceMs: number
}

export async function openRemote(plan: RunPlan, o: RunOptions): Promise<Remote> {
  const r = plan.remote
  if (r.kind === 'agent') {
    if (!o.pskFile) throw new UsageError('E_NO_KEY', 'agent:// addresses need --psk-file (the key file the agent was started with)')
    return {
      endpoints: new Array<Endpoint>(o.streams).fill({host: r.host, port: r.port}),
      keys: readKeyFile(o.pskFile),
      identity: o.identity,
      explain: async err => err,
      close: async () => {},
      silenceMs: o.timeoutMs,
    }
  }
  // Over ssh: a fresh key for this run only.
  const key = {identity: 'blockpair', key: randomBytes(32)}
  const agents = await startAgents(plan, o, r.target, key)
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
    silenceMs: o.timeoutMs,
  }
}

/**
 * With --streams N, N agents (N ssh connections): each stream's TLS and disk
 * work then runs in its own process, on its own core, at that end. If one
 * fails to start, the others are let go.
 */
async function startAgents(plan: RunPlan, o: RunOptions, target: string, key: Key): Promise<RemoteAgent[]> {
  const started = await Promise.allSettled(Array.from({length: o.streams}, () => startRemoteAgent({
    target,
    ssh: o.ssh,
    remoteBin: o.remoteBin,
    psk: key.key,
    identity: key.identity,
    allow: [...new Set(plan.files.map(f => path.posix.dirname(f.remote)))],
    // The user named these paths: if one is a block device, the agent may open it
    // (an --allow folder never grants a device). For a file this changes nothing.
    allowDevices: plan.files.map(f => f.remote),
    sessions: plan.files.length,
    timeoutMs: o.sshTimeout * 1000,
    // The agent gives up on a silent client as soon as we give up on it, so
    // its end of a cut cable lets go of the target before our resume comes.
    extraArgs: o.timeoutMs > 0 ? ['--idle-timeout', `${o.timeoutMs}ms`] : [],
  })))
  const agents = started.flatMap(a => (a.status === 'fulfilled' ? [a.value] : []))
  const failed = started.find(a => a.status === 'rejected')
  if (failed) {
    await Promise.all(agents.map(a => a.close()))
    throw (failed as PromiseRejectedResult).reason
  }
  return agents
}

/** Failures with a reason of their own: ssh ending after them is their consequence (a silent link cut ssh too). */
const STOPPED = new Set(['E_SIGNAL', 'E_AGENT_STOPPED', 'E_PEER_SILENT'])

/**
 * A session cut because ssh went away (the agent exits on EOF) shows up here as
 * a lost connection; say what really happened. ssh's exit can be noticed a
 * moment after the socket closes, so wait for it briefly.
 */
async function explainSshDrop(err: unknown, agent: RemoteAgent, host: string): Promise<unknown> {
  // A stop signal at either end, or a silent link, has its own reason; ssh ending after it is its consequence.
  if (!(err instanceof InterruptedError) || STOPPED.has(err.code)) return err
  const exit = await Promise.race([agent.exited, new Promise<null>(r => setTimeout(() => r(null), 1000).unref())])
  if (!exit) return err
  const how = exit.signal ? `ssh was ended by ${exit.signal}` : `ssh exited with code ${exit.code}`
  const lines = agent.stderrTail().split('\n').map(l => l.trim()).filter(Boolean)
  const last = lines[lines.length - 1]
  return new InterruptedError('E_SSH_DROPPED',
    `the ssh connection to ${host} ended during the sync (${how}${last ? `; ssh: ${last}` : ''}), so the agent there stopped; ` +
    'run the same command again to finish', {cause: err})
}
