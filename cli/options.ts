// The sync flags of push, pull and verify, and the ONE place where parsed
// flags become RunOptions (agent/run/options.ts). Defaults come from the
// options' table; nothing kebab-case goes past this file.

import {Flags} from './oclif.js'
import {DEFAULTS, parseStreams, runOptions, type RunOptions} from '../agent/run/options.js'
import {parseRate, parseSize} from '../agent/run/units.js'
import {parseDuration} from '../agent/ops/serve.js'
import {readChangedRanges} from '../agent/run/changed-ranges.js'
import {UsageError} from '../agent/errors.js'
import {MAX_STREAMS} from '../agent/session/streams.js'

export const syncFlags = {
  'psk-file': Flags.string({description: 'Key file shared with the agent (agent:// addresses).'}),
  identity: Flags.string({description: 'Which identity of the key file to use (default: the first).'}),
  'block-size': Flags.string({char: 'b', description: 'Coarse block size (4K to 4M, a power of two); changes inside a block are still found and sent 4 KiB at a time.', default: `${DEFAULTS.blockSize >> 10}K`}),
  'dry-run': Flags.boolean({char: 'n', description: 'Report what differs; write nothing.'}),
  force: Flags.boolean({description: 'Write to a block device even if it looks mounted or in use.'}),
  ssh: Flags.string({char: 'e', description: 'The ssh command to start the remote agent with, like rsync -e.', default: DEFAULTS.ssh}),
  'remote-bin': Flags.string({description: 'How to run blockpair on the remote host, if not on its PATH (shell text, e.g. "node /opt/blockpair/bin/run.js").', default: DEFAULTS.remoteBin}),
  'ssh-timeout': Flags.integer({description: 'Seconds to wait for ssh to connect and the remote agent to report its port.', default: DEFAULTS.sshTimeout, min: 1}),
  timeout: Flags.string({description: `Give up when nothing comes from the remote agent for this long (a cut cable, a hung host), like rsync --timeout: 90, 30s, 5m; 0 never. The job stays resumable (exit 6). A busy agent sends keepalives, so a slow disk is not silence. Default ${DEFAULTS.timeoutMs / 1000}s.`}),
  // A whole number checked as it is parsed, so a bad one is E_STREAMS (exit 2) before anything starts.
  streams: Flags.custom<number>({description: `Sync each file over this many connections at once (1 to ${MAX_STREAMS}), each over its own part of the file; over ssh each gets its own remote agent process. For links faster than one connection carries (about 0.7 GB/s per core).`, default: DEFAULTS.streams, parse: async text => parseStreams(text)})(),
}

export const jobFlags = {
  verify: Flags.boolean({description: 'After the sync, re-read the destination from disk and check it against the source.'}),
  bwlimit: Flags.string({description: 'Cap block data at this rate per second: a bare number is KiB/s, like rsync (20000 = about 20 MB/s); K, M, G suffixes, or B for bytes, e.g. 100M; 0 means no limit, as in rsync.'}),
  'state-dir': Flags.string({description: 'Folder for job state (default $XDG_STATE_HOME/blockpair or ~/.local/state/blockpair).'}),
  'track-changes': Flags.boolean({description: 'Read from a reflink snapshot of the source (XFS, btrfs) and, from the second sync of a pair on, read only what changed since the last.'}),
  'changed-ranges': Flags.string({description: "Read and compare only these ranges of the source (FILE, or - for stdin): 'OFFSET LENGTH' lines in bytes, qemu-img map --output=json of a dirty bitmap, or thin_delta XML. Used only when both ends are as the pair's last sync left them; otherwise the full compare."}),
  'thin-block-size': Flags.string({description: "The thin pool's chunk size (lvs -o chunk_size), for a thin_delta list in --changed-ranges, e.g. 64K."}),
  'trust-destination': Flags.boolean({description: 'With --changed-ranges: a destination block device counts as untouched since the last sync of the pair (your promise that nothing wrote to it), so it is not read in full.'}),
  // Like cp -p, a new destination file takes the source's mode, owner and group (as root) and mtime; these turn each part off.
  'no-perms': Flags.boolean({description: "Create a new destination 0600 instead of with the source's permission bits."}),
  'no-owner': Flags.boolean({description: "Leave a new destination owned by the writing side's user instead of the source's owner and group (only root can give those)."}),
  'no-times': Flags.boolean({description: "Leave the destination's mtime as the writes set it instead of the source's."}),
}

