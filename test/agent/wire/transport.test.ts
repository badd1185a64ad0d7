// The TLS-PSK transport against clients that should not get in: no key, the
// wrong key, a certificate, TLS 1.2, plaintext, HTTP, a handshake that never
// finishes (silent or one byte at a time), a resumed session without the
// key, too many connections. Each is refused once, with a reason and code.
import t, {type Test} from 'tap'
import {randomBytes} from 'node:crypto'
import {existsSync} from 'node:fs'
import net from 'node:net'
import tls from 'node:tls'
import {EXIT} from '../../../agent/errors.js'
import {KeyRing} from '../../../agent/wire/keys.js'
import {connect, listen, type Endpoint, type Refusal} from '../../../agent/wire/transport.js'
import {selfSignedCert, until} from '../../helpers/hostile.js'

const CIPHERS = 'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256'
const hv1 = {identity: 'hv1', key: randomBytes(32)}
const hv2 = {identity: 'hv2', key: randomBytes(32)}

interface Server {
  address: Endpoint
  refusals: Refusal[]
  sessions: Array<{socket: tls.TLSSocket; identity: string}>
  /** TCP connections the server holds now (the ones past its cap never count). */
  connections(): number
}

async function server(t: Test, opts: {handshakeMs?: number; maxConnections?: number} = {}): Promise<Server> {
  const refusals: Refusal[] = []
  const sessions: Server['sessions'] = []
  const {server, address} = await listen({
    host: '127.0.0.1', port: 0, keys: new KeyRing([hv1, hv2]), ...opts,
    onSession: (socket, identity) => {
      sessions.push({socket, identity})
      socket.on('error', () => {})
      socket.end('welcome')
    },
    onRefused: r => refusals.push(r),
  })
  let open = 0
  server.on('connection', (raw: net.Socket) => {
    open++
    raw.once('close', () => open--)
  })
  t.teardown(() => new Promise<void>(resolve => {
    for (const s of sessions) s.socket.destroy()
    server.close(() => resolve())
  }))
  return {address, refusals, sessions, connections: () => open}
}

/** A raw TCP client that writes `bytes`; resolves with what came back once the server closes. */
function rawTcp(to: Endpoint, bytes: Buffer): Promise<Buffer> {
  return new Promise(resolve => {
    const chunks: Buffer[] = []
    const c = net.connect(to.port, to.host, () => c.write(bytes))
    c.on('data', d => chunks.push(d))
    c.on('error', () => {})
    c.on('close', () => resolve(Buffer.concat(chunks)))
  })
}

/** A TLS client with arbitrary options; resolves with its error code, or 'connected'. */
function tlsClient(to: Endpoint, opts: tls.ConnectionOptions): Promise<string> {
  return new Promise(resolve => {
    const c = tls.connect({host: to.host, port: to.port, checkServerIdentity: () => undefined, rejectUnauthorized: false, ...opts})
    c.on('secureConnect', () => {
      c.destroy()
      resolve('connected')
    })
    c.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message))
  })
}

t.test('the right key gets in, under its identity', async t => {
  const s = await server(t)
  for (const k of [hv1, hv2]) {
    const socket = await connect(s.address, k.identity, k.key)
    t.equal(socket.getProtocol(), 'TLSv1.3')
    t.match(socket.getCipher().name, /^TLS_(AES_128_GCM_SHA256|CHACHA20_POLY1305_SHA256)$/)
    // TLS 1.3: the client is connected before the server has the client's Finished; wait for the server.
    t.equal(String(await new Promise(resolve => socket.once('data', resolve))), 'welcome')
    socket.destroy()
  }
  await until(() => s.sessions.length === 2)
  t.same(s.sessions.map(x => x.identity), ['hv1', 'hv2'])
  t.same(s.refusals, [])
})

