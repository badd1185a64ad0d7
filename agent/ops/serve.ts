// What `blockpair agent` is given, as the agent needs it: the address to
// listen on, durations as people write them, and (for the ssh bootstrap) a key
// that arrives on stdin, so it never shows in a process list.

import {UsageError} from '../errors.js'
import {parseKeys, type KeyRing} from '../wire/keys.js'

const DURATION_UNITS: Record<string, number> = {ms: 1, s: 1000, '': 1000, m: 60_000, h: 3_600_000}

/** `30`, `30s`, `1500ms`, `5m`, `1h`: a bare number is seconds. */
export function parseDuration(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|)$/.exec(text.trim())
  const ms = m ? Math.round(Number(m[1]) * (DURATION_UNITS[m[2] as string] as number)) : NaN
  if (!(ms > 0 && ms <= 2 ** 31 - 1)) throw new UsageError('E_DURATION', `${what}: '${text}' is not a duration; write e.g. 30s, 5m or 1500ms`)
  return ms
}

/**
 * `HOST:PORT` or `[IPV6]:PORT`. Port 0 (a free port, said on stdout) suits a
 * one-off agent; a service that others must find (install) needs a fixed one.
 */
export function parseListen(text: string, anyPort = true): [string, number] {
  const m = /^(\[[^\]]+\]|[^:\s]+):(\d+)$/.exec(text)
  const port = Number(m?.[2])
  const low = anyPort ? 0 : 1
  if (!m || !(port >= low && port < 65536)) {
    throw new UsageError('E_LISTEN_ADDRESS', `--listen '${text}' is not HOST:PORT with a port from ${low} to 65535${anyPort ? ' (0 picks a free one)' : ''}`)
  }
  return [(m[1] as string).replace(/^\[|\]$/g, ''), port]
}

/** The first line of stdin: a hex key, optionally preceded by its identity. stdin stays open. */
export async function keyFromStdin(identity: string): Promise<KeyRing> {
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