/** What rsync users type: -P/--progress, -v, --stats. */
export const talkFlags = {
  progress: Flags.boolean({char: 'P', description: 'Show the progress bar even when stderr is not a terminal (then a line every 2 s), like rsync -P.'}),
  verbose: Flags.boolean({char: 'v', description: 'Say what happens: connecting, each file and its range.'}),
  stats: Flags.boolean({description: 'Add every figure of the run to the summary (bytes on the wire, written, zeroed, rate).'}),
}

/** Any subset of the flags above, as oclif parsed them, with the base flags. */
export interface SyncFlagValues {
  'psk-file'?: string
  identity?: string
  'block-size'?: string
  'dry-run'?: boolean
  force?: boolean
  ssh?: string
  'remote-bin'?: string
  'ssh-timeout'?: number
  timeout?: string
  streams?: number
  verify?: boolean
  bwlimit?: string
  'state-dir'?: string
  progress?: boolean
  verbose?: boolean
  stats?: boolean
  'track-changes'?: boolean
  'changed-ranges'?: string
  'thin-block-size'?: string
  'trust-destination'?: boolean
  'no-perms'?: boolean
  'no-owner'?: boolean
  'no-times'?: boolean
  json: boolean
  quiet: boolean
}

/** Parsed flags to RunOptions; sizes parsed, every value checked (usage errors, exit 2). */
export function toRunOptions(f: SyncFlagValues): RunOptions {
  return runOptions({
    pskFile: f['psk-file'],
    identity: f.identity,
    blockSize: f['block-size'] === undefined ? undefined : parseSize(f['block-size'], '--block-size'),
    dryRun: f['dry-run'],
    force: f.force,
    ssh: f.ssh,
    remoteBin: f['remote-bin'],
    sshTimeout: f['ssh-timeout'],
    timeoutMs: f.timeout === undefined ? undefined : parseTimeout(f.timeout),
    streams: f.streams,
    verify: f.verify,
    bwlimit: f.bwlimit === undefined ? undefined : bwlimitOf(f.bwlimit),
    stateDir: f['state-dir'],
    trackChanges: f['track-changes'],
    changedRanges: changedRangesOf(f),
    trustDestination: f['trust-destination'],
    perms: f['no-perms'] === undefined ? undefined : !f['no-perms'],
    owner: f['no-owner'] === undefined ? undefined : !f['no-owner'],
    times: f['no-times'] === undefined ? undefined : !f['no-times'],
    json: f.json,
    quiet: f.quiet,
    progress: f.progress,
    verbose: f.verbose,
    stats: f.stats,
  })
}

/** --changed-ranges read and checked here, so a bad list stops the run before it connects (exit 2). */
/** --bwlimit as typed: 0 is no limit, as in rsync; else a rate of at least 1K (checked with the other options). */
function bwlimitOf(text: string): number | undefined {
  const rate = parseRate(text, '--bwlimit')
  return rate === 0 ? undefined : rate
}

function changedRangesOf(f: SyncFlagValues): RunOptions['changedRanges'] {
  if (f['changed-ranges'] === undefined) {
    if (f['thin-block-size'] !== undefined) throw new UsageError('E_THIN_BLOCK_SIZE', '--thin-block-size is for a thin_delta list in --changed-ranges')
    return undefined
  }
  const thin = f['thin-block-size'] === undefined ? undefined : parseSize(f['thin-block-size'], '--thin-block-size')
  return readChangedRanges(f['changed-ranges'], thin)
}

/** --timeout as typed: a duration (a bare number is seconds, like rsync's), or 0 for never. */
export function parseTimeout(text: string): number {
  return /^\s*0+(\.0*)?\s*(ms|s|m|h)?\s*$/.test(text) ? 0 : parseDuration(text, '--timeout')
}
