// Helpers for the hostile-input tests and the fuzzers: a real agent process
// (its pid, for liveness and memory), key files, a raw session that speaks
// frames by hand over the real transport, and a fingerprint of a folder tree
// to prove nothing outside the target changed.
//
//   const keys = writeKeys(dir, ['hv1', 'hv2'])
//   const agent = await spawnAgent(t, {keyFile: keys.path, allow: [allowed]})
//   const raw = await rawSession(agent, keys.keys[0])    // TLS + Hello done
//   raw.socket.write(encodeFrame('open', {...}))
//   agent.alive(), agent.rssKiB(), agent.stderr()

import {execFileSync} from 'node:child_process'
import {createHash, randomBytes} from 'node:crypto'
import {readdirSync, readFileSync, lstatSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import type tls from 'node:tls'
import type {Test} from 'tap'
import {formatKey, type Key} from '../../agent/wire/keys.js'
import {PROTOCOL_VERSION} from '../../agent/session/session.js'
import {connect} from '../../agent/wire/transport.js'
import {encodeFrame, FrameDecoder, type Frame} from '../../proto/codec.js'
import {REPO_ROOT, startAgent, type Agent} from './cli.js'

export interface KeyFile {
  path: string
  keys: Key[]
}

/** A 0600 key file with one random key per identity. */
export function writeKeys(dir: string, identities: string[] = ['blockpair'], name = 'psk'): KeyFile {
  const keys = identities.map(identity => ({identity, key: randomBytes(32)}))
  const file = path.join(dir, name)
  writeFileSync(file, keys.map(formatKey).join(''), {mode: 0o600})
  return {path: file, keys}
}

export interface AgentProcess extends Agent {
  /** Resident memory from /proc/PID/status, in KiB (0 if gone). */
  rssKiB(): number
}

export interface SpawnOptions {
  keyFile: string
  allow?: string[]
  devices?: string[]
  extra?: string[]
}

/** `blockpair agent --json --listen 127.0.0.1:0 ...` as a child process; stopped in t.teardown. */
export async function spawnAgent(t: Test, opts: SpawnOptions): Promise<AgentProcess> {
  const extra = ['--json', ...(opts.devices ?? []).flatMap(d => ['--allow-device', d]), ...(opts.extra ?? [])]
  const agent = await startAgent(t, {allow: opts.allow ?? [], keyFile: opts.keyFile, extra})
  return {
    ...agent,
    rssKiB: () => {
      try {
        return Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${agent.pid}/status`, 'utf8'))?.[1] ?? 0)
      } catch {
        return 0
      }
    },
  }
}

/** Resolves once `cond()` holds, or rejects after `ms` (a bound so a broken peer fails the test; loaded machines are slow, so it is generous). */
export async function until(cond: () => boolean, ms = 60_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
}

export interface RawSession {
  socket: tls.TLSSocket
  /** Frames the agent sent so far (its Hello first). */
  frames: Frame[]
  /** Resolves when the agent closed the connection; with the Error frame it sent, if any. */
  closed: Promise<Frame | null>
  send(bytes: Buffer): boolean
  /** The next frame from the agent (gives up after `ms`, a generous bound for loaded machines). */
  next(ms?: number): Promise<Frame>
  destroy(): void
}

export function helloFrame(): Buffer {
  return encodeFrame('hello', {version: PROTOCOL_VERSION, initiator: true, capabilities: ['sparse', 'refine4k'], hashAlgorithm: 'xxh3-128', seed: randomBytes(8), software: 'blockpair-test'})
}

/**
 * A TLS session with the agent through the real transport, speaking frames by
 * hand. With `hello` (default) our Hello is sent and the agent's awaited.
 */
export async function rawSession(to: {host: string; port: number}, key: Key, opts: {hello?: boolean} = {}): Promise<RawSession> {
  const socket = await connect(to, key.identity, key.key)
  const frames: Frame[] = []
  let failed: Frame | null = null
  const waiters: Array<() => void> = []
  const decoder = new FrameDecoder({
    onFrame: f => {
      // The agent's heartbeat while it is busy: a Channel drops these too.
      if (f.kind === 'keepalive') return
      frames.push(f)
      if (f.kind === 'error') failed = f
      for (const w of waiters.splice(0)) w()
    },
    onError: () => {},
  })
  socket.on('data', (c: Buffer) => decoder.push(c))
  socket.on('error', () => {})
  const closed = new Promise<Frame | null>(resolve => socket.once('close', () => {
    for (const w of waiters.splice(0)) w()
    resolve(failed)
  }))
  let taken = 0
  const raw: RawSession = {
    socket, frames, closed,
    send: bytes => socket.destroyed ? false : socket.write(bytes),
    async next(ms = 60_000) {
      const end = Date.now() + ms
      while (taken >= frames.length) {
        if (socket.destroyed || Date.now() > end) throw new Error(`no frame from the agent (closed: ${socket.destroyed})`)
        await new Promise<void>(resolve => {
          waiters.push(resolve)
          setTimeout(resolve, 50)
        })
      }
      return frames[taken++] as Frame
    },
    destroy: () => socket.destroy(),
  }
  if (opts.hello ?? true) {
    raw.send(helloFrame())
    const h = await raw.next()
    if (h.kind !== 'hello') throw new Error(`expected the agent's hello, got ${h.kind}`)
  }
  return raw
}

/** Every entry under `dir` with its type, mode, size and content hash: equal fingerprints, nothing changed. */
export function fingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = path.join(d, name)
      const st = lstatSync(p)
      const rel = path.relative(dir, p)
      if (st.isDirectory()) {
        out[rel] = `dir ${st.mode.toString(8)}`
        walk(p)
      } else if (st.isFile()) {
        out[rel] = `file ${st.mode.toString(8)} ${st.size} ${st.mtimeMs} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`
      } else {
        out[rel] = `other ${st.mode.toString(8)} ${st.size}`
      }
    }
  }
  walk(dir)
  return out
}

/** A throwaway self-signed certificate (certs/make-cert.sh), or null without openssl. */
export function selfSignedCert(dir: string): {cert: Buffer; key: Buffer} | null {
  try {
    execFileSync('bash', [path.join(REPO_ROOT, 'certs', 'make-cert.sh'), dir], {stdio: 'ignore'})
  } catch {
    return null
  }
  return {cert: readFileSync(path.join(dir, 'cert.pem')), key: readFileSync(path.join(dir, 'key.pem'))}
}
