import {Args, Flags} from '../oclif.js'
import {describeDigest, writeDigest} from '../../agent/run/patch/digest.js'
import {BaseCommand} from '../base.js'
import {syncFlags, toRunOptions} from '../options.js'
import {Progress} from '../progress.js'

export default class Digest extends BaseCommand {
  static summary = 'Write the block hashes of a copy to a file, to diff against later instead of the copy.'
  static description = '16 bytes per block that holds data (1 TiB at 64K blocks: 256 MiB); coarser blocks make it smaller.'
  static examples = ['<%= config.bin %> digest /images/vm.img --out vm.digest', '<%= config.bin %> digest /dev/vg0/vm -b 4K -o vm.digest',
    '<%= config.bin %> digest root@hv2:/images/vm.img -o vm.digest', '<%= config.bin %> digest agent://hv2:7373/images/vm.img --psk-file /etc/blockpair/psk -o vm.digest']
  static args = {target: Args.string({description: 'The copy: a local file or block device, or a remote one (agent:// or [USER@]HOST:PATH), read there.', required: true})}
  static flags = {out: Flags.string({char: 'o', required: true, description: 'The digest file to write (here).'}), 'block-size': syncFlags['block-size'],
    'psk-file': syncFlags['psk-file'], identity: syncFlags.identity, ssh: syncFlags.ssh, 'remote-bin': syncFlags['remote-bin'], 'ssh-timeout': syncFlags['ssh-timeout'], timeout: syncFlags.timeout}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Digest)
    const o = toRunOptions(flags)
    this.report(await writeDigest(args.target, flags.out, o.blockSize, new Progress({bar: !o.quiet && !!process.stderr.isTTY}), o), describeDigest)
  }
}
