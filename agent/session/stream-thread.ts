// One stream of a --streams sync in a worker thread of its own, so that the
// streams' TLS, framing and hashing at this end run on as many cores as
// there are streams. (At the agent end, over ssh, each stream has an agent
// process of its own.)
//
// The thread runs an ordinary session (syncWithAgent) and talks to the
// coordinator (agent/session/streams.ts) in the main thread with messages, because
// the hooks of a session are functions and cannot cross:
//
//   thread                                  main
//   ready{plan, ends}  ───────────────────► stream.ready(): the barrier
//                      ◄─────────────────── go | stop
//   progress{done, moved}, checkpoint{offset} ───► hooks, job state
//                      ◄─────────────────── abort (a sibling failed)
//   done{summary} | failed{error} ────────► the stream's result
//
// This file is both: the main thread imports threadedStream(); the worker
// starts here with workerData.stream set.

import {isMainThread, parentPort, Worker, workerData} from 'node:worker_threads'
import type {Identity} from '../disk/disk.js'
import type {Plan} from '../engine/engine.js'
import {BlockpairError, EXIT, InterruptedError, reviveError} from '../errors.js'
import type {Key} from '../wire/keys.js'
import type {Summary, SyncOptions} from './session.js'
import type {RunStream} from './streams.js'
import type {Endpoint} from '../wire/transport.js'

/** What a thread needs to run one stream: nothing in it is a function. */
interface ThreadData {
  stream: {index: number; count: number}
  endpoint: Endpoint
  keys: Key[]
  identity: string | undefined
  opts: Omit<SyncOptions, 'stream' | 'hooks' | 'onStart'> & {bwlimit?: number}
}

type ToMain =
  | {t: 'ready'; plan: Plan; ends: {source: Identity; dest: Identity}}
  | {t: 'progress'; done: number; moved: number}
  | {t: 'checkpoint'; offset: number}
  | {t: 'done'; summary: Summary}
  | {t: 'failed'; error: {code?: string; exit?: number; message: string; stack?: string}}

type ToThread = {t: 'go'} | {t: 'stop'} | {t: 'abort'}

/** The code of the process warning for a thread that had to be stopped (tests look for it). */
export const LINGERED = 'BLOCKPAIR_THREAD_LINGERED'

/** A RunStream that runs each stream against `endpoints[i]` in a thread of its own. */
export function threadedStream(endpoints: readonly Endpoint[], keys: readonly Key[], identity: string | undefined): RunStream {
  return (index, o) => new Promise<Summary>((resolve, reject) => {
    const part = o.stream as NonNullable<SyncOptions['stream']>
    const {stream: _s, hooks, onStart: _o, ...plain} = o
    const data: ThreadData = {
      stream: {index: part.index, count: part.count},
      endpoint: endpoints[index % endpoints.length] as Endpoint,
      keys: [...keys],
      identity,
      opts: {...plain, bwlimit: hooks?.bwlimit},
    }
    const worker = new Worker(new URL(import.meta.url), {workerData: data})
    const post = (m: ToThread): void => worker.postMessage(m)
    const onAbort = (): void => post({t: 'abort'})
    part.signal.addEventListener('abort', onAbort, {once: true})
    // The stream's result waits for its thread's exit: a stream that is done has
    // no thread left behind. A thread that does not end by itself is stopped,
    // and said so (a bug: the CLI would have waited for it). The stop timer ends
    // with the thread: once left armed, it warned about threads long gone in a
    // process that outlived them by 5 s (an agent, a test file).
    let result: (() => void) | null = null
    let linger: NodeJS.Timeout | undefined
    const settle = (fn: () => void): void => {
      if (result) return
      result = fn
      part.signal.removeEventListener('abort', onAbort)
      linger = setTimeout(() => {
        process.emitWarning(`stream ${index + 1}'s thread did not end by itself after its session; stopped it`, {code: LINGERED})
        void worker.terminate()
      }, 5000).unref()
    }
    worker.on('message', (m: ToMain) => {
      switch (m.t) {
        case 'ready':
          part.ready(m.plan, m.ends).then(() => post({t: 'go'}), () => post({t: 'stop'}))
          return
        case 'progress':
          return hooks?.onProgress?.(m.done, m.moved)
        case 'checkpoint':
          // No stamp: a stream's stamp moves with its siblings' writes, so a streamed resume never trusts one.
          return hooks?.onCheckpoint?.(m.offset, null)
        case 'done':
          return settle(() => resolve(m.summary))
        case 'failed':
          return settle(() => reject(m.error.code ? reviveError(m.error.code, m.error.exit ?? EXIT.PROTOCOL, m.error.message) : Object.assign(new Error(m.error.message), {stack: m.error.stack})))
      }
    })
    worker.on('error', err => settle(() => reject(err)))
    worker.on('exit', code => {
      clearTimeout(linger)
      const end = result ?? (() => reject(new BlockpairError('E_INTERNAL', EXIT.PROTOCOL, `stream ${index} ended without a result (thread exit ${code})`)))
      part.signal.removeEventListener('abort', onAbort)
      end()
    })
  })
}

async function runThread(data: ThreadData): Promise<void> {
  const port = parentPort as NonNullable<typeof parentPort>
  const send = (m: ToMain): void => port.postMessage(m)
  const stop = new AbortController()
  let barrier: {go: () => void; stop: () => void} | null = null
  port.on('message', (m: ToThread) => {
    if (m.t === 'abort') stop.abort()
    else if (m.t === 'go') barrier?.go()
    else barrier?.stop()
  })
  // Imported here: the main thread needs none of the session's modules.
  const [{syncWithAgent}, {KeyRing}] = await Promise.all([import('./client.js'), import('../wire/keys.js')])
  const {bwlimit, ...opts} = data.opts
  try {
    const summary = await syncWithAgent(data.endpoint, new KeyRing(data.keys), data.identity, {
      ...opts,
      hooks: {
        bwlimit,
        onProgress: (done, moved) => send({t: 'progress', done, moved}),
        onCheckpoint: offset => send({t: 'checkpoint', offset}),
      },
      stream: {
        ...data.stream,
        signal: stop.signal,
        ready: (plan, ends) => new Promise<void>((resolve, reject) => {
          barrier = {go: resolve, stop: () => reject(new InterruptedError('E_STREAM_STOPPED', 'another stream of this sync failed'))}
          send({t: 'ready', plan, ends})
        }),
      },
    })
    send({t: 'done', summary})
  } catch (err) {
    if (err instanceof BlockpairError) send({t: 'failed', error: {code: err.code, exit: err.exit, message: err.message}})
    else send({t: 'failed', error: {message: String((err as Error)?.message ?? err), stack: (err as Error)?.stack}})
  } finally {
    // Nothing left to wait for: the thread's event loop empties and it exits
    // (the port would keep it alive; what was posted is still delivered).
    port.removeAllListeners('message')
    port.unref()
  }
}

if (!isMainThread && (workerData as Partial<ThreadData> | null)?.stream) void runThread(workerData as ThreadData)
