import {Args} from '../oclif.js'
import {EXIT} from '../../agent/errors.js'
import {runVerify} from '../../agent/run/verify.js'
import {BaseCommand} from '../base.js'
import {paragraphs, verifyText} from '../../agent/run/report.js'
import {verifyJson} from '../../agent/run/schema.js'
import {syncFlags, talkFlags, toRunOptions} from '../options.js'
import {progressFor} from '../sync.js'

export default class Verify extends BaseCommand {
  static summary = 'Compare a source with its copy without writing anything.'
  static description = paragraphs(`Both ends read and hash their data at the same time, as in a sync, and report the byte ranges that
differ. Exit code 0: identical; 1: different (the ranges are in --json as "differences"). Either end
may be remote (agent://HOST:PORT/PATH or [USER@]HOST:PATH), or both local.`)

  static examples = [
    '<%= config.bin %> verify vm.img root@hv2:/images/vm.img',
    '<%= config.bin %> verify vm.img agent://hv2:7373/images/vm.img --psk-file /etc/blockpair/psk --json',
    '<%= config.bin %> verify /dev/vg0/vm /mnt/backup/vm.img',
  ]

  static args = {
    source: Args.string({description: 'The reference: a local path or a remote address.', required: true}),
    target: Args.string({description: 'The copy to check: a local path or a remote address.', required: true}),
  }

  static flags = {
    'psk-file': syncFlags['psk-file'],
    identity: syncFlags.identity,
    'block-size': syncFlags['block-size'],
    ssh: syncFlags.ssh,
    'remote-bin': syncFlags['remote-bin'],
    timeout: syncFlags.timeout,
    ...talkFlags,
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Verify)
    this.wantsJson = flags.json
    const o = toRunOptions(flags)
    const v = await runVerify(args.source, args.target, o, progressFor(o))
    if (flags.json) this.printJson(verifyJson(v))
    else if (!flags.quiet) this.out(verifyText(v))
    if (!v.identical) this.exit(EXIT.DIFFERENT)
  }
}
