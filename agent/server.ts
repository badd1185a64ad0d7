// The agent service: accepts TLS-PSK connections and serves each one as the
// responder of a session. Policy (--allow folders, one writer per target,
// a cap on sessions) is enforced here and in the session; the sync itself is
// the engine's.

import type tls from 'node:tls'
import {Channel} from './channel.js'
import {BlockpairError} from './errors.js'
import type {KeyRing} from './keys.js'
import {TargetLocks} from './policy.js'
import {respond, type SessionRecord} from './session.js'
import {listen, type Endpoint} from './transport.js'

export interface AgentOptions {
  host: string
  port: number
  keys: KeyRing
  allow: readonly string[]
  /** Serve one session, then stop. */
  once?: boolean
  maxSessions?: number
  /** Drop a session that sends nothing for this long. */
  idleMs?: number
  log?: (entry: LogEntry) => void
}

export interface LogEntry {
  event: 'session' | 'refused'
  peer: string
  identity?: string
  path?: string | null
  role?: string | null
  bytesSent?: number
  bytesWritten?: number
  result: string
  code?: string
  durationMs?: number
}

export interface RunningAgent {
  address: Endpoint
  /** Resolves when the agent has stopped (after its one session with --once). */
  done: Promise<void>
  close(): Promise<void>
}

export async function startAgent(opts: AgentOptions): Promise<RunningAgent> {
  const locks = new TargetLocks()
  const maxSessions = opts.maxSessions ?? 8
  const idleMs = opts.idleMs ?? 120_000
  const log = opts.log ?? (() => {})
  const sessions = new Set<tls.TLSSocket>()
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
      log({event: 'refused', peer, identity, result: 'too many sessions', code: 'E_BUSY'})
      const ch = new Channel(socket)
      ch.abort(new BlockpairError('E_BUSY', 7, `the agent already serves ${maxSessions} sessions; try again later`))
      return
    }
    sessions.add(socket)
    socket.setTimeout(idleMs, () => socket.destroy())
    const began = Date.now()
    const record: SessionRecord = {path: null, role: null, bytesSent: 0, bytesWritten: 0}
    const ch = new Channel(socket)
    let result = 'ok'
    let code: string | undefined
    try {
      await respond(ch, {allow: opts.allow, locks}, record)
    } catch (err) {
      const e = err as BlockpairError
      result = e.message
      code = e.code ?? 'E_INTERNAL'
    } finally {
      sessions.delete(socket)
      socket.destroy()
    }
    log({event: 'session', peer, identity, path: record.path, role: record.role, bytesSent: record.bytesSent,
      bytesWritten: record.bytesWritten, result, code, durationMs: Date.now() - began})
    if (opts.once) await stop()
  }

  const {server, address} = await listen({
    host: opts.host,
    port: opts.port,
    keys: opts.keys,
    onSession: (socket, identity) => {
      if (opts.once && sessions.size > 0) {
        socket.destroy()
        return
      }
      void serve(socket, identity)
    },
    onRefused: (peer, reason) => log({event: 'refused', peer, result: reason, code: 'E_AUTH'}),
  })
  return {address, done, close: stop}
}
