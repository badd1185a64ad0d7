// The handshake, the same code at both ends: each side sends a Hello (protocol
// version, which side it is, hash algorithm, 8 random bytes) and checks the
// other's. The responder answers only once it has read the initiator's, so a
// peer that never speaks learns nothing about this side.
//
// The per-session hash seed mixes both sides' random bytes, initiator's first:
// neither peer alone chooses it, so data crafted by a guest on either host
// cannot be made to collide on purpose.

import {randomBytes} from 'node:crypto'
import type {Channel} from '../wire/channel.js'
import {ProtocolError} from '../errors.js'
import {sessionSeed} from '../engine/hash.js'
import type {Hello} from '../../proto/codec.js'

export const PROTOCOL_VERSION = 4
export const SOFTWARE = 'blockpair 0.1.0'
const HASH_ALGORITHM = 'xxh3-128'

function hello(initiator: boolean): Hello {
  return {version: PROTOCOL_VERSION, initiator, capabilities: ['sparse', 'refine4k'], hashAlgorithm: HASH_ALGORITHM, seed: randomBytes(8), software: SOFTWARE}
}

function checkHello(theirs: Hello, expectInitiator: boolean): void {
  if (theirs.version !== PROTOCOL_VERSION) {
    throw new ProtocolError('E_VERSION', `the peer speaks protocol version ${theirs.version} (${theirs.software || 'unknown software'}), this side speaks ${PROTOCOL_VERSION} (${SOFTWARE}); install the same blockpair version on both hosts`)
  }
  if (theirs.hashAlgorithm !== HASH_ALGORITHM) {
    throw new ProtocolError('E_HASH_ALGORITHM', `the peer hashes with ${theirs.hashAlgorithm}, this side with ${HASH_ALGORITHM}`)
  }
  if (theirs.initiator !== expectInitiator) throw new ProtocolError('E_ROLE', 'both peers claim the same side of the session')
  if (!theirs.seed || theirs.seed.length !== 8) throw new ProtocolError('E_BAD_FRAME', 'hello carries no 8-byte seed')
}

/** Exchange Hellos as the initiator or the responder; resolves with the session's hash seed. */
export async function handshake(ch: Channel, initiator: boolean): Promise<Buffer> {
  const mine = hello(initiator)
  if (initiator) ch.send('hello', mine)
  const theirs = await ch.expect('hello')
  if (!initiator) ch.send('hello', mine)
  checkHello(theirs, !initiator)
  const [first, second] = initiator ? [mine, theirs] : [theirs, mine]
  return sessionSeed(first.seed as Uint8Array, second.seed as Uint8Array)
}
