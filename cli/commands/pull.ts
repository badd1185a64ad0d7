import {Args} from '@oclif/core'
import {BaseCommand} from '../base.js'
import {describe, syncFlags} from '../sync.js'
import {jobFlags, runTracked} from '../tracked.js'

export default class Pull extends BaseCommand {
  static summary = 'Make a local file or device identical to a remote one, sending only what differs.'
  static description = `The remote end is either a running agent (agent://HOST:PORT/PATH with --psk-file) or a host
reached over ssh ([USER@]HOST:PATH), where blockpair starts a one-off agent and hands it a fresh key;
the data flows over blockpair's own TLS connection, never through ssh. The local destination is
created sparse if missing, grown or shrunk to the source size, and written in place.`

  static examples = [
    '<%= config.bin %> pull agent://hv1:7373/var/lib/libvirt/images/vm.img vm.img --psk-file /etc/blockpair/psk',
    '<%= config.bin %> pull root@hv1:/dev/vg0/vm-disk /dev/vg0/vm-disk',
    '<%= config.bin %> pull --dry-run --json root@hv1:/images/vm.img vm.img',
  ]

  static args = {
    source: Args.string({description: 'agent://HOST:PORT/PATH or [USER@]HOST:PATH', required: true}),
    destination: Args.string({description: 'Local file or block device.', required: true}),
  }

  static flags = {...syncFlags, ...jobFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Pull)
    this.wantsJson = flags.json
    const s = await runTracked('pull', args.source, args.destination, flags)
    if (flags.json) this.printJson(s)
    else if (!flags.quiet) this.out(describe(s))
  }
}
