// The initiating side of a sync against a running agent: connect, run the
// session, always release the connection.

import {Channel} from '../wire/channel.js'
import type {KeyRing} from '../wire/keys.js'
import {initiate, type Summary, type SyncOptions} from './session.js'
import {connect, type Endpoint} from '../wire/transport.js'

export async function syncWithAgent(to: Endpoint, keys: KeyRing, identity: string | undefined, opts: SyncOptions): Promise<Summary & {bytesOnWire: number}> {
  const key = keys.pick(identity)
  const socket = await connect(to, key.identity, key.key)
  const ch = new Channel(socket)
  try {
    return await initiate(ch, opts)
  } finally {
    await ch.shutdown()
  }
}
