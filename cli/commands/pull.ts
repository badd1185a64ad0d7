import {Args} from '../oclif.js'
import {jobFlags, syncFlags, talkFlags} from '../options.js'
import {SyncCommand} from '../sync.js'
import {paragraphs} from '../../agent/run/report.js'

export default class Pull extends SyncCommand {
  static summary = 'Make local files or devices identical to remote ones, sending only what differs.'
  static description = paragraphs(`The remote end is either a running agent (agent://HOST:PORT/PATH with --psk-file) or a host
reached over ssh ([USER@]HOST:PATH), where blockpair starts a one-off agent and hands it a fresh key;
the data flows over blockpair's own TLS connection, never through ssh. The local destination is
created sparse if missing, grown or shrunk to the source size, and written in place.

Like rsync, the last argument is the destination. With several sources (all on one host) it must be
an existing folder, and each file keeps its name there; one agent serves them all, one after
another. The first file that fails stops the run.`)

  static examples = [
    '<%= config.bin %> pull agent://hv1:7373/var/lib/libvirt/images/vm.img vm.img --psk-file /etc/blockpair/psk',
    '<%= config.bin %> pull root@hv1:/dev/vg0/vm-disk /dev/vg0/vm-disk',
    '<%= config.bin %> pull root@hv1:/images/vm-root.img root@hv1:/images/vm-data.img /backup/vm/',
    '<%= config.bin %> pull --dry-run --json root@hv1:/images/vm.img vm.img',
    '<%= config.bin %> pull --streams 4 root@hv1:/images/vm.img /images/vm.img',
  ]

  static args = {
    sources: Args.string({description: 'agent://HOST:PORT/PATH or [USER@]HOST:PATH, all on one host', required: true, multiple: true, ignoreStdin: true}),
    destination: Args.string({description: 'Local file or block device (a folder for several sources).', required: true, ignoreStdin: true}),
  }

  static flags = {...syncFlags, ...jobFlags, ...talkFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Pull)
    // Each file is a job of its own (resumable alone); all share one remote agent.
    await this.sync('pull', [...args.sources, args.destination], flags)
  }
}
