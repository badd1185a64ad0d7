import {Flags} from '@oclif/core'
import {UsageError} from '../../agent/errors.js'
import {parseKeys, readKeyFile, type KeyRing} from '../../agent/keys.js'
import {startAgent, type LogEntry} from '../../agent/server.js'
import {BaseCommand} from '../base.js'

export default class Agent extends BaseCommand {
  static summary = 'Run an agent that serves syncs over TLS with a pre-shared key.'
  static description = `Prints one line, "listening HOST:PORT", once it accepts connections (port 0 picks a free port).
The agent only opens paths inside its --allow folders; it logs one line per session and every refused
connection on stderr (JSON lines with --json). With --psk-stdin (used by the ssh bootstrap) it reads
the key from the first line of stdin and exits when stdin closes, so it never outlives its ssh session.`

  static examples = [
    '<%= config.bin %> agent --listen 0.0.0.0:7373 --psk-file /etc/blockpair/psk --allow /var/lib/libvirt/images',
    '<%= config.bin %> agent --listen 127.0.0.1:0 --psk-file ./psk --allow /tmp/images --once',
  ]

  static flags = {
    listen: Flags.string({char: 'l', description: 'HOST:PORT to listen on.', default: '127.0.0.1:7373'}),
    'psk-file': Flags.string({description: 'Key file (from "blockpair keygen"); every identity in it is accepted.', exactlyOne: ['psk-file', 'psk-stdin']}),
    'psk-stdin': Flags.boolean({description: 'Read the key from stdin; exit when stdin closes.', exactlyOne: ['psk-file', 'psk-stdin']}),
    allow: Flags.string({char: 'a', multiple: true, required: true, description: 'A folder whose files (or a block device path) may be read and written. Repeat for more.'}),
    identity: Flags.string({description: 'With --psk-stdin: the identity the key is known by.', default: 'blockpair'}),
    once: Flags.boolean({description: 'Serve one session, then exit.'}),
    'max-sessions': Flags.integer({description: 'Sessions served at once; more are refused.', default: 8, min: 1}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Agent)
    this.wantsJson = flags.json
    const [host, port] = parseListen(flags.listen)
    const keys = flags['psk-file'] ? readKeyFile(flags['psk-file']) : await keyFromStdin(flags.identity)
    const log = (e: LogEntry): void => {
      if (flags.json) process.stderr.write(JSON.stringify({time: new Date().toISOString(), ...e}) + '\n')
      else if (!flags.quiet) process.stderr.write(`${new Date().toISOString()} ${Object.entries(e).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ')}\n`)
    }
    const agent = await startAgent({host, port, keys, allow: flags.allow, once: flags.once, maxSessions: flags['max-sessions'], log})
    const shown = agent.address.host.includes(':') ? `[${agent.address.host}]` : agent.address.host
    process.stdout.write(`listening ${shown}:${agent.address.port}\n`)
    const stop = (): void => void agent.close()
    process.once('SIGTERM', stop)
    process.once('SIGINT', stop)
    if (flags['psk-stdin']) {
      // The ssh connection that started us is gone: stop rather than linger.
      process.stdin.once('end', stop)
      process.stdin.once('close', stop)
      process.stdin.resume()
    }
    await agent.done
    process.exit(0)
  }
}

function parseListen(text: string): [string, number] {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(text)
  const port = Number(m?.[2])
  if (!m || !(port >= 0 && port < 65536)) throw new UsageError('E_LISTEN_ADDRESS', `--listen '${text}' is not HOST:PORT (port 0 picks a free one)`)
  return [(m[1] as string).replace(/^\[|\]$/g, ''), port]
}

/** The first line of stdin: a hex key, optionally preceded by its identity. stdin stays open. */
async function keyFromStdin(identity: string): Promise<KeyRing> {
  const line = await new Promise<string>((resolve, reject) => {
    let text = ''
    const onData = (chunk: Buffer): void => {
      text += String(chunk)
      if (text.includes('\n') || text.length > 512) done()
    }
    const done = (): void => {
      process.stdin.off('data', onData)
      process.stdin.off('end', done)
      process.stdin.pause()
      resolve(text.split('\n')[0] ?? '')
    }
    process.stdin.on('data', onData)
    process.stdin.once('end', done)
    process.stdin.once('error', reject)
  })
  if (line.trim() === '') throw new UsageError('E_KEY_STDIN', '--psk-stdin: no key arrived on stdin')
  const parts = line.trim().split(/\s+/)
  return parseKeys(parts.length === 1 ? `${identity} ${parts[0]}` : line, 'stdin')
}
