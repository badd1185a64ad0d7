// The agent service in-process: it refuses to start without an --allow, caps
// sessions, drops idle ones, refuses a second writer to one destination,
// ends a session on a bad frame while serving others, and logs one line per
// session and per refusal, never a key.
import t, {type Test} from 'tap'
import {randomBytes} from 'node:crypto'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {syncWithAgent} from '../../../agent/session/client.js'
import {EXIT} from '../../../agent/errors.js'
import {KeyRing} from '../../../agent/wire/keys.js'
import {startAgent, type AgentOptions, type LogEntry} from '../../../agent/session/server.js'
import {connect} from '../../../agent/wire/transport.js'
import {encodeFrame, Role} from '../../../proto/codec.js'
import {rawSession, until} from '../../helpers/hostile.js'

const hv1 = {identity: 'hv1', key: randomBytes(32)}
const hv2 = {identity: 'hv2', key: randomBytes(32)}
const keys = new KeyRing([hv1, hv2])

async function agent(t: Test, dir: string, opts: Partial<AgentOptions> = {}) {
  const logs: LogEntry[] = []
  const a = await startAgent({host: '127.0.0.1', port: 0, keys, allow: [dir], log: e => logs.push(e), ...opts})
  t.teardown(() => a.abort())
  return {...a, logs}
}

function push(a: {address: {host: string; port: number}}, src: string, dst: string, key = hv1) {
  return syncWithAgent(a.address, new KeyRing([key]), key.identity, {direction: 'push', localPath: src, remotePath: dst, blockSize: 64 << 10})
}

function source(dir: string, size = 3 << 20): string {
  const p = join(dir, 'src.img')
  writeFileSync(p, randomBytes(size))
  return p
}

t.test('the agent refuses to start without an --allow or --allow-device', async t => {
  await t.rejects(startAgent({host: '127.0.0.1', port: 0, keys, allow: []}), {code: 'E_NO_ALLOW', exit: EXIT.USAGE})
  await t.rejects(startAgent({host: '127.0.0.1', port: 0, keys, allow: [], allowDevices: []}), {code: 'E_NO_ALLOW'})
  const a = await startAgent({host: '127.0.0.1', port: 0, keys, allow: [], allowDevices: ['/dev/null']})
  await a.close()
  t.pass('--allow-device alone is enough')
})

t.test('one structured log line per session, with who, what, how much, how it ended', async t => {
  const dir = t.testdir()
  const a = await agent(t, dir)
  const src = source(dir)
  await push(a, src, join(dir, 'dst.img'))
  await push(a, src, join(dir, 'dst2.img'), hv2)
  await t.rejects(push(a, src, '/etc/blockpair-test.img'), {code: 'E_NOT_ALLOWED', exit: EXIT.POLICY})
  await t.rejects(syncWithAgent(a.address, new KeyRing([{identity: 'hv1', key: randomBytes(32)}]), 'hv1',
    {direction: 'push', localPath: src, remotePath: join(dir, 'x.img'), blockSize: 65536}), {code: 'E_AUTH'})
  await until(() => a.logs.length >= 4)
  const [ok1, ok2, refused, auth] = a.logs
  t.match(ok1, {event: 'session', peer: /^127\.0\.0\.1:\d+$/, identity: 'hv1', path: join(dir, 'dst.img'), role: 'dest',
    bytesWritten: 3 << 20, bytesOnWire: Number, result: 'ok', durationMs: Number})
  t.equal(ok1?.code, undefined)
  t.match(ok2, {event: 'session', identity: 'hv2', result: 'ok'})
  t.match(refused, {event: 'session', identity: 'hv1', code: 'E_NOT_ALLOWED', exit: EXIT.POLICY, result: /outside the folders/, bytesWritten: 0})
  t.match(auth, {event: 'refused', identity: 'hv1', code: 'E_AUTH', result: /wrong key/})
  const text = JSON.stringify(a.logs)
  for (const k of [hv1, hv2]) t.notOk(text.includes(k.key.toString('hex')) || text.includes(k.key.toString('base64')), `no key of ${k.identity} in the log`)
  t.notOk(existsSync('/etc/blockpair-test.img'))
})

t.test('peer-chosen text is cut short in the log', async t => {
  const dir = t.testdir()
  const a = await agent(t, dir)
  const raw = await rawSession(a.address, hv1)
  raw.send(encodeFrame('open', {path: '/' + 'x/'.repeat(2000) + 'y.img', role: Role.DEST, blockSize: 65536}))
  const err = await raw.closed
  t.match(err, {kind: 'error'})
  await until(() => a.logs.length > 0)
  t.ok(String(a.logs[0]?.result).length < 700, 'result clipped')
  t.ok(String(a.logs[0]?.path).length < 700, 'path clipped')
})

