// The one-line reports of digest, diff and apply (their --json is the
// summary object itself). Kept beside the runs, not in cli/format.ts, so the
// commands stay a few lines each.

import {formatBytes} from '../units.js'
import type {ApplySummary} from './apply.js'
import type {DiffSummary} from './diff.js'
import type {DigestSummary} from './digest.js'

export function describeDigest(s: DigestSummary): string {
  return `${s.digestFile}: ${s.blocks} blocks of ${formatBytes(s.blockSize)} over ${formatBytes(s.size)}, ${formatBytes(s.fileBytes)}; digest ${s.digest}`
}

export function describeDiff(s: DiffSummary): string {
  const verb = s.dryRun ? 'would hold' : `${s.patch} holds`
  const packed = s.dryRun ? '' : `, ${formatBytes(s.patchBytes)} on disk (compression ${s.compression})`
  return `${verb} ${formatBytes(s.bytesData)} of data and ${formatBytes(s.bytesZero)} of zeros in ${s.blocksChanged} of ${s.blocks} blocks${packed}\n` +
    `  base ${formatBytes(s.baseSize)} (${s.against}) digest ${s.baseDigest || 'unknown'} -> result ${formatBytes(s.size)} digest ${s.digest}`
}

export function describeApply(s: ApplySummary): string {
  if (s.alreadyApplied) return `${s.target} already holds this patch's result (digest ${s.digest}): nothing to do`
  const verb = s.dryRun ? 'would write' : 'wrote'
  const resumed = s.resumedFrom > 0 ? `, resumed at ${formatBytes(s.resumedFrom)}` : ''
  return `${s.target}: ${verb} ${formatBytes(s.bytesWritten)} and ${s.dryRun ? 'would zero' : 'zeroed'} ${formatBytes(s.bytesZeroed)} in ${s.blocksTouched} blocks` +
    ` (base checked: ${s.baseChecked}${resumed}); result digest ${s.digest}`
}
