import {Flags} from '@oclif/core'
import {jobStore} from '../../agent/run/job.js'
import {BaseCommand} from '../base.js'
import {jobsJson, jobsTable} from '../format.js'

export default class Jobs extends BaseCommand {
  static summary = 'List sync jobs: state, progress, ends and age.'
  static examples = ['<%= config.bin %> jobs', '<%= config.bin %> jobs --json']

  static flags = {
    'state-dir': Flags.string({description: 'Folder for job state (as given to push or pull).'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Jobs)
    this.wantsJson = flags.json
    const jobs = jobStore(flags['state-dir']).list()
    if (flags.json) this.printJson(jobsJson(jobs))
    else if (!flags.quiet || jobs.length > 0) this.out(jobsTable(jobs))
  }
}
