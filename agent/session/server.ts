// The agent service: accepts TLS-PSK connections and serves each one as the
// responder of a session. Policy (--allow folders, one writer per target,
// a cap on sessions) is enforced here and in the session; the sync itself is
// the engine's.

import type tls from 'node:tls'
import {Channel} from '../wire/channel.js'
import {BlockpairError, EXIT, InterruptedError, UsageError} from '../errors.js'
import type {KeyRing} from '../wire/keys.js'
import {TargetLocks, type Locks} from './policy.js'
import {respond, type ResponderOptions, type SessionRecord} from './session.js'
import {listen, type Endpoint} from '../wire/transport.js'

export interface AgentOptions {
  host: string
  port: number
  keys: KeyRing
  allow: readonly string[]
  /** Block devices that may be opened, by exact path; no other device is ever opened. */
  allowDevices?: readonly string[]
  /** Serve one session, then stop. */
  once?: boolean
  /** Serve this many sessions (one after another), then stop; `once` is 1. */
  sessions?: number
  maxSessions?: number
  /** Drop a session that sends nothing for this long. */
  idleMs?: number
  /** Drop a connection whose TLS handshake takes longer (transport's HANDSHAKE_MS). */
  handshakeMs?: number
  /** Connections open at once, handshakes included (transport's MAX_CONNECTIONS). */
  maxConnections?: number
  log?: (entry: LogEntry) => void
  /** Who may write a target; default: locks of this process alone. A worker of several uses its primary's (agent/session/workers.ts). */
  locks?: Locks
}

export interface LogEntry {
  event: 'session' | 'refused'
  peer: string
  identity?: string
  path?: string | null
  role?: string | null
  bytesSent?: number
  bytesWritten?: number
  /** TLS application bytes both ways, framing included. */
  bytesOnWire?: number
  /** 'ok', or why the session ended or the connection was refused. Never holds key material. */
  result: string
  code?: string
  /** The exit code the failure maps to (DESIGN.md), for refusals by policy (7) and the like. */
  exit?: number
  durationMs?: number
}

/** Peer-supplied text (paths, error messages) is cut short before it reaches the log. */
const LOG_TEXT = 512

function clip(text: string): string {
  return text.length > LOG_TEXT ? `${text.slice(0, LOG_TEXT)}...` : text
}

export interface RunningAgent {
  address: Endpoint
  /** Resolves when the agent has stopped (after its one session with --once). */
  done: Promise<void>
  /** Refuse new connections; resolves when the sessions in progress have ended. */
  close(): Promise<void>
  /**
   * Refuse new connections and cut the sessions in progress: the ssh
   * connection that started us is gone, or (with `why`, told to each peer in
   * an Error frame) the agent was told to stop. Cut sessions are resumable.
   */
  abort(why?: BlockpairError): Promise<void>
}

/** What startAgent refuses before it listens; also checked once by a primary before it starts workers. */
export function checkAgentOptions(opts: Pick<AgentOptions, 'allow' | 'allowDevices'>): void {
  if (opts.allow.length === 0 && (opts.allowDevices ?? []).length === 0) {
    throw new UsageError('E_NO_ALLOW', 'the agent needs at least one --allow folder or --allow-device; it opens nothing else')
  }
}

