import {Args} from '../oclif.js'
import {jobFlags, syncFlags, talkFlags} from '../options.js'
import {SyncCommand} from '../sync.js'
import {paragraphs} from '../../agent/run/report.js'

export default class Push extends SyncCommand {
  static summary = 'Make remote files or devices identical to local ones, sending only what differs.'
  static description = paragraphs(`The remote end is either a running agent (agent://HOST:PORT/PATH with --psk-file) or a host
reached over ssh ([USER@]HOST:PATH), where blockpair starts a one-off agent and hands it a fresh key;
the data flows over blockpair's own TLS connection, never through ssh. The destination is created
sparse if missing, grown or shrunk to the source size, and written in place.

Like rsync, the last argument is the destination. With several sources it must be a folder written
with a trailing '/' (HOST:/images/), and each file keeps its name there; one agent serves them all,
one after another. The first file that fails stops the run.

--streams N syncs each file over N connections at once, each over its own part of the file, in a
thread of its own here and (over ssh) an agent process of its own there: for links faster than one
connection carries, on hosts with cores to spare.`)

  static examples = [
    '<%= config.bin %> push vm.img agent://hv2:7373/var/lib/libvirt/images/vm.img --psk-file /etc/blockpair/psk',
    '<%= config.bin %> push /dev/vg0/vm-disk root@hv2:/dev/vg0/vm-disk',
    '<%= config.bin %> push vm-root.img vm-data.img root@hv2:/var/lib/libvirt/images/',
    '<%= config.bin %> push --dry-run --json vm.img root@hv2:/images/vm.img',
    '<%= config.bin %> push -e "ssh -p 2222 -i ~/.ssh/hv" vm.img root@hv2:/images/vm.img',
    '<%= config.bin %> push --streams 4 /dev/vg0/vm-disk root@hv2:/dev/vg0/vm-disk',
  ]

  static args = {
    sources: Args.string({description: 'Local files or block devices.', required: true, multiple: true, ignoreStdin: true}),
    destination: Args.string({description: 'agent://HOST:PORT/PATH or [USER@]HOST:PATH (a folder ending in / for several sources)', required: true, ignoreStdin: true}),
  }

  static flags = {...syncFlags, ...jobFlags, ...talkFlags}

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Push)
    // Each file is a job of its own (resumable alone); all share one remote agent.
    await this.sync('push', [...args.sources, args.destination], flags)
  }
}
