import {Flags} from '@oclif/core'
import {BaseCommand} from '../base.js'
import {jobStore} from '../tracked.js'

export default class Jobs extends BaseCommand {
  static summary = 'List sync jobs: state, progress, ends and age.'
  static examples = ['<%= config.bin %> jobs', '<%= config.bin %> jobs --json']

  static flags = {
    'state-dir': Flags.string({description: 'Folder for job state (as given to push or pull).'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Jobs)
    this.wantsJson = flags.json
    const jobs = jobStore(flags).list()
    if (flags.json) {
      this.printJson(jobs.map(j => ({...j, progress: j.size > 0 ? j.checkpoint / j.size : j.state === 'done' ? 1 : 0})))
      return
    }
    if (jobs.length === 0) {
      if (!flags.quiet) this.out('no jobs')
      return
    }
    const rows = jobs.map(j => [
      j.id,
      j.state,
      j.size > 0 ? `${((100 * j.checkpoint) / j.size).toFixed(1)}%` : '-',
      `${j.direction} ${j.from} -> ${j.to}`,
      age(Date.now() - Date.parse(j.updatedAt)),
    ])
    const head = ['JOB', 'STATE', 'DONE', 'ENDS', 'AGE']
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] as string).length)))
    for (const r of [head, ...rows]) this.out(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] as number))).join('  '))
  }
}

function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 120) return `${s}s`
  if (s < 7200) return `${Math.round(s / 60)}m`
  if (s < 172800) return `${Math.round(s / 3600)}h`
  return `${Math.round(s / 86400)}d`
}
