import {Args, Flags} from '../oclif.js'
import {MAX_WORKERS} from '../../agent/session/workers.js'
import {DEFAULT_LISTEN, DEFAULT_PREFIX, DEFAULT_UNIT_DIR, describeInstall, describeUninstall, install, uninstall, UNIT_NAME} from '../../agent/ops/install.js'
import {BaseCommand} from '../base.js'
import {paragraphs} from '../../agent/run/report.js'

export default class Install extends BaseCommand {
  static summary = 'Install blockpair and its agent service on a host, over ssh.'
  static description = paragraphs(`Copies this blockpair (its built files and production node_modules, native modules included)
to PREFIX on the host through ssh, writes a key file there (0600, kept if present) and a systemd
unit for the agent, then enables and starts it. The host needs node 20 or newer and nothing else: no
network, no npm. A copy of the key is kept here (--key-file) for push and pull. The last line
printed is the agent:// address to use.

Running it again changes nothing unless something differs (files, key, unit). --uninstall stops
the service and removes the unit, PREFIX and the local copy of the key.`)

  static examples = [
    '<%= config.bin %> install root@hv2 --allow /var/lib/libvirt/images',
    '<%= config.bin %> push vm.img agent://hv2:7373/var/lib/libvirt/images/vm.img --psk-file ~/.config/blockpair/hv2.psk',
    '<%= config.bin %> install root@hv2 --allow /srv/images --listen 10.0.0.2:7373 --node /usr/local/bin/node',
    '<%= config.bin %> install root@hv2 --allow-device /dev/vg0/vm1-disk --allow-device /dev/vg0/vm1-data',
    '<%= config.bin %> install root@hv2 --allow /var/lib/libvirt/images --workers 4',
    '<%= config.bin %> install root@hv2 --uninstall',
  ]

  static args = {
    host: Args.string({description: '[USER@]HOST to install on (as for ssh).', required: true, ignoreStdin: true}),
  }

  static flags = {
    allow: Flags.string({char: 'a', multiple: true, description: 'A folder the agent may read and write (this or --allow-device is required; repeat for more).'}),
    'allow-device': Flags.string({multiple: true, description: 'A block device the agent may read and write, by exact path (repeat for more).'}),
    listen: Flags.string({char: 'l', description: 'ADDR:PORT the agent listens on.', default: DEFAULT_LISTEN}),
    prefix: Flags.string({description: 'Where blockpair goes on the host.', default: DEFAULT_PREFIX}),
    'unit-dir': Flags.string({description: `Where ${UNIT_NAME} goes on the host.`, default: DEFAULT_UNIT_DIR}),
    node: Flags.string({description: 'node on the host, by absolute path (default: node on its PATH).'}),
    workers: Flags.integer({description: 'Run the agent with this many worker processes (agent --workers), one core each, for sessions and --streams at once.', default: 1, min: 1, max: MAX_WORKERS}),
    'key-file': Flags.string({description: 'Where to keep the agent\'s key here (default ~/.config/blockpair/HOST.psk).'}),
    start: Flags.boolean({description: 'Enable and (re)start the service with systemctl (--no-start: only write the files).', default: true, allowNo: true}),
    uninstall: Flags.boolean({description: 'Stop the service; remove the unit, PREFIX and the local key.'}),
    ssh: Flags.string({char: 'e', description: 'The ssh command, like rsync -e.', default: 'ssh'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Install)
    this.wantsJson = flags.json
    const common = {target: args.host, ssh: flags.ssh, prefix: flags.prefix, unitDir: flags['unit-dir'], keyFile: flags['key-file'], start: flags.start}
    const r = flags.uninstall
      ? await uninstall(common)
      : await install({...common, listen: flags.listen, allow: flags.allow ?? [], allowDevices: flags['allow-device'] ?? [], node: flags.node, workers: flags.workers})
    if (flags.json) this.printJson({ok: true, ...r})
    else if (!flags.quiet) this.out('removed' in r ? describeUninstall(r) : describeInstall(r))
  }
}
