// Where the other end of a sync lives, parsed from a command-line argument:
//
//   agent://HOST:PORT/ABS/PATH   a running agent, reached over TLS directly
//   [USER@]HOST:PATH             a host reached over ssh (like scp and rsync)
//   anything else                a local path
//
// As in rsync, a colon before the first slash makes an argument remote, so
// ./odd:name stays local.
//
// The PATH of an agent address is percent-escaped as in a URL: %XX (two hex
// digits) stands for that byte, so a '%' itself is written %25, a space may be
// written %20 or as itself, and the decoded bytes must be UTF-8. A '%' not
// followed by two hex digits, bytes that decode to no UTF-8 text, a NUL or
// another control character are refused (E_ADDRESS, exit 2): a path is never
// guessed at. remoteArg (plan.ts) writes paths back escaped the same way.

import {UsageError} from '../errors.js'

export type Address =
  | {kind: 'local'; path: string}
  | {kind: 'agent'; host: string; port: number; path: string}
  | {kind: 'ssh'; target: string; host: string; path: string}

export function parseAddress(arg: string): Address {
  if (arg.startsWith('agent://')) {
    const m = /^agent:\/\/(\[[^\]]+\]|[^/:]+):(\d+)(\/.*)$/.exec(arg)
    if (!m) throw new UsageError('E_ADDRESS', `'${arg}' is not a valid agent address; expected agent://HOST:PORT/ABSOLUTE/PATH`)
    const port = Number(m[2])
    if (!(port > 0 && port < 65536)) throw new UsageError('E_ADDRESS', `'${arg}': port must be 1-65535`)
    return {kind: 'agent', host: (m[1] as string).replace(/^\[|\]$/g, ''), port, path: agentPath(arg, m[3] as string)}
  }
  const colon = arg.indexOf(':')
  const slash = arg.indexOf('/')
  if (colon > 0 && (slash === -1 || colon < slash)) {
    const target = arg.slice(0, colon)
    const path = arg.slice(colon + 1)
    if (path === '') throw new UsageError('E_ADDRESS', `'${arg}' names a host but no path; write ${target}:/path/to/file`)
    return {kind: 'ssh', target, host: target.replace(/^[^@]*@/, ''), path}
  }
  if (arg === '') throw new UsageError('E_ADDRESS', 'empty path')
  return {kind: 'local', path: arg}
}

/** The PATH of an agent address, unescaped (see the top of this file). */
function agentPath(arg: string, escaped: string): string {
  const lone = /%(?![0-9A-Fa-f]{2})/.exec(escaped)
  if (lone) throw new UsageError('E_ADDRESS', `'${arg}': a '%' in an agent:// path starts an escape like %20; write a '%' itself as %25`)
  let path: string
  try {
    path = decodeURIComponent(escaped)
  } catch {
    throw new UsageError('E_ADDRESS', `'${arg}': its %-escapes do not decode to UTF-8 text`)
  }
  if (/[\x00-\x1f\x7f]/.test(path)) throw new UsageError('E_ADDRESS', `'${arg}': an agent:// path may not contain control characters`)
  return path
}
