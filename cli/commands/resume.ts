import {Args, Flags} from '@oclif/core'
import {UsageError} from '../../agent/errors.js'
import {describe} from '../sync.js'
import {BaseCommand} from '../base.js'
import {jobStore, runTracked, type TrackedFlags} from '../tracked.js'

export default class Resume extends BaseCommand {
  static summary = 'Continue an interrupted sync from its last checkpoint.'
  static description = `Reconnects the way the job was started (same agent address or ssh host, same flags) and
continues from the last offset the destination made durable. If either end changed since then (size,
modification time, or a different file or device), it starts from the beginning instead, so no
change is ever skipped; --trust-checkpoint resumes anyway.`

  static examples = ['<%= config.bin %> resume', '<%= config.bin %> resume 20261122-101500-ab12', '<%= config.bin %> resume --json']

  static args = {job: Args.string({description: 'Job id (default: the newest unfinished job).'})}

  static flags = {
    'state-dir': Flags.string({description: 'Folder for job state (as given to push or pull).'}),
    'trust-checkpoint': Flags.boolean({description: 'Resume from the checkpoint even if an end looks changed.'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Resume)
    this.wantsJson = flags.json
    const store = jobStore(flags)
    const job = args.job ? store.get(args.job) : store.list().find(j => j.state !== 'done')
    if (!job) throw new UsageError('E_NO_JOB', `no unfinished job in ${store.dir}; see 'blockpair jobs'`)
    if (job.state === 'done') throw new UsageError('E_JOB_DONE', `job ${job.id} already finished; start a new sync with push or pull`)
    if (job.state === 'running') throw new UsageError('E_JOB_RUNNING', `job ${job.id} is still running (pid ${job.pid})`)
    const kept = job.flags as Partial<TrackedFlags>
    const tracked: TrackedFlags = {
      'block-size': '64K', ssh: 'ssh', 'remote-bin': 'blockpair', force: false, verify: false, ...kept,
      'dry-run': false, json: flags.json, quiet: flags.quiet, 'state-dir': flags['state-dir'],
    }
    if (!flags.quiet && !flags.json) process.stderr.write(`resuming job ${job.id} from ${job.checkpoint} of ${job.size} bytes\n`)
    const s = await runTracked(job.direction, job.from, job.to, tracked, {resume: {job, trust: flags['trust-checkpoint']}})
    if (flags.json) this.printJson(s)
    else if (!flags.quiet) {
      if (s.resumeDiscarded) this.out(`started over: ${s.resumeDiscarded}`)
      this.out(describe(s))
    }
  }
}
