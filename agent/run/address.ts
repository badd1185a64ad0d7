// Where the other end of a sync lives, parsed from a command-line argument:
//
//   agent://HOST:PORT/ABS/PATH   a running agent, reached over TLS directly
//   [USER@]HOST:PATH             a host reached over ssh (like scp and rsync)
//   anything else                a local path
//
// As in rsync, a colon before the first slash makes an argument remote, so
// ./odd:name stays local.

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
    return {kind: 'agent', host: (m[1] as string).replace(/^\[|\]$/g, ''), port, path: decodeURIComponent(m[3] as string)}
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
