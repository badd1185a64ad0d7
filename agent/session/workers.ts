// An agent of several processes (blockpair agent --workers N), so that the
// sessions it serves at once, the streams of one --streams sync included,
// run on as many cores: one process's TLS, framing and event loop run on one.
//
// Node's cluster module: the primary owns the listening socket and hands
// each accepted connection to the next worker in turn; every worker runs the
// ordinary agent (startAgent) on the shared port. What must stay one for the
// whole agent lives in the primary:
//   - the target locks (one writer per target; a job's streams count as one),
//     which the workers ask for over IPC (PrimaryLocks);
//   - the "listening HOST:PORT" line, printed once every worker listens;
//   - the lifetime: SIGTERM/SIGINT stop every worker gracefully (sessions in
//     progress finish); a worker that dies is logged and replaced.

import cluster, {type Worker} from 'node:cluster'
import {BlockpairError, EXIT, PolicyError} from '../errors.js'
import {TargetLocks, type Locks} from './policy.js'
import type {Endpoint} from '../wire/transport.js'

export const MAX_WORKERS = 64

type ToPrimary =
  | {t: 'listening'; address: Endpoint}
  | {t: 'lock'; id: number; path: string; job: string | null}
  | {t: 'unlock'; id: number}

type ToWorker = {t: 'lock'; id: number; ok: true} | {t: 'lock'; id: number; ok: false; code: string; message: string}

export interface PrimaryOptions {
  workers: number
  /** Every worker listens, at this address. */
  onListening(address: Endpoint): void
  /** A line for the agent's log (a worker died and was replaced). */
  note(text: string): void
}

/**
 * In the primary: start the workers and serve them until a signal stops
 * them all. Resolves with the exit code: 0 after a stop, or the code of a
 * worker that failed before every worker was listening (it said why).
 */
export function runPrimary(opts: PrimaryOptions): Promise<number> {
  cluster.schedulingPolicy = cluster.SCHED_RR
  const locks = new TargetLocks()
  const held = new Map<Worker, Map<number, () => void>>()
  const listening = new Set<Worker>()
  let announced = false
  let stopping = false

  return new Promise<number>(resolve => {
    const start = (): void => {
      const w = cluster.fork()
      held.set(w, new Map())
      w.on('message', (m: ToPrimary) => {
        if (m.t === 'listening') {
          listening.add(w)
          if (!announced && listening.size === opts.workers) {
            announced = true
            opts.onListening(m.address)
          }
        } else if (m.t === 'lock') {
          // A later run of a job waits for the earlier one (TargetLocks): the answer may come later.
          void Promise.resolve().then(() => locks.acquire(m.path, m.job)).then(release => {
            const mine = held.get(w)
            if (!mine) return release()
            mine.set(m.id, release)
            send(w, {t: 'lock', id: m.id, ok: true})
          }, (err: BlockpairError) => send(w, {t: 'lock', id: m.id, ok: false, code: err.code ?? 'E_BUSY', message: err.message}))
        } else if (m.t === 'unlock') {
          held.get(w)?.get(m.id)?.()
          held.get(w)?.delete(m.id)
        }
      })
      w.on('exit', (code, signal) => {
        // A worker that is gone writes nothing more: its targets are free.
        for (const release of held.get(w)?.values() ?? []) release()
        held.delete(w)
        listening.delete(w)
        if (stopping) {
          if (held.size === 0) resolve(0)
        } else if (!announced) {
          stopping = true
          for (const other of held.keys()) other.process.kill('SIGTERM')
          if (held.size === 0) resolve(code || EXIT.IO)
          else void Promise.all([...held.keys()].map(o => new Promise(r => o.once('exit', r)))).then(() => resolve(code || EXIT.IO))
        } else {
          opts.note(`worker ${w.process.pid} ended (${signal ? `signal ${signal}` : `exit ${code}`}); starting another`)
          start()
        }
      })
    }
    const stop = (): void => {
      if (stopping) return
      stopping = true
      for (const w of held.keys()) w.process.kill('SIGTERM')
      if (held.size === 0) resolve(0)
    }
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
    for (let i = 0; i < opts.workers; i++) start()
  })
}

function send(w: Worker, m: ToWorker): void {
  if (w.isConnected()) w.send(m)
}

/** In a worker: tell the primary where it listens. */
export function reportListening(address: Endpoint): void {
  process.send?.({t: 'listening', address} satisfies ToPrimary)
}

/** In a worker: the primary's target locks, shared by every worker. */
export class PrimaryLocks implements Locks {
  private seq = 0
  private readonly waiting = new Map<number, {resolve: (release: () => void) => void; reject: (e: Error) => void}>()

  constructor() {
    process.on('message', (m: ToWorker) => {
      if (m?.t !== 'lock') return
      const w = this.waiting.get(m.id)
      this.waiting.delete(m.id)
      if (!w) return
      if (m.ok) w.resolve(() => this.post({t: 'unlock', id: m.id}))
      else w.reject(new PolicyError(m.code, m.message))
    })
  }

  acquire(real: string, job: string | null = null): Promise<() => void> {
    const id = ++this.seq
    return new Promise((resolve, reject) => {
      this.waiting.set(id, {resolve, reject})
      if (!this.post({t: 'lock', id, path: real, job})) {
        this.waiting.delete(id)
        reject(new BlockpairError('E_AGENT_STOPPING', EXIT.POLICY, 'the agent is stopping; try again when it is back'))
      }
    })
  }

  private post(m: ToPrimary): boolean {
    if (!process.connected || !process.send) return false
    process.send(m)
    return true
  }
}

export const isWorker = (): boolean => cluster.isWorker
