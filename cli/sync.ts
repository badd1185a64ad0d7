// push and pull share everything but the direction: flags to RunOptions
// (cli/options.ts), agent/run's runSyncs, and the printing (agent/run/report.ts
// for text, agent/run/schema.ts for JSON). One source prints exactly what it
// always did; several print each file's summary and a total, and a stopped
// run's JSON names the file it stopped at.

import {isResumable} from '../agent/errors.js'
import {FileSyncError, runSyncs} from '../agent/run/sync.js'
import type {RunOptions} from '../agent/run/options.js'
import type {Direction} from '../agent/run/plan.js'
import {describe, describeTotal, statsText} from '../agent/run/report.js'
import {runJson} from '../agent/run/schema.js'
import type {Summary} from '../agent/session/session.js'
import {BaseCommand} from './base.js'
import {toRunOptions, type SyncFlagValues} from './options.js'
import {Progress} from './progress.js'

/** The observer a command's options ask for. */
export function progressFor(o: RunOptions, files = 1, each?: (s: Summary) => void): Progress {
  return new Progress({bar: !o.quiet && (o.progress || !!process.stderr.isTTY), verbose: o.verbose && !o.quiet, files, each})
}

/** A summary in text, with --stats' figures when asked. */
export function summaryText(s: Summary, o: RunOptions): string {
  return o.stats ? `${describe(s)}\n${statsText(s)}` : describe(s)
}

export abstract class SyncCommand extends BaseCommand {
  protected async sync(direction: Direction, paths: string[], flags: SyncFlagValues): Promise<void> {
    this.wantsJson = flags.json
    const o = toRunOptions(flags)
    const several = paths.length > 2
    const text = !o.json && !o.quiet
    const progress = progressFor(o, paths.length - 1, several && text ? s => this.out(summaryText(s, o)) : undefined)
    const files = await runSyncs(direction, paths, o, progress)
    if (!several) {
      const s = files[0] as Summary
      if (o.json) this.printJson(s)
      else if (text) this.out(summaryText(s, o))
    } else if (o.json) this.printJson(runJson(files))
    else if (text) this.out(describeTotal(files))
  }

  async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    // A several-file run that stopped: the JSON says which file and what was done before it.
    if (err instanceof FileSyncError && this.wantsJson) {
      this.printJson(runJson(err.done, {...err, message: err.message, resumable: err.job !== undefined && isResumable(err.code, err.exit)}))
      this.wantsJson = false
    }
    return super.catch(err)
  }
}
