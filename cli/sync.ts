// push and pull share everything but the direction: parse the two ends,
// reach the remote agent (running, or started over ssh), run the session,
// show progress, print the summary.

import {Flags} from '@oclif/core'
import {randomBytes} from 'node:crypto'
import path from 'node:path'
import {parseAddress, type Address} from '../agent/address.js'
import {syncWithAgent} from '../agent/client.js'
import {DEFAULT_BLOCK} from '../agent/engine.js'
import {UsageError} from '../agent/errors.js'
import {KeyRing, readKeyFile} from '../agent/keys.js'
import type {Summary, SyncOptions} from '../agent/session.js'
import {startRemoteAgent} from '../agent/ssh.js'
import {formatBytes, parseSize} from '../agent/units.js'
import {Progress} from './progress.js'

export const syncFlags = {
  'psk-file': Flags.string({description: 'Key file shared with the agent (agent:// addresses).'}),
  identity: Flags.string({description: 'Which identity of the key file to use (default: the first).'}),
  'block-size': Flags.string({char: 'b', description: 'Coarse block size (4K to 4M, a power of two); changes inside a block are still found and sent 4 KiB at a time.', default: '64K'}),
  'dry-run': Flags.boolean({char: 'n', description: 'Report what differs; write nothing.'}),
  force: Flags.boolean({description: 'Write to a block device even if it looks mounted or in use.'}),
  ssh: Flags.string({char: 'e', description: 'The ssh command to start the remote agent with, like rsync -e.', default: 'ssh'}),
  'remote-bin': Flags.string({description: 'How to run blockpair on the remote host, if not on its PATH.', default: 'blockpair'}),
}

export interface SyncFlags {
  'psk-file'?: string
  identity?: string
  'block-size': string
  'dry-run': boolean
  force: boolean
  ssh: string
  'remote-bin': string
  json: boolean
  quiet: boolean
}

interface Ends {
  local: string
  remote: Exclude<Address, {kind: 'local'}>
}

function ends(direction: 'push' | 'pull', from: string, to: string): Ends {
  const a = parseAddress(from)
  const b = parseAddress(to)
  const [local, remote] = direction === 'push' ? [a, b] : [b, a]
  if (local.kind !== 'local') throw new UsageError('E_ADDRESS', `${direction}: '${direction === 'push' ? from : to}' must be a local path`)
  if (remote.kind === 'local') {
    throw new UsageError('E_ADDRESS', `${direction}: '${direction === 'push' ? to : from}' must be remote: agent://HOST:PORT/PATH or [USER@]HOST:PATH`)
  }
  return {local: local.path, remote}
}

export async function runSync(direction: 'push' | 'pull', from: string, to: string, flags: SyncFlags, extra: Partial<SyncOptions> = {}): Promise<Summary> {
  const {local, remote} = ends(direction, from, to)
  const blockSize = parseSize(flags['block-size'], '--block-size')
  const progress = new Progress(!flags.quiet && !!process.stderr.isTTY, `${direction} ${path.basename(local)}`)
  const opts: SyncOptions = {
    direction,
    localPath: local,
    remotePath: remote.path,
    blockSize,
    dryRun: flags['dry-run'],
    force: flags.force,
    ...extra,
    onStart: (plan, ids) => {
      progress.start(plan.end - plan.start)
      extra.onStart?.(plan, ids)
    },
    hooks: {...extra.hooks, onProgress: done => progress.update(done)},
  }
  try {
    if (remote.kind === 'agent') {
      if (!flags['psk-file']) throw new UsageError('E_NO_KEY', 'agent:// addresses need --psk-file (the key file the agent was started with)')
      return await syncWithAgent({host: remote.host, port: remote.port}, readKeyFile(flags['psk-file']), flags.identity, opts)
    }
    // Over ssh: a fresh key for this one session, handed over on ssh's stdin.
    const key = {identity: 'blockpair', key: randomBytes(32)}
    if (!path.isAbsolute(remote.path)) opts.remotePath = remote.path
    const agent = await startRemoteAgent({
      target: remote.target,
      ssh: flags.ssh,
      remoteBin: flags['remote-bin'],
      psk: key.key,
      identity: key.identity,
      allow: [path.posix.dirname(remote.path)],
    })
    try {
      return await syncWithAgent({host: agent.host, port: agent.port}, new KeyRing([key]), key.identity, opts)
    } finally {
      await agent.close()
    }
  } finally {
    progress.stop()
  }
}

export function describe(s: Summary): string {
  const pct = s.blocks === 0 ? 0 : (100 * s.blocksChanged) / s.blocks
  const verb = s.dryRun ? 'would send' : 'sent'
  const secs = (s.durationMs / 1000).toFixed(2)
  const lines = [
    `${s.source} -> ${s.destination}: ${formatBytes(s.size)}, ${s.blocksChanged} of ${s.blocks} blocks differ (${pct.toFixed(2)}%)`,
    `  ${verb} ${formatBytes(s.bytesSent)} of block data, ${s.dryRun ? 'would zero' : 'zeroed'} ${formatBytes(s.bytesZeroed)}; read ${formatBytes(s.bytesReadSource)} at the source, ${formatBytes(s.bytesReadDest)} at the destination; ${secs} s`,
  ]
  if (s.destinationCreated && !s.dryRun) lines.push('  the destination was created (sparse)')
  if (s.destinationLargerBy > 0) lines.push(`  the destination device is ${formatBytes(s.destinationLargerBy)} larger than the source; the extra space was left as it was`)
  return lines.join('\n')
}
