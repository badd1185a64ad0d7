import {Flags} from '../oclif.js'
import os from 'node:os'
import {newKey, writeKeyFile} from '../../agent/wire/keys.js'
import {BaseCommand} from '../base.js'
import {paragraphs} from '../../agent/run/report.js'

export default class Keygen extends BaseCommand {
  static summary = 'Create a new pre-shared key file (mode 0600).'
  static description = paragraphs(`The file holds one line, IDENTITY HEX. Copy it to both hosts over a channel you trust (scp):
the agent accepts it with --psk-file, and push/pull use it to connect. To give several peers their
own keys, append the lines of several key files into the agent's file; remove a line to revoke one.`)

  static examples = [
    '<%= config.bin %> keygen --out /etc/blockpair/psk',
    '<%= config.bin %> keygen --out ~/.config/blockpair/hv2.psk --identity hv2',
  ]

  static flags = {
    out: Flags.string({char: 'o', required: true, description: 'Key file to create; refuses to overwrite one.'}),
    identity: Flags.string({description: 'Name of the key, sent in the clear during the handshake.', default: os.hostname().replace(/[^A-Za-z0-9._@-]/g, '-').slice(0, 64) || 'blockpair'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Keygen)
    this.wantsJson = flags.json
    const key = newKey(flags.identity)
    writeKeyFile(flags.out, key)
    if (flags.json) this.printJson({ok: true, file: flags.out, identity: key.identity})
    else if (!flags.quiet) this.out(`wrote key '${key.identity}' to ${flags.out} (mode 0600)`)
  }
}
