// Stopping a run from outside. SIGINT (Ctrl-C), SIGTERM and SIGHUP end the
// sync in progress the way a dropped connection does: the session tells the
// remote agent why and ends, the job records where it stopped, and the run
// fails with E_SIGNAL (exit 6) and the command that continues it. Node's
// default for these signals is to die at once (exit 130/143), with no
// message, no Error frame for the agent and the job left "running"
// (issue 14, item 7).
//
// A second signal while the first is being handled exits at once.

import {EXIT, InterruptedError} from '../errors.js'

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const

export class StopSignals {
  private readonly controller = new AbortController()
  private readonly handlers = new Map<NodeJS.Signals, () => void>()

  private constructor() {}

  /** Handle the stop signals until dispose(). */
  static install(): StopSignals {
    const s = new StopSignals()
    for (const sig of SIGNALS) {
      const handler = (): void => s.stop(sig)
      s.handlers.set(sig, handler)
      process.on(sig, handler)
    }
    return s
  }

  /** Aborted, with the InterruptedError as its reason, once a stop signal arrived. */
  get signal(): AbortSignal {
    return this.controller.signal
  }

  private stop(sig: NodeJS.Signals): void {
    if (this.controller.signal.aborted) process.exit(EXIT.INTERRUPTED)
    this.controller.abort(new InterruptedError('E_SIGNAL', `stopped by ${sig}`))
  }

  /** Throws the stop's reason if a signal has arrived. */
  check(): void {
    if (this.signal.aborted) throw this.signal.reason
  }

  /**
   * `p`, unless a signal arrives first: then the stop's reason, and what `p`
   * still brings is let go with `release` (an ssh-started agent, say).
   */
  race<T>(p: Promise<T>, release: (value: T) => Promise<void>): Promise<T> {
    this.check()
    return new Promise<T>((resolve, reject) => {
      const stopped = (): void => {
        reject(this.signal.reason)
        void p.then(release, () => {})
      }
      this.signal.addEventListener('abort', stopped, {once: true})
      p.then(resolve, reject).finally(() => this.signal.removeEventListener('abort', stopped))
    })
  }

  dispose(): void {
    for (const [sig, handler] of this.handlers) process.off(sig, handler)
    this.handlers.clear()
  }
}
