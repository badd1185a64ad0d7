// The CLI's RunObserver (agent/run/observer.ts): a progress bar on stderr,
// only when stderr is a terminal; warnings on stderr; and, for a run of
// several files, each file's summary as it ends.

import {createRequire} from 'node:module'
import path from 'node:path'
import type cliProgress from 'cli-progress'
import type {RunObserver} from '../agent/run/observer.js'
import type {Direction, FilePair} from '../agent/run/plan.js'
import {formatBytes} from '../agent/run/units.js'
import type {Summary} from '../agent/session/session.js'

// Loaded on first use: scripts and agents (no terminal) never pay for its
// dozen modules at start-up.
const load = (): typeof cliProgress => createRequire(import.meta.url)('cli-progress') as typeof cliProgress

export class Progress implements RunObserver {
  private bar: cliProgress.SingleBar | null = null
  private label = ''
  private began = 0

  /** `each`: told every file's summary as it ends (a several-file run prints them). */
  constructor(private readonly enabled: boolean, private readonly each?: (s: Summary) => void) {}

  onFileStart(direction: Direction, file: FilePair): void {
    this.label = `${direction} ${path.basename(file.local)}`
  }

  onPlan(plan: {start: number; end: number}): void {
    if (!this.enabled || this.bar) return
    const total = plan.end - plan.start
    const cliProgress = load()
    this.bar = new cliProgress.SingleBar({
      stream: process.stderr,
      format: `${this.label} [{bar}] {percentage}% {done}/{all} {rate}/s ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
      fps: 5,
    }, cliProgress.Presets.shades_classic)
    this.bar.start(total, 0, {done: formatBytes(0), all: formatBytes(total), rate: formatBytes(0)})
    this.began = Date.now()
  }

  onProgress(done: number): void {
    if (!this.bar) return
    const secs = Math.max(0.001, (Date.now() - this.began) / 1000)
    this.bar.update(done, {done: formatBytes(done), rate: formatBytes(done / secs)})
  }

  onFileEnd(_file: FilePair, summary: Summary | null): void {
    this.bar?.stop()
    this.bar = null
    if (summary) this.each?.(summary)
  }

  onWarning(text: string): void {
    process.stderr.write(`blockpair: warning: ${text}\n`)
  }
}
