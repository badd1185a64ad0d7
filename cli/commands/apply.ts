import {Args, Flags} from '../oclif.js'
import {APPLY_DEFAULTS, describeApply, runApply} from '../../agent/run/patch/apply.js'
import {BaseCommand} from '../base.js'
import {jobFlags, syncFlags, toRunOptions} from '../options.js'
import {Progress} from '../progress.js'

export default class Apply extends BaseCommand {
  static summary = 'Write a patch into the copy it was made against, in place, checked before and after.'
  static description = 'Refuses a damaged patch (exit 4) or a target that is not its base (exit 7) before writing; resumable (blockpair resume).'
  static examples = ['<%= config.bin %> apply vm.patch /images/vm.img', '<%= config.bin %> apply vm.patch /dev/vg0/vm --check-base --json',
    '<%= config.bin %> apply vm.patch root@hv2:/images/vm.img', '<%= config.bin %> apply vm.patch agent://hv2:7373/images/vm.img --psk-file /etc/blockpair/psk']
  static args = {patch: Args.string({description: 'The patch file.', required: true}), target: Args.string({description: 'The copy to write: local, agent:// or [USER@]HOST:PATH.', required: true})}
  static flags = {'check-base': Flags.boolean({description: 'Also read the whole target and check the whole-copy digests.'}), 'dry-run': syncFlags['dry-run'], 'state-dir': jobFlags['state-dir'],
    'psk-file': syncFlags['psk-file'], identity: syncFlags.identity, ssh: syncFlags.ssh, 'remote-bin': syncFlags['remote-bin'], 'ssh-timeout': syncFlags['ssh-timeout'], timeout: syncFlags.timeout}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Apply)
    const o = toRunOptions(flags)
    const applying = {...APPLY_DEFAULTS, checkBase: flags['check-base'], dryRun: o.dryRun, stateDir: flags['state-dir'], remote: o}
    this.report(await runApply(args.patch, args.target, applying, new Progress({bar: !o.quiet && !!process.stderr.isTTY})), describeApply)
  }
}
