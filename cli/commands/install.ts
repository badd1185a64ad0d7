import {Args, Flags} from '@oclif/core'
import {MAX_WORKERS} from '../../agent/session/workers.js'
import {DEFAULT_LISTEN, DEFAULT_PREFIX, DEFAULT_UNIT_DIR, install, shellLine, uninstall, UNIT_NAME} from '../../agent/ops/install.js'
import {UsageError} from '../../agent/errors.js'
import {formatBytes} from '../../agent/run/units.js'
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
    const say = (text: string): void => {
      if (!flags.quiet && !flags.json) this.out(text)
    }

    if (flags.uninstall) {
      const r = await uninstall(common)
      if (flags.json) this.printJson({ok: true, ...r})
      if (r.removed.length === 0 && !r.prefixKept) say(`blockpair is not installed on ${r.host}; nothing removed`)
      else say(`removed from ${r.host}: ${r.removed.join(', ') || 'nothing'}`)
      if (r.prefixKept) say(`  ${r.prefix} was left as it is: it holds no blockpair install stamp`)
      return
    }

    const allow = flags.allow ?? []
    const allowDevices = flags['allow-device'] ?? []
    if (allow.length === 0 && allowDevices.length === 0) {
      throw new UsageError('E_INSTALL_ALLOW', 'install: give at least one --allow DIR (a folder the agent may read and write) or --allow-device DEV')
    }
    const r = await install({...common, listen: flags.listen, allow, allowDevices, node: flags.node, workers: flags.workers})
    if (flags.json) {
      this.printJson({ok: true, ...r})
      return
    }
    const where = `${r.host}:${r.prefix}`
    if (r.changed.length === 0) say(`already installed, nothing changed on ${r.host} (blockpair ${r.version} in ${r.prefix})`)
    else say(`installed blockpair ${r.version} in ${where}; wrote ${r.changed.join(', ')}${r.bytes ? ` (${formatBytes(r.bytes)} of files)` : ''}`)
    say(`  unit:    ${r.unit} on ${r.host}`)
    const command = shellLine(r.command)
    switch (r.service) {
      case 'started': case 'restarted': case 'running':
        say(`  service: ${r.service} (systemctl status ${UNIT_NAME})`)
        break
      case 'no-start':
        say(`  service: not started (--no-start); with systemd: systemctl daemon-reload && systemctl enable --now ${UNIT_NAME}`)
        say(`           without systemd, run: ${command}`)
        break
      case 'no-systemd':
        say(`  service: not started: systemd is not running on ${r.host}; start the agent yourself: ${command}`)
        break
    }
    say(`  key:     ${r.keyFile}${r.keySaved ? ' (saved now)' : ''}; the agent's copy is ${r.host}:${r.remoteKeyFile}`)
    say(`  push:    blockpair push FILE ${r.address.replace(/\/$/, '')}/PATH/IN/ALLOWED/FOLDER --psk-file ${r.keyFile}`)
    if (!flags.quiet) this.out(r.address)
  }
}
