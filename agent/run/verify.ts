// What "identical" means for `blockpair verify`: a dry run of a sync (both
// ends read and hash at once; nothing is written) whose destination exists,
// has the source's size, and has no block that differs. A block device larger
// than the source still counts as identical (the space past the source is not
// part of the copy), as in a sync, which leaves it as it was.

import type {Summary} from '../session/session.js'
import {syncLocal} from '../session/local.js'
import {UsageError} from '../errors.js'
import {parseAddress} from './address.js'
import type {RunObserver} from './observer.js'
import type {RunOptions} from './options.js'
import {runSync} from './sync.js'

export interface Verdict {
  identical: boolean
  /** The sizes differ in a way that matters (see above). */
  sizeDiffers: boolean
  summary: Summary
}

/** Compare `source` with its copy `target`; either may be remote, or both local. Writes nothing. */
export async function runVerify(source: string, target: string, given: RunOptions, observer: RunObserver = {}): Promise<Verdict> {
  const o: RunOptions = {...given, dryRun: true, force: false}
  const src = parseAddress(source)
  const dst = parseAddress(target)
  let s: Summary
  if (src.kind === 'local' && dst.kind === 'local') {
    s = await syncLocal({direction: 'push', localPath: src.path, remotePath: dst.path, blockSize: o.blockSize, dryRun: true})
  } else if (src.kind === 'local') {
    s = await runSync('push', source, target, o, observer)
  } else if (dst.kind === 'local') {
    s = await runSync('pull', source, target, o, observer)
  } else {
    throw new UsageError('E_ADDRESS', 'verify: at least one end must be local')
  }
  return verdict(s)
}

export function verdict(s: Summary): Verdict {
  const sizeDiffers = s.destinationSize !== s.size && !(s.destIdentity?.isDevice && s.destinationSize > s.size)
  return {identical: s.destinationExisted && !sizeDiffers && s.blocksChanged === 0, sizeDiffers, summary: s}
}
