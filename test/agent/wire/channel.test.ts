// The framed channel over an in-memory duplex pair: frame order, queueing
// before a listener, error frames both ways, early close, byte counters.
import t from 'tap'
import {Channel} from '../../../agent/wire/channel.js'
import {EXIT, InterruptedError, ProtocolError, type BlockpairError} from '../../../agent/errors.js'
import {encodeFrame} from '../../../proto/codec.js'
import {until} from '../../helpers/hostile.js'
import {channelPair, duplexPair} from '../../helpers/pair.js'

/** Resolves with the channel's failure, or null if it has not failed within `ms`. */
function failureOf(ch: Channel, ms = 1000): Promise<BlockpairError | null> {
  return new Promise(resolve => {
    const timer = setTimeout(() => resolve(null), ms)
    ch.onFail(e => {
      clearTimeout(timer)
      resolve(e)
    })
  })
}

t.test('frames arrive in order through next() and expect()', async t => {
  const [a, b] = channelPair()
  a.send('hello', {version: 1, initiator: true, seed: Buffer.alloc(8, 1)})
  a.send('segmentEnd', {segment: 1})
  a.send('segmentEnd', {segment: 2})
  const h = await b.expect('hello')
  t.equal(h.version, 1)
  t.equal(h.initiator, true)
  const f = await b.next()
  t.equal(f.kind, 'segmentEnd')
  t.equal(f.kind === 'segmentEnd' ? f.msg.segment : null, 1)
  t.equal((await b.expect('segmentEnd')).segment, 2)
  t.equal(a.failure, null)
  t.equal(b.failure, null)
})

t.test('frames received before a listener queue, then go to it in order', async t => {
  const [a, b] = channelPair()
  for (let i = 0; i < 5; i++) a.send('segmentEnd', {segment: i})
  await new Promise(resolve => setImmediate(resolve))
  const got: number[] = []
  b.listen(f => {
    if (f.kind === 'segmentEnd') got.push(f.msg.segment ?? -1)
  })
  a.send('segmentEnd', {segment: 5})
  await new Promise(resolve => setImmediate(resolve))
  t.same(got, [0, 1, 2, 3, 4, 5])
})

t.test('sendData delivers the payload after its header and calls done', async t => {
  const [a, b] = channelPair()
  const payload = Buffer.alloc(10_000, 0xab)
  let done = false
  a.sendData(3 * 4096, payload, () => { done = true })
  const f = await b.next()
  t.equal(f.kind, 'data')
  if (f.kind !== 'data') return
  t.equal(f.msg.offset, 3 * 4096)
  t.equal(f.msg.length, payload.length)
  t.ok(f.payload?.equals(payload))
  t.ok(done, 'done ran once the stream took the payload')
})

t.test('bytesOut and bytesIn count every framed byte', async t => {
  const [a, b] = channelPair()
  const frames = [encodeFrame('segmentEnd', {segment: 7}), encodeFrame('zero', {offset: 4096, length: 8192})]
  a.send('segmentEnd', {segment: 7})
  a.send('zero', {offset: 4096, length: 8192})
  a.sendData(0, Buffer.alloc(100), () => {})
  await b.next()
  await b.next()
  await b.next()
  const header = encodeFrame('data', {offset: 0, length: 100}).length
  const want = (frames[0] as Buffer).length + (frames[1] as Buffer).length + header + 100
  t.equal(a.bytesOut, want)
  t.equal(b.bytesIn, want)
  t.equal(a.bytesIn, 0)
  t.equal(b.bytesOut, 0)
})

t.test('expect() of the wrong kind fails both ends with E_UNEXPECTED_FRAME', async t => {
  const [a, b] = channelPair()
  const aFailed = failureOf(a)
  a.send('segmentEnd', {segment: 0})
  await t.rejects(b.expect('hello'), {code: 'E_UNEXPECTED_FRAME', exit: EXIT.PROTOCOL})
  t.match(b.failure, {code: 'E_UNEXPECTED_FRAME'})
  t.match(await aFailed, {code: 'E_UNEXPECTED_FRAME', exit: EXIT.PROTOCOL}, 'the peer is told why, with the same code')
})

