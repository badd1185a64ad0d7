import {Flags} from '../oclif.js'
import {keyFromStdin, parseDuration, parseListen} from '../../agent/ops/serve.js'
import {readKeyFile} from '../../agent/wire/keys.js'
import {runDaemon} from '../../agent/ops/daemon.js'
import type {Endpoint} from '../../agent/wire/transport.js'
import {MAX_WORKERS} from '../../agent/session/workers.js'
import {BaseCommand} from '../base.js'
import {paragraphs} from '../../agent/run/report.js'

export default class Agent extends BaseCommand {
  static summary = 'Run an agent that serves syncs over TLS with a pre-shared key.'
  static description = paragraphs(`Prints one line, "listening HOST:PORT", once it accepts connections (port 0 picks a free port).
The agent only opens regular files inside its --allow folders and the block devices named with
--allow-device (a device inside an --allow folder is still refused); paths are resolved first, so a
symlink or '..' that leads elsewhere is refused. It logs one line per session and every refused
connection on stderr (JSON lines with --json), never a key. With --psk-stdin (used by the ssh bootstrap) it reads
the key from the first line of stdin and exits when stdin closes, so it never outlives its ssh session.`)

  // oclif's own usage line, built from exactlyOne and exclusive, came out as `[... |  | --psk-stdin]`.
  static usage = 'agent [--listen HOST:PORT] (--psk-file FILE | --psk-stdin) [--allow DIR]... [--allow-device DEV]... ' +
    '[--once | --sessions N | --workers N] [--max-sessions N] [--idle-timeout T] [--json] [-q]'

  static examples = [
    '<%= config.bin %> agent --listen 0.0.0.0:7373 --psk-file /etc/blockpair/psk --allow /var/lib/libvirt/images',
    '<%= config.bin %> agent --listen 127.0.0.1:0 --psk-file ./psk --allow /tmp/images --once',
    '<%= config.bin %> agent --listen 0.0.0.0:7373 --psk-file /etc/blockpair/psk --allow-device /dev/vg0/vm1-disk',
    '<%= config.bin %> agent --listen 0.0.0.0:7373 --psk-file /etc/blockpair/psk --allow /var/lib/libvirt/images --workers 4',
  ]

  static flags = {
    listen: Flags.string({char: 'l', description: 'HOST:PORT to listen on.', default: '127.0.0.1:7373'}),
    'psk-file': Flags.string({description: 'Key file (from "blockpair keygen"); every identity in it is accepted.', exactlyOne: ['psk-file', 'psk-stdin']}),
    'psk-stdin': Flags.boolean({description: 'Read the key from stdin; exit when stdin closes.', exactlyOne: ['psk-file', 'psk-stdin']}),
    allow: Flags.string({char: 'a', multiple: true, description: 'A folder whose regular files may be read, written and created. Repeat for more.'}),
    'allow-device': Flags.string({multiple: true, description: 'A block device that may be read and written, by exact path. Repeat for more.'}),
    'idle-timeout': Flags.string({description: 'Drop a session from which nothing arrives for this long (30s, 5m, 1500ms); clients send keepalives while they are busy.', default: '120s'}),
    'handshake-timeout': Flags.string({description: 'Drop a connection whose TLS handshake takes longer than this.', default: '5s'}),
    identity: Flags.string({description: 'With --psk-stdin: the identity the key is known by.', default: 'blockpair'}),
    once: Flags.boolean({description: 'Serve one session, then exit.', exclusive: ['sessions']}),
    sessions: Flags.integer({description: 'Serve this many sessions, one after another, then exit (the ssh bootstrap uses it for several files).', min: 1, exclusive: ['once']}),
    'max-sessions': Flags.integer({description: 'Sessions served at once (by each worker, with --workers); more are refused.', default: 8, min: 1}),
    workers: Flags.integer({description: `Serve with this many processes (1 to ${MAX_WORKERS}), each connection going to the next in turn, so that sessions at once, and the streams of a --streams sync, use as many cores.`, default: 1, min: 1, max: MAX_WORKERS, exclusive: ['once', 'sessions', 'psk-stdin']}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Agent)
    this.wantsJson = flags.json
    const [host, port] = parseListen(flags.listen)
    const keys = flags['psk-file'] ? readKeyFile(flags['psk-file']) : await keyFromStdin(flags.identity)
    process.exit(await runDaemon({host, port, keys, allow: flags.allow ?? [], allowDevices: flags['allow-device'] ?? [], once: flags.once,
      sessions: flags.sessions, maxSessions: flags['max-sessions'], idleMs: parseDuration(flags['idle-timeout'], '--idle-timeout'),
      handshakeMs: parseDuration(flags['handshake-timeout'], '--handshake-timeout'), workers: flags.workers, json: flags.json,
      quiet: flags.quiet, stdinBound: flags['psk-stdin'], listening: a => this.listening(a)}))
  }

  private listening(a: Endpoint): void {
    process.stdout.write(`listening ${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}\n`)
  }
}
