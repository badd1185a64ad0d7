import {Args, Flags} from '../oclif.js'
import {describeDiff, runDiff} from '../../agent/run/patch/diff.js'
import {BaseCommand} from '../base.js'
import {syncFlags, toRunOptions} from '../options.js'
import {Progress} from '../progress.js'

export default class Diff extends BaseCommand {
  static summary = 'Write what differs between a source and a copy (or its digest) to a patch file.'
  static description = 'Both are read at once, as in a sync; nothing is written to the target. Write the patch in later with apply.'
  static examples = ['<%= config.bin %> diff vm.img vm.digest --out vm.patch', '<%= config.bin %> diff vm.img root@hv2:/images/vm.img -o vm.patch --compress gzip',
    '<%= config.bin %> diff vm.img agent://hv2:7373/images/vm.img --psk-file /etc/blockpair/psk -o vm.patch']
  static args = {source: Args.string({description: 'A local file or block device.', required: true}), target: Args.string({description: 'The copy (local, agent:// or [USER@]HOST:PATH), or its digest file.', required: true})}
  static flags = {out: Flags.string({char: 'o', description: 'The patch file to write (not with --dry-run).'}), 'block-size': syncFlags['block-size'], 'dry-run': syncFlags['dry-run'],
    compress: Flags.string({description: 'none, gzip or brotli (pays off only on compressible data).', default: 'none'}),
    'psk-file': syncFlags['psk-file'], identity: syncFlags.identity, ssh: syncFlags.ssh, 'remote-bin': syncFlags['remote-bin'], 'ssh-timeout': syncFlags['ssh-timeout'], timeout: syncFlags.timeout}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Diff)
    const o = toRunOptions(flags)
    this.report(await runDiff(args.source, args.target, flags.out ?? null, {blockSize: o.blockSize, compress: flags.compress, dryRun: o.dryRun, remote: o}, new Progress({bar: !o.quiet && !!process.stderr.isTTY})), describeDiff)
  }
}