t.test('abort() sends an Error frame with code and exit, then closes', async t => {
  const [a, b] = channelPair()
  const bFailed = failureOf(b)
  const nextP = b.next()
  a.abort(new ProtocolError('E_BAD_FRAME', 'test'))
  t.match(a.failure, {code: 'E_BAD_FRAME'})
  await t.rejects(nextP, {code: 'E_BAD_FRAME', exit: EXIT.PROTOCOL}, 'a pending next() rejects with the peer code')
  t.match(await bFailed, {code: 'E_BAD_FRAME'})
  await t.rejects(b.next(), {code: 'E_BAD_FRAME'}, 'next() after the failure rejects too')
  a.abort(new ProtocolError('E_OTHER' as string, 'again'))
  t.match(a.failure, {code: 'E_BAD_FRAME'}, 'the first error stays')
})

t.test('an Error frame keeps a known exit code and maps others to 4', async t => {
  const [a, b] = channelPair()
  a.send('error', {code: 'E_NOT_ALLOWED', exit: 7, message: 'no'})
  t.match(await failureOf(b), {code: 'E_NOT_ALLOWED', exit: 7})
  const [c, d] = channelPair()
  c.send('error', {code: 'E_X', exit: 0, message: 'claims success'})
  t.match(await failureOf(d), {code: 'E_X', exit: EXIT.PROTOCOL})
})

t.test('frames after a failure are dropped', async t => {
  const [a, b] = channelPair()
  const got: string[] = []
  b.listen(f => got.push(f.kind))
  a.send('segmentEnd', {segment: 0})
  a.send('error', {code: 'E_X', exit: 4, message: 'stop'})
  a.send('segmentEnd', {segment: 1})
  await failureOf(b)
  await new Promise(resolve => setImmediate(resolve))
  t.same(got, ['segmentEnd'])
})

t.test('the peer closing early is E_DISCONNECTED (resumable)', async t => {
  const [a, b] = channelPair()
  const nextP = b.next()
  a.stream.end()
  await t.rejects(nextP, {code: 'E_DISCONNECTED', exit: EXIT.INTERRUPTED})
})

t.test('the peer closing mid-frame is a truncated frame', async t => {
  const [x, y] = duplexPair()
  const b = new Channel(y)
  const f = encodeFrame('hello', {version: 1})
  x.write(f.subarray(0, f.length - 1))
  x.end()
  t.match(await failureOf(b), {code: 'E_FRAME_TRUNCATED', exit: EXIT.PROTOCOL})
})

t.test('close() is not a failure on the closing side', async t => {
  const [a, b] = channelPair()
  a.send('segmentEnd', {segment: 0})
  await a.close()
  await b.next()
  await t.rejects(b.next(), {code: 'E_DISCONNECTED'})
  await new Promise(resolve => setImmediate(resolve))
  t.equal(a.failure, null, 'the closing side has no failure')
})

t.test('a bad frame from the peer fails the channel with the codec code', async t => {
  const [x, y] = duplexPair()
  const b = new Channel(y)
  const bad = Buffer.from([0, 0, 0, 2, 0x0f, 0x00])
  x.write(bad)
  t.match(await failureOf(b), {code: 'E_FRAME_MALFORMED', exit: EXIT.PROTOCOL})
})

t.test('a bad frame is answered with an Error frame naming its code', async t => {
  // DESIGN.md: unknown frames end the session with an Error frame (a code and
  // a message), so the sender learns why instead of seeing a dropped connection.
  const [a, y] = duplexPair()
  const peer = new Channel(a)
  new Channel(y)
  const aFailed = failureOf(peer)
  a.write(Buffer.from([0, 0, 0, 2, 0x78, 0x01])) // field 15: a frame kind from a newer version
  t.match(await aFailed, {code: 'E_FRAME_UNKNOWN'})
})

t.test('an empty frame from the peer is a protocol failure, not a crash', async t => {
  const [x, y] = duplexPair()
  const b = new Channel(y)
  const failed = failureOf(b)
  x.write(Buffer.from([0, 0, 0, 0]))
  t.match(await failed, {code: 'E_FRAME_UNKNOWN', exit: EXIT.PROTOCOL})
})

t.test('regression (issue 14, item 4): a frame dripped one byte at a time is dropped at its deadline', async t => {
  const [x, y] = duplexPair()
  const b = new Channel(y)
  b.frameDeadline(300)
  const f = encodeFrame('hello', {version: 1, software: 'x'.repeat(200)})
  let i = 0
  // Each byte resets any idle timer; only the frame deadline ends this.
  const drip = setInterval(() => { if (i < f.length - 1) x.write(f.subarray(i, ++i)) }, 20)
  t.teardown(() => clearInterval(drip))
  const began = Date.now()
  t.match(await failureOf(b, 60_000), {code: 'E_FRAME_TIMEOUT', exit: EXIT.INTERRUPTED})
  t.ok(Date.now() - began >= 300, 'not before its deadline')
  t.ok(i < f.length - 1, 'before the frame was complete')
})