t.test('every hostile client is refused once, with a reason', async t => {
  const s = await server(t)
  const cases: Array<[string, () => Promise<unknown>, Record<string, unknown>]> = [
    ['plaintext', () => rawTcp(s.address, Buffer.from('hello, agent\n')), {code: 'E_NOT_TLS'}],
    ['an HTTP request', () => rawTcp(s.address, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')), {code: 'E_NOT_TLS', reason: /HTTP/}],
    ['a wrong key', () => tlsClient(s.address, {ciphers: CIPHERS, minVersion: 'TLSv1.3', pskCallback: () => ({psk: randomBytes(32), identity: 'hv1'})}),
      {code: 'E_AUTH', identity: 'hv1', reason: /wrong key/}],
    ['an unknown identity', () => tlsClient(s.address, {ciphers: CIPHERS, minVersion: 'TLSv1.3', pskCallback: () => ({psk: hv1.key, identity: 'mallory\n\tx'})}),
      {code: 'E_AUTH', identity: 'mallory??x', reason: /unknown key identity 'mallory\?\?x'/}],
    ['TLS 1.2 with a PSK (downgrade)', () => tlsClient(s.address, {ciphers: 'PSK-AES128-GCM-SHA256', maxVersion: 'TLSv1.2', pskCallback: () => ({psk: hv1.key, identity: 'hv1'})}),
      {code: 'E_TLS_VERSION'}],
    ['TLS 1.2 without a key', () => tlsClient(s.address, {maxVersion: 'TLSv1.2'}), {code: 'E_TLS_VERSION'}],
    ['TLS 1.3 without a key', () => tlsClient(s.address, {minVersion: 'TLSv1.3'}), {code: 'E_AUTH'}],
  ]
  for (const [name, run, want] of cases) {
    const before = s.refusals.length
    await run()
    await until(() => s.refusals.length > before)
    await new Promise(resolve => setTimeout(resolve, 50))
    t.equal(s.refusals.length, before + 1, `${name}: one refusal`)
    t.match(s.refusals.at(-1), {peer: /^127\.0\.0\.1:\d+$/, ...want}, name)
  }
  t.same(s.sessions, [], 'no session began')
  const logged = JSON.stringify(s.refusals)
  for (const k of [hv1, hv2]) t.notOk(logged.includes(k.key.toString('hex')), 'no key in a refusal')
})

t.test('a client with a certificate instead of a key is refused', {skip: existsSync('/usr/bin/openssl') ? false : 'openssl is missing'}, async t => {
  const cert = selfSignedCert(t.testdir())
  if (!cert) throw new Error('certs/make-cert.sh failed')
  const s = await server(t)
  const code = await tlsClient(s.address, cert)
  t.not(code, 'connected')
  await until(() => s.refusals.length > 0)
  t.match(s.refusals, [{code: 'E_AUTH', reason: /no pre-shared key/}])
})

t.test('a handshake that does not finish in time is dropped, however slowly bytes come', async t => {
  const s = await server(t, {handshakeMs: 600})
  const silentClosed = new Promise<number>(resolve => {
    const began = Date.now()
    const c = net.connect(s.address.port, s.address.host)
    c.on('error', () => {})
    c.on('close', () => resolve(Date.now() - began))
  })
  // One byte of a ClientHello every 100 ms: each byte is activity, none extends the deadline.
  let dripped = 0
  const dripClosed = new Promise<number>(resolve => {
    const began = Date.now()
    const hello = Buffer.from('16030100c8010000c40303' + '00'.repeat(64), 'hex')
    const c = net.connect(s.address.port, s.address.host)
    const timer = setInterval(() => {
      if (dripped < hello.length && c.writable) c.write(hello.subarray(dripped, ++dripped))
    }, 100)
    c.on('error', () => {})
    c.on('close', () => {
      clearInterval(timer)
      resolve(Date.now() - began)
    })
  })
  const [silent, drip] = await Promise.all([silentClosed, dripClosed])
  t.ok(silent >= 500 && silent < 3000, `silent client dropped after ${silent} ms`)
  t.ok(drip >= 500 && drip < 3000, `dripping client dropped after ${drip} ms`)
  t.ok(dripped >= 4, `it had dripped ${dripped} bytes`)
  await until(() => s.refusals.length >= 2)
  t.match(s.refusals, [{code: 'E_HANDSHAKE_TIMEOUT'}, {code: 'E_HANDSHAKE_TIMEOUT'}])
})

t.test('no session tickets: a resumed session without the key is refused', async t => {
  const s = await server(t)
  let ticket: Buffer | undefined
  await new Promise<void>(resolve => {
    const c = tls.connect({host: s.address.host, port: s.address.port, ciphers: CIPHERS, minVersion: 'TLSv1.3', checkServerIdentity: () => undefined,
      pskCallback: () => ({psk: hv1.key, identity: 'hv1'})})
    c.on('session', (sess: Buffer) => { ticket = sess })
    c.on('data', () => {})
    c.on('error', () => {})
    c.on('close', () => resolve())
  })
  const code = await tlsClient(s.address, {ciphers: CIPHERS, minVersion: 'TLSv1.3', ...(ticket ? {session: ticket} : {})})
  t.not(code, 'connected', `resumption without the key fails (${code})`)
  await until(() => s.refusals.length > 0)
  t.equal(s.sessions.length, 1, 'only the session with the key')
})

t.test('connections past the cap are dropped and logged', async t => {
  const s = await server(t, {maxConnections: 2, handshakeMs: 2000})
  const sockets: net.Socket[] = []
  t.teardown(() => { for (const c of sockets) c.destroy() })
  const closed: boolean[] = []
  for (let i = 0; i < 3; i++) {
    const c = net.connect(s.address.port, s.address.host)
    c.on('error', () => {})
    c.on('close', () => { closed[i] = true })
    sockets.push(c)
    await new Promise(resolve => c.once('connect', resolve))
    await new Promise(resolve => setTimeout(resolve, 30))
  }
  await until(() => closed[2] === true)
  t.same([!!closed[0], !!closed[1], !!closed[2]], [false, false, true], 'the third is dropped at once')
  t.match(s.refusals, [{code: 'E_TOO_MANY_CONNECTIONS', peer: /^127\.0\.0\.1:/}])
})

t.test('regression (issue 14, item 3): over the connection cap, a right key is reported as busy, not as a wrong key', async t => {
  const s = await server(t, {maxConnections: 2})
  const held: net.Socket[] = []
  t.teardown(() => { for (const c of held) c.destroy() })
  for (let i = 0; i < 2; i++) {
    const c = net.connect(s.address.port, s.address.host)
    c.on('error', () => {})
    held.push(c)
    await new Promise(resolve => c.once('connect', resolve))
  }
  await until(() => s.connections() >= 2)
  await t.rejects(connect(s.address, 'hv1', hv1.key), {code: 'E_AGENT_BUSY', exit: EXIT.CONNECT}, 'busy, with the right key')
  await t.rejects(connect(s.address, 'hv1', randomBytes(32)), {code: 'E_AGENT_BUSY'}, 'a wrong key cannot be judged while busy')
  for (const c of held) c.destroy()
  await until(() => s.connections() === 0)
  await t.rejects(connect(s.address, 'hv1', randomBytes(32)), {code: 'E_AUTH'}, 'once free, a wrong key is a wrong key')
})

t.test('connect(): a wrong key or unknown identity is E_AUTH (exit 3)', async t => {
  const s = await server(t)
  await t.rejects(connect(s.address, 'hv1', randomBytes(32)), {code: 'E_AUTH', exit: EXIT.CONNECT})
  await t.rejects(connect(s.address, 'nobody', hv1.key), {code: 'E_AUTH', exit: EXIT.CONNECT})
  const free = net.createServer()
  await new Promise<void>(resolve => free.listen(0, '127.0.0.1', () => resolve()))
  const port = (free.address() as net.AddressInfo).port
  await new Promise(resolve => free.close(resolve))
  await t.rejects(connect({host: '127.0.0.1', port}, 'hv1', hv1.key), {code: 'E_CONNECT_REFUSED', exit: EXIT.CONNECT})
})
