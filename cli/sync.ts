// push and pull share everything but the direction: flags to RunOptions
// (cli/options.ts), agent/run's runSyncs, and the printing (cli/format.ts).
// One source prints exactly what it always did; several print each file's
// summary and a total, and a stopped run's JSON names the file it stopped at.

import {FileSyncError, runSyncs} from '../agent/run/sync.js'
import type {Direction} from '../agent/run/plan.js'
import type {Summary} from '../agent/session/session.js'
import {BaseCommand} from './base.js'
import {describe, describeTotal, runJson} from './format.js'
import {toRunOptions, type SyncFlagValues} from './options.js'
import {Progress} from './progress.js'

export abstract class SyncCommand extends BaseCommand {
  protected async sync(direction: Direction, paths: string[], flags: SyncFlagValues): Promise<void> {
    this.wantsJson = flags.json
    const o = toRunOptions(flags)
    const several = paths.length > 2
    const text = !o.json && !o.quiet
    const progress = new Progress(!o.quiet && !!process.stderr.isTTY, several && text ? s => this.out(describe(s)) : undefined)
    const files = await runSyncs(direction, paths, o, progress)
    if (!several) {
      const s = files[0] as Summary
      if (o.json) this.printJson(s)
      else if (text) this.out(describe(s))
    } else if (o.json) this.printJson(runJson(files))
    else if (text) this.out(describeTotal(files))
  }

  async catch(err: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    // A several-file run that stopped: the JSON says which file and what was done before it.
    if (err instanceof FileSyncError && this.wantsJson) {
      this.printJson(runJson(err.done, err))
      this.wantsJson = false
    }
    return super.catch(err)
  }
}
