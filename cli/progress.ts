// A progress bar on stderr, only when stderr is a terminal.

import {createRequire} from 'node:module'
import type cliProgress from 'cli-progress'
import {formatBytes} from '../agent/run/units.js'

// Loaded on first use: scripts and agents (no terminal) never pay for its
// dozen modules at start-up.
const load = (): typeof cliProgress => createRequire(import.meta.url)('cli-progress') as typeof cliProgress

export class Progress {
  private bar: cliProgress.SingleBar | null = null

  constructor(private readonly enabled: boolean, private readonly label: string) {}

  start(total: number): void {
    if (!this.enabled || this.bar) return
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

  private began = 0

  update(done: number): void {
    if (!this.bar) return
    const secs = Math.max(0.001, (Date.now() - this.began) / 1000)
    this.bar.update(done, {done: formatBytes(done), rate: formatBytes(done / secs)})
  }

  stop(): void {
    this.bar?.stop()
    this.bar = null
  }
}
