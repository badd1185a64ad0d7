// The initiating side of a sync against a running agent: connect, run the
// session, always release the connection.
//
// Both ends run a heartbeat, so a live agent is never silent for long, even
// while it waits on its disk; a client that hears nothing for `silenceMs`
// (--timeout, like rsync's) gives up with E_PEER_SILENT, a resumable error:
// behind a cut cable, TCP with nothing in flight would wait forever.

import {InterruptedError} from '../errors.js'
import {Channel} from '../wire/channel.js'
import type {KeyRing} from '../wire/keys.js'
import {initiate, type Summary, type SyncOptions} from './session.js'
import {connect, type Endpoint} from '../wire/transport.js'

export async function syncWithAgent(to: Endpoint, keys: KeyRing, identity: string | undefined, opts: SyncOptions): Promise<Summary & {bytesOnWire: number}> {
  const key = keys.pick(identity)
  const socket = await connect(to, key.identity, key.key)
  const ch = new Channel(socket)
  ch.heartbeat()
  if (opts.silenceMs) ch.silenceDeadline(opts.silenceMs, () => silent(to, opts.silenceMs as number))
  try {
    return await initiate(ch, opts)
  } finally {
    await ch.shutdown()
  }
}

function silent(to: Endpoint, ms: number): InterruptedError {
  return new InterruptedError('E_PEER_SILENT', `the agent at ${to.host}:${to.port} went silent: nothing came from it for ${ms / 1000} s ` +
    '(a cut cable, a host that hung or rebooted); the job is kept and can be resumed')
}
