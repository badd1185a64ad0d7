// The one handshake both ends run (agent/session/handshake.ts), two channels
// joined in memory: the seed both sides derive, and each Hello it refuses.
import t from 'tap'
import {randomBytes} from 'node:crypto'
import {handshake, PROTOCOL_VERSION} from '../../../agent/session/handshake.js'
import {channelPair} from '../../helpers/pair.js'

t.test('both sides derive the same seed, a new one each session', async t => {
  const [a, b] = channelPair()
  const [x, y] = await Promise.all([handshake(a, true), handshake(b, false)])
  t.equal(x.length, 8)
  t.ok(x.equals(y), 'initiator and responder agree')
  const [c, d] = channelPair()
  const [z] = await Promise.all([handshake(c, true), handshake(d, false)])
  t.notOk(z.equals(x), 'another session, another seed')
})

t.test('two initiators are refused', async t => {
  const [a, b] = channelPair()
  const both = Promise.allSettled([handshake(a, true), handshake(b, true)])
  for (const r of await both) t.match(r, {status: 'rejected', reason: {code: 'E_ROLE'}})
})

const good = {version: PROTOCOL_VERSION, initiator: true, hashAlgorithm: 'xxh3-128', seed: randomBytes(8)}
for (const [name, hello, code] of [
  ['another protocol version', {...good, version: PROTOCOL_VERSION + 1}, 'E_VERSION'],
  ['another hash algorithm', {...good, hashAlgorithm: 'md5'}, 'E_HASH_ALGORITHM'],
  ['no seed', {...good, seed: Buffer.alloc(0)}, 'E_BAD_FRAME'],
  ['a short seed', {...good, seed: randomBytes(4)}, 'E_BAD_FRAME'],
] as const) {
  t.test(`the responder refuses a Hello with ${name}`, async t => {
    const [peer, mine] = channelPair()
    peer.send('hello', hello)
    await t.rejects(handshake(mine, false), {code})
    t.match(await peer.expect('hello'), {version: PROTOCOL_VERSION, initiator: false}, 'it answered with its own Hello first')
  })
}
