import {Args} from '@oclif/core'
import {parseAddress} from '../../agent/run/address.js'
import {DEFAULT_BLOCK} from '../../agent/engine/engine.js'
import {EXIT, UsageError} from '../../agent/errors.js'
import {syncLocal} from '../../agent/session/local.js'
import type {Summary} from '../../agent/session/session.js'
import {formatBytes, parseSize} from '../../agent/run/units.js'
import {BaseCommand} from '../base.js'
import {runSync, syncFlags} from '../sync.js'

export default class Verify extends BaseCommand {
  static summary = 'Compare a source with its copy without writing anything.'
  static description = `Both ends read and hash their data at the same time, as in a sync, and report the byte ranges that
differ. Exit code 0: identical; 1: different (the ranges are in --json as "differences"). Either end
may be remote (agent://HOST:PORT/PATH or [USER@]HOST:PATH), or both local.`

  static examples = [
    '<%= config.bin %> verify vm.img root@hv2:/images/vm.img',
    '<%= config.bin %> verify vm.img agent://hv2:7373/images/vm.img --psk-file /etc/blockpair/psk --json',
    '<%= config.bin %> verify /dev/vg0/vm /mnt/backup/vm.img',
  ]

  static args = {
    source: Args.string({description: 'The reference: a local path or a remote address.', required: true}),
    target: Args.string({description: 'The copy to check: a local path or a remote address.', required: true}),
  }

  static flags = {
    'psk-file': syncFlags['psk-file'],
    identity: syncFlags.identity,
    'block-size': syncFlags['block-size'],
    ssh: syncFlags.ssh,
    'remote-bin': syncFlags['remote-bin'],
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(Verify)
    this.wantsJson = flags.json
    const src = parseAddress(args.source)
    const dst = parseAddress(args.target)
    const all = {...flags, 'dry-run': true, force: false}
    let s: Summary
    if (src.kind === 'local' && dst.kind === 'local') {
      s = await syncLocal({direction: 'push', localPath: src.path, remotePath: dst.path, blockSize: parseSize(flags['block-size'] ?? `${DEFAULT_BLOCK}`, '--block-size'), dryRun: true})
    } else if (src.kind === 'local') {
      s = await runSync('push', args.source, args.target, all)
    } else if (dst.kind === 'local') {
      s = await runSync('pull', args.source, args.target, all)
    } else {
      throw new UsageError('E_ADDRESS', 'verify: at least one end must be local')
    }
    const sizeDiffers = s.destinationSize !== s.size && !(s.destIdentity?.isDevice && s.destinationSize > s.size)
    const identical = s.destinationExisted && !sizeDiffers && s.blocksChanged === 0
    if (flags.json) {
      this.printJson({ok: true, identical, source: s.source, target: s.destination, size: s.size, targetSize: s.destinationSize,
        bytesDiffering: s.bytesSent + s.bytesZeroed, differences: s.differences, bytesReadSource: s.bytesReadSource,
        bytesReadDest: s.bytesReadDest, durationMs: s.durationMs})
    } else if (!flags.quiet) {
      if (identical) this.out(`identical: ${s.source} and ${s.destination} (${formatBytes(s.size)})`)
      else if (!s.destinationExisted) this.out(`different: ${s.destination} does not exist`)
      else {
        this.out(`different: ${formatBytes(s.bytesSent + s.bytesZeroed)} in ${s.differences.length} ranges${sizeDiffers ? `; sizes ${s.size} and ${s.destinationSize}` : ''}`)
        for (const r of s.differences.slice(0, 20)) this.out(`  ${r.offset}+${r.length}`)
        if (s.differences.length > 20) this.out(`  ... ${s.differences.length - 20} more (see --json)`)
      }
    }
    if (!identical) this.exit(EXIT.DIFFERENT)
  }
}