/** One session on `ch`, from its first frame to the line the agent logs for it. */
async function runSession(ch: Channel, peer: string, identity: string, idleMs: number,
  policy: ResponderOptions): Promise<LogEntry> {
  const began = Date.now()
  const record: SessionRecord = {path: null, role: null, bytesSent: 0, bytesWritten: 0}
  ch.frameDeadline(idleMs)
  // Idle is what we hear, not what we send: our own heartbeat would keep a
  // socket timeout from ever firing. The heartbeat tells the client we are
  // alive while we are busy (a long fdatasync, a re-read, a snapshot, a lock wait).
  ch.heartbeat()
  ch.silenceDeadline(idleMs, () => new InterruptedError('E_IDLE_TIMEOUT', `the session was idle for ${Math.round(idleMs / 1000)} s and was dropped; resume it`))
  let result = 'ok'
  let code: string | undefined
  let exit: number | undefined
  try {
    await respond(ch, policy, record)
  } catch (err) {
    const e = err as BlockpairError
    result = clip(String(e?.message))
    code = e?.code ?? 'E_INTERNAL'
    exit = e instanceof BlockpairError ? e.exit : EXIT.PROTOCOL
    // A bug, not the peer: still tell it why before closing.
    if (!(e instanceof BlockpairError) && !ch.failure) ch.abort(new BlockpairError('E_INTERNAL', EXIT.PROTOCOL, 'the agent failed; see its log'))
  } finally {
    // Let an Error frame already written leave before the socket goes.
    void ch.shutdown()
  }
  return {event: 'session', peer, identity, path: record.path === null ? null : clip(record.path), role: record.role, bytesSent: record.bytesSent,
    bytesWritten: record.bytesWritten, bytesOnWire: ch.bytesIn + ch.bytesOut, result, code, exit, durationMs: Date.now() - began}
}

export async function startAgent(opts: AgentOptions): Promise<RunningAgent> {
  checkAgentOptions(opts)
  const locks = opts.locks ?? new TargetLocks()
  const maxSessions = opts.maxSessions ?? 8
  const idleMs = opts.idleMs ?? 120_000
  const log = opts.log ?? (() => {})
  const sessions = new Map<tls.TLSSocket, Channel>()
  const serving = new Set<Promise<void>>()
  const limit = opts.sessions ?? (opts.once ? 1 : Infinity)
  let served = 0
  let ended = 0
  let stopped = false
  let resolveDone: () => void = () => {}
  const done = new Promise<void>(resolve => { resolveDone = resolve })

  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    await new Promise<void>(resolve => server.close(() => resolve()))
    resolveDone()
  }

  const serve = async (socket: tls.TLSSocket, identity: string): Promise<void> => {
    const peer = `${socket.remoteAddress}:${socket.remotePort}`
    if (sessions.size >= maxSessions) {
      log({event: 'refused', peer, identity, result: `too many sessions (--max-sessions ${maxSessions})`, code: 'E_BUSY', exit: EXIT.POLICY})
      const ch = new Channel(socket)
      ch.abort(new BlockpairError('E_BUSY', EXIT.POLICY, `the agent already serves ${maxSessions} sessions; try again later`))
      return
    }
    served++
    const ch = new Channel(socket)
    sessions.set(socket, ch)
    let entry: LogEntry
    try {
      entry = await runSession(ch, peer, identity, idleMs, {allow: opts.allow, allowDevices: opts.allowDevices, locks})
    } finally {
      sessions.delete(socket)
    }
    log(entry)
    if (++ended >= limit) await stop()
  }

  const abort = async (why?: BlockpairError): Promise<void> => {
    const told: Array<Promise<void>> = []
    for (const [socket, ch] of sessions) {
      if (!why) socket.destroy()
      else {
        ch.abort(why)
        // The Error frame must leave before the process exits.
        told.push(ch.shutdown())
      }
    }
    // Let the cut sessions close their files and log, briefly.
    await Promise.race([Promise.allSettled([...serving, ...told]), new Promise(r => setTimeout(r, 2000).unref())])
    await stop()
  }

  const {server, address} = await listen({
    host: opts.host,
    port: opts.port,
    keys: opts.keys,
    handshakeMs: opts.handshakeMs,
    maxConnections: opts.maxConnections,
    onSession: (socket, identity) => {
      if (stopped || served >= limit) {
        log({event: 'refused', peer: `${socket.remoteAddress}:${socket.remotePort}`, identity, result: 'the agent has served its sessions and is stopping', code: 'E_BUSY', exit: EXIT.POLICY})
        socket.destroy()
        return
      }
      const p = serve(socket, identity)
      serving.add(p)
      void p.finally(() => serving.delete(p))
    },
    onRefused: r => log({event: 'refused', peer: r.peer, identity: r.identity, result: r.reason, code: r.code}),
  })
  return {address, done, close: stop, abort}
}
