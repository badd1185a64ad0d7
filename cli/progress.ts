// The CLI's RunObserver (agent/run/observer.ts): a progress bar on stderr
// (on a terminal, or anywhere with --progress: then a line every 2 s); a
// line while ssh and the remote agent start; with -v, what happens, as
// lines; warnings; and, for a run of several files, each file's summary as
// it ends. The line itself is agent/run/report.ts's progressLine.

import {createRequire} from 'node:module'
import path from 'node:path'
import type cliProgress from 'cli-progress'
import type {RunObserver} from '../agent/run/observer.js'
import type {Direction, FilePair} from '../agent/run/plan.js'
import {progressLine} from '../agent/run/report.js'
import type {Summary} from '../agent/session/session.js'

// Loaded on first use: scripts and agents (no terminal) never pay for its
// dozen modules at start-up.
const load = (): typeof cliProgress => createRequire(import.meta.url)('cli-progress') as typeof cliProgress

export interface ProgressOptions {
  /** Draw the bar: on a terminal unless --quiet, or with --progress. */
  bar: boolean
  /** -v: say what happens, as lines on stderr. */
  verbose?: boolean
  /** Files in the run: with several, each bar says 'file 2/3'. */
  files?: number
  /** Told every file's summary as it ends (a several-file run prints them). */
  each?: (s: Summary) => void
  stream?: NodeJS.WriteStream
}

export class Progress implements RunObserver {
  private bar: cliProgress.SingleBar | null = null
  private label = ''
  private file = 0
  private total = 0
  private began = 0
  private readonly stream: NodeJS.WriteStream

  constructor(private readonly o: ProgressOptions) {
    this.stream = o.stream ?? process.stderr
  }

  onConnect(remote: string): void {
    // ssh and the remote agent take a few seconds to start: say so instead of nothing.
    if (this.o.verbose || this.o.bar) this.say(`connecting to ${remote}`)
  }

  onFileStart(direction: Direction, file: FilePair): void {
    this.file++
    const name = path.basename(file.local)
    const several = (this.o.files ?? 1) > 1 ? ` ${this.file}/${this.o.files}` : ''
    this.label = `${direction} ${name.length > 24 ? name.slice(0, 23) + '~' : name}${several}`
    if (this.o.verbose) this.say(`${direction} ${file.local} ${direction === 'push' ? '->' : '<-'} ${file.remote}${several && ` (file${several})`}`)
  }

  onPlan(plan: {start: number; end: number}): void {
    if (this.o.verbose) this.say(`${this.label}: syncing bytes ${plan.start} to ${plan.end}`)
    if (!this.o.bar || this.bar) return
    this.total = plan.end - plan.start
    this.began = Date.now()
    const cliProgress = load()
    this.bar = new cliProgress.SingleBar({
      stream: this.stream,
      format: (_o, params, payload: {moved: number}) => this.line(params.value, payload.moved),
      hideCursor: true,
      clearOnComplete: true,
      noTTYOutput: true,
      notTTYSchedule: 2000,
      fps: 5,
    })
    this.bar.start(this.total, 0, {moved: 0})
  }

  /** The bar's line now: `done` bytes of the range dealt with, `moved` of block data sent or written. */
  line(done: number, moved: number): string {
    const secs = (Date.now() - this.began) / 1000
    return progressLine({label: this.label, done, total: this.total, moved, secs, columns: this.stream.columns || 80})
  }

  onProgress(done: number, moved: number): void {
    this.bar?.update(done, {moved})
  }

  onFileEnd(_file: FilePair, summary: Summary | null): void {
    this.bar?.stop()
    this.bar = null
    if (summary) this.o.each?.(summary)
  }

  onWarning(text: string): void {
    this.say(`warning: ${text}`)
  }

  private say(text: string): void {
    this.stream.write(`blockpair: ${text}\n`)
  }
}