t.test('the frame deadline: whole frames never trip it, and its clock stops while we pause reading', async t => {
  const [x, y] = duplexPair()
  const b = new Channel(y)
  b.frameDeadline(100)
  for (let k = 0; k < 5; k++) {
    x.write(encodeFrame('keepalive', {}))
    await new Promise(resolve => setTimeout(resolve, 60))
  }
  b.pause()
  const f = encodeFrame('hello', {version: 1})
  x.write(f.subarray(0, 3))
  t.equal(await failureOf(b, 400), null, 'no failure: complete frames, then a partial one while paused')
  b.resume()
  x.write(f.subarray(3))
  t.match(await b.next(), {kind: 'hello'}, 'the frame completes after resume')
  t.equal(b.failure, null)
})

t.test('a silence deadline: a peer that sends nothing ends the channel with the given error', async t => {
  const [a, b] = channelPair()
  b.silenceDeadline(200, () => new InterruptedError('E_PEER_SILENT', 'silent'))
  const began = Date.now()
  t.match(await failureOf(b, 60_000), {code: 'E_PEER_SILENT', exit: EXIT.INTERRUPTED})
  t.ok(Date.now() - began >= 190, 'not before its deadline')
  t.match(await failureOf(a, 5000), {code: 'E_PEER_SILENT'}, 'the peer is told why')
})

t.test('a heartbeat keeps a silent but live peer from tripping the silence deadline; pausing stops the clock', async t => {
  const [a, b] = channelPair()
  a.heartbeat(40)
  b.silenceDeadline(200, () => new InterruptedError('E_PEER_SILENT', 'silent'))
  // Ten heartbeats heard: several deadlines long, with nothing else sent.
  const keepalive = encodeFrame('keepalive', {}).length
  await until(() => b.bytesIn >= 10 * keepalive, 60_000, 'ten heartbeats')
  t.equal(b.failure, null, 'alive')
  const [x, y] = channelPair()
  y.silenceDeadline(100, () => new InterruptedError('E_PEER_SILENT', 'silent'))
  y.pause()
  t.equal(await failureOf(y, 400), null, 'no failure while we do not read')
  y.resume()
  t.match(await failureOf(y, 60_000), {code: 'E_PEER_SILENT'}, 'the clock runs again once we read')
  a.abort(new InterruptedError('E_AGENT_STOPPED', 'done'))
  x.abort(new InterruptedError('E_AGENT_STOPPED', 'done'))
})

t.test('regression: a channel that was closed after a good session keeps no silence clock (a pull hung at exit until it fired)', async t => {
  const [a, b] = channelPair()
  b.heartbeat(40)
  b.silenceDeadline(100, () => new InterruptedError('E_PEER_SILENT', 'silent'))
  await Promise.all([b.close(), a.close()])
  t.equal(Reflect.get(b, 'silenceTimer'), null, 'the silence clock stopped')
  t.equal(Reflect.get(b, 'beat'), null, 'the heartbeat stopped')
  t.equal(await failureOf(b, 400), null, 'no E_PEER_SILENT after the end')
})

t.test('regression: a silence clock that fires late, our own event loop blocked, counts what the peer sent meanwhile', async t => {
  const [x, y] = duplexPair()
  const b = new Channel(y)
  b.silenceDeadline(100, () => new InterruptedError('E_PEER_SILENT', 'silent'))
  // Blocked past the deadline; the peer's frame is read only after the timers
  // have run (the next check phase), as a socket is read after them.
  await new Promise<void>(resolve => setImmediate(() => {
    const end = Date.now() + 400
    while (Date.now() < end) { /* a long synchronous call */ }
    setImmediate(() => {
      x.write(encodeFrame('keepalive', {}))
      resolve()
    })
  }))
  await until(() => b.bytesIn > 0, 60_000, 'the keepalive')
  t.equal(b.failure, null, 'not taken for silence')
  t.match(await failureOf(b, 60_000), {code: 'E_PEER_SILENT'}, 'a peer silent from then on still is')
})
