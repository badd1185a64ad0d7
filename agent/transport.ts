// The only module that knows about TLS and sockets. Everything above it gets
// a connected, authenticated duplex stream.
//
// TLS 1.3 with an external pre-shared key: no certificates, and X25519 key
// exchange on top of the PSK, so recorded traffic stays secret even if a key
// leaks later. There is no plaintext mode.

import net from 'node:net'
import tls from 'node:tls'
import {ConnectError} from './errors.js'
import type {KeyRing} from './keys.js'

const CIPHERS = 'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256'
const HANDSHAKE_MS = 5000

export interface Endpoint {
  host: string
  port: number
}

export interface ListenOptions extends Endpoint {
  keys: KeyRing
  onSession: (socket: tls.TLSSocket, identity: string) => void
  /** A connection that failed before a session began: wrong key, plaintext, timeout. */
  onRefused?: (peer: string, reason: string) => void
}

export async function listen(opts: ListenOptions): Promise<{server: tls.Server; address: Endpoint}> {
  const identities = new WeakMap<tls.TLSSocket, string>()
  const server = tls.createServer({
    ciphers: CIPHERS,
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
    handshakeTimeout: HANDSHAKE_MS,
    pskCallback(socket, identity) {
      const key = opts.keys.find(identity)
      if (key) identities.set(socket, identity)
      else opts.onRefused?.(peerOf(socket), `unknown key identity '${identity.slice(0, 64)}'`)
      return key
    },
  }, socket => {
    socket.setNoDelay(true)
    opts.onSession(socket, identities.get(socket) ?? '?')
  })
  server.on('tlsClientError', (err: NodeJS.ErrnoException, socket) => {
    opts.onRefused?.(peerOf(socket), err.code ?? err.message)
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
  if (err.code?.startsWith('ERR_SSL') || /alert|handshake|ECONNRESET|socket hang up/i.test(`${err.code} ${err.message}`)) {
    return new ConnectError('E_AUTH', `the agent at ${where} refused our key (identity '${identity}'); both ends must use the same key file (see 'blockpair keygen')`, {cause: err})
  }
  return new ConnectError('E_CONNECT', `cannot connect to ${where}: ${err.code ?? err.message}`, {cause: err})
}

function peerOf(socket: net.Socket): string {
  return `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`
}
