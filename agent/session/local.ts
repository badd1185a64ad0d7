// Both ends on this host: the same session and engine, the two peers joined
// in memory instead of over TLS.

import path from 'node:path'
import {Channel} from '../wire/channel.js'
import {duplexPair} from '../wire/pair.js'
import {TargetLocks} from './policy.js'
import {initiate, respond, type SessionRecord, type Summary, type SyncOptions} from './session.js'

/** Sync `opts.localPath` (source, for a push) with `opts.remotePath`, both on this host. */
export async function syncLocal(opts: SyncOptions): Promise<Summary> {
  const [a, b] = duplexPair()
  const record: SessionRecord = {path: null, role: null, bytesSent: 0, bytesWritten: 0}
  const responder = respond(new Channel(b), {allow: [path.dirname(path.resolve(opts.remotePath))], locks: new TargetLocks()}, record)
  responder.catch(() => {})
  const summary = await initiate(new Channel(a), {...opts, remotePath: path.resolve(opts.remotePath)})
  await responder
  return summary
}
