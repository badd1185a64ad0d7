import {Flags} from '../oclif.js'
import {jobStore} from '../../agent/run/job.js'
import {jobsTable, pairsTable} from '../../agent/run/report.js'
import {jobsJson} from '../../agent/run/schema.js'
import {parseAge, plural} from '../../agent/run/units.js'
import {BaseCommand} from '../base.js'
import {defaultStateDir} from '../../agent/run/jobs.js'
import {listPairs, untrackPair} from '../../agent/track/pairs.js'

export default class Jobs extends BaseCommand {
  static summary = 'List sync jobs: state, progress, ends and age; remove finished ones with --prune.'
  static examples = [
    '<%= config.bin %> jobs',
    '<%= config.bin %> jobs --json',
    '<%= config.bin %> jobs --prune',
    '<%= config.bin %> jobs --prune --older-than 7d',
  ]

  static flags = {
    'state-dir': Flags.string({description: 'Folder for job state (as given to push or pull).'}),
    prune: Flags.boolean({description: 'Remove finished (done) jobs first; failed and interrupted ones stay, as resume may finish them.'}),
    'older-than': Flags.string({description: 'With --prune: only jobs finished longer ago than this (90s, 30m, 12h, 7d, 2w).', dependsOn: ['prune']}),
    untrack: Flags.string({description: 'Stop --track-changes for a pair (its key, source or destination as listed): its state, base snapshot and hash cache on this host go.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Jobs)
    this.wantsJson = flags.json
    const dir = flags['state-dir'] ?? defaultStateDir()
    if (flags.untrack) return this.out(`untracked ${untrackPair(dir, flags.untrack).pair}`)
    const store = jobStore(dir)
    if (flags.prune) {
      const before = flags['older-than'] === undefined ? null : Date.now() - parseAge(flags['older-than'], '--older-than')
      const gone = store.prune(before)
      if (!flags.json && !flags.quiet) this.out(`removed ${plural(gone.length, 'finished job')}`)
    }
    const jobs = store.list()
    if (flags.json) this.printJson(jobsJson(jobs))
    else if (!flags.quiet && !(flags.prune && jobs.length === 0)) this.out([jobsTable(jobs), pairsTable(listPairs(dir))].filter(Boolean).join('\n'))
  }
}
