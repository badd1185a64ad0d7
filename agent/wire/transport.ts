// The only module that knows about TLS and sockets. Everything above it gets
// a connected, authenticated duplex stream.
//
// TLS 1.3 with an external pre-shared key: no certificates, and X25519 key
// exchange on top of the PSK, so recorded traffic stays secret even if a key
// leaks later. There is no plaintext mode.

import {constants} from 'node:crypto'
import net from 'node:net'
import tls from 'node:tls'
import {ConnectError} from '../errors.js'
import type {KeyRing} from './keys.js'

const CIPHERS = 'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256'
/** A TLS handshake must finish this soon after the TCP connection, however slowly bytes trickle in. */
export const HANDSHAKE_MS = 5000
/**
 * TCP keepalive on every session's socket: with nothing in flight, a peer
 * behind a cut cable is never heard from again, and without probes the
 * socket would stay open forever (the channel's silence clock is the sooner
 * guard; this one also frees sockets nobody watches).
 */
export const TCP_KEEPALIVE_MS = 15_000
/** Connections open at once (sessions and handshakes); more are dropped unanswered. */
export const MAX_CONNECTIONS = 64

export interface Endpoint {
  host: string
  port: number
}

export interface ListenOptions extends Endpoint {
  keys: KeyRing
  onSession: (socket: tls.TLSSocket, identity: string) => void
  /** A connection that failed before a session began: wrong key, plaintext, timeout, too many. */
  onRefused?: (refusal: Refusal) => void
  /** Default HANDSHAKE_MS. */
  handshakeMs?: number
  /** Default MAX_CONNECTIONS. */
  maxConnections?: number
}

export interface Refusal {
  peer: string
  /** What the peer did, in words, for the log. */
  reason: string
  /** E_AUTH (no or wrong key), E_NOT_TLS, E_TLS_VERSION, E_HANDSHAKE_TIMEOUT, E_TOO_MANY_CONNECTIONS, E_HANDSHAKE. */
  code: string
  /** The key identity the peer offered, if any (printable, at most 64 characters). */
  identity?: string
}

export async function listen(opts: ListenOptions): Promise<{server: tls.Server; address: Endpoint}> {
  const identities = new WeakMap<tls.TLSSocket, string>()
  const unknown = new WeakMap<tls.TLSSocket, string>()
  const server = tls.createServer({
    ciphers: CIPHERS,
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
    handshakeTimeout: opts.handshakeMs ?? HANDSHAKE_MS,
    // No session tickets: a resumed session skips the PSK callback, so a
    // ticket would let a peer back in without its key (after it was revoked,
    // or under no identity at all). Every session proves the key afresh.
    secureOptions: constants.SSL_OP_NO_TICKET,
    pskCallback(socket, identity) {
      const key = opts.keys.find(identity)
      if (key) identities.set(socket, identity)
      else unknown.set(socket, printable(identity))
      return key
    },
  }, socket => {
    const identity = identities.get(socket)
    if (identity === undefined) {
      // Cannot happen without tickets; never serve a session with no key behind it.
      opts.onRefused?.({peer: peerOf(socket), reason: 'TLS session without a pre-shared key', code: 'E_AUTH'})
      socket.destroy()
      return
    }
    socket.setNoDelay(true)
    socket.setKeepAlive(true, TCP_KEEPALIVE_MS)
    opts.onSession(socket, identity)
  })
  server.maxConnections = opts.maxConnections ?? MAX_CONNECTIONS
  // The peer's address, noted while the TCP socket is fresh: a TLS socket
  // that failed has often been destroyed, and forgotten it, by the time
  // tlsClientError reports it.
  const peers = new WeakMap<net.Socket, string>()
  server.on('connection', (raw: net.Socket) => peers.set(raw, peerOf(raw)))
  const peerOfFailed = (socket: tls.TLSSocket): string => {
    const raw = (socket as tls.TLSSocket & {_parent?: net.Socket})._parent
    return (raw && peers.get(raw)) ?? peerOf(socket)
  }
  server.on('drop', (data?: {remoteAddress?: string; remotePort?: number}) => {
    opts.onRefused?.({peer: `${data?.remoteAddress ?? '?'}:${data?.remotePort ?? '?'}`, reason: `too many connections at once (${server.maxConnections})`, code: 'E_TOO_MANY_CONNECTIONS'})
  })
  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket) => {
    const stranger = unknown.get(socket)
    const identity = stranger ?? identities.get(socket)
    opts.onRefused?.({peer: peerOfFailed(socket), ...describeRefusal(err, identity, stranger !== undefined), ...(identity === undefined ? {} : {identity})})
    socket.destroy()
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(new ConnectError('E_LISTEN', `cannot listen on ${opts.host}:${opts.port}: ${err.code ?? err.message}`, {cause: err}))
    })
    server.listen(opts.port, opts.host, () => resolve())
  })
  const a = server.address() as net.AddressInfo
  return {server, address: {host: a.address, port: a.port}}
}

