import {Flags} from '../oclif.js'
import {runDemo} from '../../agent/ops/demo.js'
import {BaseCommand} from '../base.js'
import {paragraphs} from '../../agent/run/report.js'

export default class Demo extends BaseCommand {
  static summary = 'Sync a sample VM image between two agents on this machine and show what moved.'
  static description = paragraphs(`Makes a sparse sample image in a temporary folder, starts an agent on 127.0.0.1 with a fresh key,
pushes the image to it (a first full copy), changes 1% of the image's data and pushes again (an
incremental sync), checks that both copies are identical, and removes the folder.`)

  static examples = ['<%= config.bin %> demo', '<%= config.bin %> demo --size 1024 --keep']

  static flags = {
    size: Flags.integer({description: 'Apparent size of the sample image in MiB.', default: 256, min: 8, max: 65536}),
    keep: Flags.boolean({description: 'Keep the temporary folder to look at the images.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Demo)
    this.wantsJson = flags.json
    const r = await runDemo({sizeMiB: flags.size, keep: flags.keep, say: flags.json || flags.quiet ? undefined : line => this.out(line)})
    if (flags.json) this.printJson({ok: true, folder: flags.keep ? r.folder : null, first: r.first, second: r.second, identical: r.identical})
    else if (flags.keep && !flags.quiet) this.out(`kept ${r.folder}`)
  }
}
