import {Args, Flags} from '../oclif.js'
import {jobStore, resumableJob} from '../../agent/run/job.js'
import {runOptions} from '../../agent/run/options.js'
import {runSync} from '../../agent/run/sync.js'
import {APPLY_DEFAULTS, describeApply, runApply} from '../../agent/run/patch/apply.js'
import {BaseCommand} from '../base.js'
import {Progress} from '../progress.js'
import {paragraphs, resumeText} from '../../agent/run/report.js'
import {parseTimeout, talkFlags} from '../options.js'
import {progressFor, summaryText} from '../sync.js'

export default class Resume extends BaseCommand {
  static summary = 'Continue an interrupted sync from its last checkpoint.'
  static description = paragraphs(`Says which job it continues, reconnects the way the job was started (same agent address or
ssh host, same flags) and continues from the last offset the destination made durable, but only if
neither end can have changed below it: the same files, the source unmodified, and the destination's
change stamp (mtime and ctime, recorded with the checkpoint) unmoved. Otherwise, and always for
block devices, the part already synced is compared again (only differing blocks are sent), so no
change is ever skipped; --trust-checkpoint resumes from the checkpoint anyway.`)

  static examples = ['<%= config.bin %> resume', '<%= config.bin %> resume 20261122-101500-ab12', '<%= config.bin %> resume --json']

  static args = {job: Args.string({description: 'Job id (default: the newest job a resume can finish; a run refused before it began is passed over).'})}

  static flags = {
    'state-dir': Flags.string({description: 'Folder for job state (as given to push or pull).'}),
    'trust-checkpoint': Flags.boolean({description: 'Resume from the checkpoint even if an end looks changed or has no change stamp (a block device).'}),
    timeout: Flags.string({description: "Give up when nothing comes from the remote agent for this long, like push's --timeout (default: the job's)."}),
    ...talkFlags,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Resume)
    this.wantsJson = flags.json
    const job = resumableJob(jobStore(flags['state-dir']), args.job)
    const timeoutMs = flags.timeout === undefined ? job.options.timeoutMs : parseTimeout(flags.timeout)
    if (job.kind === 'apply') return this.report(await runApply(job.from, job.to, {...APPLY_DEFAULTS, stateDir: flags['state-dir'], remote: {timeoutMs}}, new Progress({bar: !flags.quiet && !!process.stderr.isTTY}), job), describeApply)
    // The job's own options, as first given; only where to print and keep state is this run's.
    const o = runOptions({...job.options, dryRun: false, json: flags.json, quiet: flags.quiet, stateDir: flags['state-dir'], timeoutMs,
      progress: flags.progress, verbose: flags.verbose, stats: flags.stats})
    if (!flags.quiet && !flags.json) process.stderr.write(`${resumeText(job)}\n`)
    const s = await runSync(job.direction, job.from, job.to, o, progressFor(o), {job, trust: flags['trust-checkpoint']})
    if (flags.json) this.printJson(s)
    else if (!flags.quiet) {
      if (s.resumeDiscarded) this.out(`started over: ${s.resumeDiscarded}`)
      this.out(summaryText(s, o))
    }
  }
}