export async function connect(to: Endpoint, identity: string, key: Buffer): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: to.host,
      port: to.port,
      ciphers: CIPHERS,
      minVersion: 'TLSv1.3',
      maxVersion: 'TLSv1.3',
      checkServerIdentity: () => undefined,
      pskCallback: () => ({psk: key, identity}),
    })
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new ConnectError('E_CONNECT_TIMEOUT', `no TLS handshake with ${to.host}:${to.port} within ${HANDSHAKE_MS / 1000} s; is a blockpair agent listening there?`))
    }, HANDSHAKE_MS * 2)
    socket.once('secureConnect', () => {
      clearTimeout(timer)
      socket.setNoDelay(true)
      socket.setKeepAlive(true, TCP_KEEPALIVE_MS)
      socket.removeAllListeners('error')
      resolve(socket)
    })
    socket.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      reject(connectError(err, to, identity))
    })
  })
}

function connectError(err: NodeJS.ErrnoException, to: Endpoint, identity: string): ConnectError {
  const where = `${to.host}:${to.port}`
  switch (err.code) {
    case 'ECONNREFUSED':
      return new ConnectError('E_CONNECT_REFUSED', `cannot connect to ${where}: connection refused; is the blockpair agent running and listening there?`, {cause: err})
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConnectError('E_CONNECT_HOST', `cannot resolve host '${to.host}'; check the name`, {cause: err})
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new ConnectError('E_CONNECT_UNREACHABLE', `cannot reach ${where} (${err.code}); check the address and any firewall`, {cause: err})
  }
  // An agent that refuses a key says so with a TLS alert. One at its
  // connection cap drops the TCP connection unanswered, before any TLS byte:
  // that is "busy", and calling it a wrong key sends the operator to check a
  // key that is fine (issue 14, item 3).
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || /socket hang up|disconnected before secure TLS/i.test(err.message)) {
    return new ConnectError('E_AGENT_BUSY', `the agent at ${where} closed the connection before the TLS handshake: it is at its connection limit (too many connections at once; try again shortly, and see its log) or it is not a blockpair agent`, {cause: err})
  }
  if (err.code?.startsWith('ERR_SSL') || /alert|handshake/i.test(`${err.code} ${err.message}`)) {
    return new ConnectError('E_AUTH', `the agent at ${where} refused our key (identity '${identity}'); both ends must use the same key file (see 'blockpair keygen')`, {cause: err})
  }
  return new ConnectError('E_CONNECT', `cannot connect to ${where}: ${err.code ?? err.message}`, {cause: err})
}

function peerOf(socket: net.Socket): string {
  return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`
}

/** A peer-chosen identity, safe to log. */
function printable(identity: string): string {
  return identity.slice(0, 64).replace(/[^\x20-\x7e]/g, '?')
}

/** Why a handshake failed, in the words an operator reading the log needs. */
export function describeRefusal(err: NodeJS.ErrnoException, identity?: string, unknownIdentity = false): {reason: string; code: string} {
  if (unknownIdentity) return {reason: `unknown key identity '${identity ?? ''}'`, code: 'E_AUTH'}
  switch (err.code) {
    case 'ERR_TLS_HANDSHAKE_TIMEOUT':
      return {reason: 'the TLS handshake did not finish in time', code: 'E_HANDSHAKE_TIMEOUT'}
    case 'ERR_SSL_BINDER_DOES_NOT_VERIFY':
      return {reason: `wrong key for identity '${identity ?? '?'}'`, code: 'E_AUTH'}
    case 'ERR_SSL_NO_SUITABLE_SIGNATURE_ALGORITHM':
    case 'ERR_SSL_NO_SHARED_CIPHER':
      return {reason: 'the client offered no pre-shared key (a certificate or plain TLS client?)', code: 'E_AUTH'}
    case 'ERR_SSL_UNSUPPORTED_PROTOCOL':
    case 'ERR_SSL_VERSION_TOO_LOW':
      return {reason: 'the client offered only TLS 1.2 or older; the agent speaks TLS 1.3 only', code: 'E_TLS_VERSION'}
    case 'ERR_SSL_HTTP_REQUEST':
      return {reason: 'an HTTP request, not TLS', code: 'E_NOT_TLS'}
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
    case 'ERR_SSL_RECORD_LENGTH_MISMATCH':
      return {reason: 'not TLS (plaintext or garbage)', code: 'E_NOT_TLS'}
    case 'ECONNRESET':
    case 'EPIPE':
      return {reason: 'the client went away during the TLS handshake', code: 'E_HANDSHAKE'}
  }
  return {reason: `TLS handshake failed: ${err.code ?? err.message.slice(0, 200)}`, code: 'E_HANDSHAKE'}
}
