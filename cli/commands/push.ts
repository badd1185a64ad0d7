import {Args} from '@oclif/core'
import {BaseCommand} from '../base.js'
import {describe, syncFlags} from '../sync.js'
import {jobFlags, runTracked} from '../tracked.js'

export default class Push extends BaseCommand {
  static summary = 'Make a remote file or device identical to a local one, sending only what differs.'
  static description = `The remote end is either a running agent (agent://HOST:PORT/PATH with --psk-file) or a host
reached over ssh ([USER@]HOST:PATH), where blockpair starts a one-off agent and hands it a fresh key;
the data flows over blockpair's own TLS connection, never through ssh. The destination is created
sparse if missing, grown or shrunk to the source size, and written in place.`

  static examples = [
    '<%= config.bin %> push vm.img agent://hv2:7373/var/lib/libvirt/images/vm.img --psk-file /etc/blockpair/psk',
    '<%= config.bin %> push /dev/vg0/vm-disk root@hv2:/dev/vg0/vm-disk',
    '<%= config.bin %> push --dry-run --json vm.img root@hv2:/images/vm.img',
    '<%= config.bin %> push -e "ssh -p 2222 -i ~/.ssh/hv" vm.img root@hv2:/images/vm.img',
  ]

  static args = {
    source: Args.string({description: 'Local file or block device.', required: true}),
    destination: Args.string({description: 'agent://HOST:PORT/PATH or [USER@]HOST:PATH', required: true}),
  }

  static flags = {...syncFlags, ...jobFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Push)
    this.wantsJson = flags.json
    const s = await runTracked('push', args.source, args.destination, flags)
    if (flags.json) this.printJson(s)
    else if (!flags.quiet) this.out(describe(s))
  }
}