t.test('sessions past --max-sessions are refused with E_BUSY (exit 7)', async t => {
  const dir = t.testdir()
  const a = await agent(t, dir, {maxSessions: 1})
  const src = source(dir)
  const holder = await rawSession(a.address, hv1)
  await t.rejects(push(a, src, join(dir, 'dst.img')), {code: 'E_BUSY', exit: EXIT.POLICY})
  t.notOk(existsSync(join(dir, 'dst.img')), 'nothing created')
  t.match(a.logs, [{event: 'refused', code: 'E_BUSY', identity: 'hv1', result: /max-sessions 1/}])
  holder.destroy()
  await until(() => a.logs.length >= 2)
  await push(a, src, join(dir, 'dst.img'))
  t.ok(readFileSync(src).equals(readFileSync(join(dir, 'dst.img'))), 'served once the slot is free')
})

t.test('an idle session is dropped with an Error frame, and logged', async t => {
  const dir = t.testdir()
  const a = await agent(t, dir, {idleMs: 400})
  const began = Date.now()
  const raw = await rawSession(a.address, hv1)
  const err = await raw.closed
  const took = Date.now() - began
  t.match(err, {kind: 'error', msg: {code: 'E_IDLE_TIMEOUT', exit: EXIT.INTERRUPTED}})
  t.ok(took >= 350 && took < 3000, `dropped after ${took} ms`)
  await until(() => a.logs.length > 0)
  t.match(a.logs[0], {event: 'session', code: 'E_IDLE_TIMEOUT', identity: 'hv1'})
})

t.test('a second writer to one destination is refused (exit 7) while the first holds it', async t => {
  const dir = t.testdir()
  const a = await agent(t, dir)
  const src = source(dir)
  const dst = join(dir, 'dst.img')
  const first = await rawSession(a.address, hv1)
  first.send(encodeFrame('open', {path: dst, role: Role.DEST, blockSize: 65536, sourceSize: 3 << 20}))
  t.equal((await first.next()).kind, 'opened', 'the first writer holds the destination')
  await t.rejects(push(a, src, dst, hv2), {code: 'E_BUSY', exit: EXIT.POLICY})
  await t.rejects(push(a, src, join(dir, 'sub/../dst.img'), hv2), {code: 'E_BUSY'}, 'under another spelling too')
  first.destroy()
  await until(() => a.logs.length >= 3)
  await push(a, src, dst, hv2)
  t.ok(readFileSync(src).equals(readFileSync(dst)), 'the destination ends equal to the source')
})

t.test('a bad frame ends that session only; the agent serves the others', async t => {
  const dir = t.testdir()
  const a = await agent(t, dir)
  const src = source(dir, 24 << 20)
  const good = push(a, src, join(dir, 'dst.img'))
  const bad: Array<[string, Buffer, RegExp]> = [
    ['garbage', randomBytes(64), /^E_FRAME_|^E_UNEXPECTED_FRAME$/],
    ['a length over the limit', Buffer.from([0xff, 0xff, 0xff, 0xff]), /^E_FRAME_TOO_LARGE$/],
    ['a frame of an unknown kind', Buffer.from([0, 0, 0, 2, 0x78, 0x01]), /^E_FRAME_UNKNOWN$/],
    ['an empty frame', Buffer.alloc(4), /^E_FRAME_UNKNOWN$/],
    ['a frame out of order', encodeFrame('segmentEnd', {segment: 0}), /^E_UNEXPECTED_FRAME$/],
    ['a path with a NUL', encodeFrame('open', {path: '/tmp/a\u0000b', role: Role.DEST, blockSize: 65536}), /^E_PATH_INVALID$/],
    ['no role', encodeFrame('open', {path: join(dir, 'n.img'), blockSize: 65536}), /^E_BAD_FRAME$/],
  ]
  for (const [name, bytes, code] of bad) {
    const raw = await rawSession(a.address, hv2)
    raw.send(bytes)
    const err = await raw.closed
    t.match(err, {kind: 'error', msg: {code}}, `${name}: an Error frame says why`)
  }
  const s = await good
  t.equal(s.ok, true, 'the concurrent good session finished')
  t.ok(readFileSync(src).equals(readFileSync(join(dir, 'dst.img'))))
  await push(a, src, join(dir, 'dst.img'))
  t.pass('and a new one works')
  t.notOk(existsSync(join(dir, 'n.img')), 'the refused open created nothing')
  await until(() => a.logs.length >= bad.length + 2)
  t.equal(a.logs.filter(l => l.event === 'session' && l.identity === 'hv2' && l.code).length, bad.length, 'every bad session is logged with its reason')
})

t.test('a session that never authenticates is no session', async t => {
  const dir = t.testdir()
  const a = await agent(t, dir, {handshakeMs: 300})
  const socket = await connect(a.address, 'hv1', hv1.key)
  socket.destroy()
  const net = await import('node:net')
  const c = net.connect(a.address.port, a.address.host)
  c.on('error', () => {})
  await new Promise(resolve => c.once('close', resolve))
  await until(() => a.logs.some(l => l.code === 'E_HANDSHAKE_TIMEOUT'))
  t.match(a.logs.find(l => l.code === 'E_HANDSHAKE_TIMEOUT'), {event: 'refused', peer: /^127\.0\.0\.1:\d+$/})
})
