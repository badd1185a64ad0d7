import {Flags} from '@oclif/core'
import {jobStore} from '../../agent/run/job.js'
import {BaseCommand} from '../base.js'
import {jobsJson, jobsTable, pairsTable} from '../format.js'
import {defaultStateDir} from '../../agent/run/jobs.js'
import {listPairs, untrackPair} from '../../agent/track/pairs.js'

export default class Jobs extends BaseCommand {
  static summary = 'List sync jobs: state, progress, ends and age.'
  static examples = ['<%= config.bin %> jobs', '<%= config.bin %> jobs --json']

  static flags = {
    'state-dir': Flags.string({description: 'Folder for job state (as given to push or pull).'}),
    untrack: Flags.string({description: 'Stop --track-changes for a pair (its key, source or destination as listed): its state and base snapshot here go.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Jobs)
    this.wantsJson = flags.json
    const dir = flags['state-dir'] ?? defaultStateDir()
    if (flags.untrack) return this.out(`untracked ${untrackPair(dir, flags.untrack).pair}`)
    const jobs = jobStore(dir).list()
    const pairs = listPairs(dir)
    if (flags.json) this.printJson(jobsJson(jobs))
    else if (!flags.quiet || jobs.length > 0) this.out([jobsTable(jobs), pairsTable(pairs)].filter(Boolean).join('\n'))
  }
}
