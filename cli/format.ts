// Everything the CLI prints about a run: the text summary lines and the JSON
// objects of push, pull, resume, verify and jobs. Pure functions of results,
// unit-tested in test/cli/format.test.ts.

import type {JobRecord} from '../agent/run/jobs.js'
import type {PairSpace} from '../agent/track/pairs.js'
import {formatBytes} from '../agent/run/units.js'
import type {Verdict} from '../agent/run/verify.js'
import type {Summary} from '../agent/session/session.js'

const SUMMED = ['size', 'blocks', 'blocksChanged', 'bytesReadSource', 'bytesReadDest', 'bytesSent', 'bytesOnWire',
  'bytesWritten', 'bytesZeroed', 'durationMs'] as const

export type Totals = {[K in (typeof SUMMED)[number]]: number}

/** The sums over the files of a run (durationMs too: the time spent in sessions). */
export function totals(files: readonly Summary[]): Totals {
  const t = Object.fromEntries(SUMMED.map(k => [k, 0])) as Totals
  for (const s of files) for (const k of SUMMED) t[k] += s[k]
  return t
}

export function describe(s: Summary): string {
  const pct = s.blocks === 0 ? 0 : (100 * s.blocksChanged) / s.blocks
  const verb = s.dryRun ? 'would send' : 'sent'
  const secs = (s.durationMs / 1000).toFixed(2)
  const lines = [
    `${s.source} -> ${s.destination}: ${formatBytes(s.size)}, ${s.blocksChanged} of ${s.blocks} blocks differ (${pct.toFixed(2)}%)`,
    `  ${verb} ${formatBytes(s.bytesSent)} of block data, ${s.dryRun ? 'would zero' : 'zeroed'} ${formatBytes(s.bytesZeroed)}; read ${formatBytes(s.bytesReadSource)} at the source, ${formatBytes(s.bytesReadDest)} at the destination; ${secs} s`,
  ]
  const ct = s.changeTracking
  if (ct.used) lines.push(`  change tracking (${ct.method}): read only what changed, skipped ${formatBytes(ct.bytesSkipped)}`)
  else if (ct.reason) lines.push(`  change tracking: ${ct.reason}`)
  if (s.destinationCreated && !s.dryRun) lines.push('  the destination was created (sparse)')
  if (s.destinationLargerBy > 0) lines.push(`  the destination device is ${formatBytes(s.destinationLargerBy)} larger than the source; the extra space was left as it was`)
  return lines.join('\n')
}

export function describeTotal(files: readonly Summary[]): string {
  const t = totals(files)
  const dry = files.some(s => s.dryRun)
  return `${files.length} files, ${formatBytes(t.size)}: ${t.blocksChanged} of ${t.blocks} blocks differ; ` +
    `${dry ? 'would send' : 'sent'} ${formatBytes(t.bytesSent)} of block data; ${(t.durationMs / 1000).toFixed(2)} s`
}

/** The JSON of a several-file run, finished or stopped at `failed`. */
export function runJson(files: readonly Summary[], failed?: {code: string; exit: number; message: string; file: string}): object {
  if (!failed) return {ok: true, files, total: totals(files)}
  return {ok: false, code: failed.code, exit: failed.exit, message: failed.message, file: failed.file, files, total: totals(files)}
}

export function verifyJson(v: Verdict): object {
  const s = v.summary
  return {ok: true, identical: v.identical, source: s.source, target: s.destination, size: s.size, targetSize: s.destinationSize,
    bytesDiffering: s.bytesSent + s.bytesZeroed, differences: s.differences, bytesReadSource: s.bytesReadSource,
    bytesReadDest: s.bytesReadDest, durationMs: s.durationMs}
}

/** At most SHOWN ranges are listed in text; --json has them all. */
const SHOWN = 20

export function verifyText(v: Verdict): string {
  const s = v.summary
  if (v.identical) return `identical: ${s.source} and ${s.destination} (${formatBytes(s.size)})`
  if (!s.destinationExisted) return `different: ${s.destination} does not exist`
  const lines = [`different: ${formatBytes(s.bytesSent + s.bytesZeroed)} in ${s.differences.length} ranges${v.sizeDiffers ? `; sizes ${s.size} and ${s.destinationSize}` : ''}`]
  for (const r of s.differences.slice(0, SHOWN)) lines.push(`  ${r.offset}+${r.length}`)
  if (s.differences.length > SHOWN) lines.push(`  ... ${s.differences.length - SHOWN} more (see --json)`)
  return lines.join('\n')
}

export function jobsJson(jobs: readonly JobRecord[]): object[] {
  return jobs.map(j => ({...j, progress: j.size > 0 ? j.checkpoint / j.size : j.state === 'done' ? 1 : 0}))
}

export function pairsTable(pairs: readonly PairSpace[]): string {
  return pairs.map(p => `tracked ${p.pair}  ${p.source} -> ${p.destination}  base holds ${p.heldBytes === null ? '? (on the source host)' : formatBytes(p.heldBytes)}`).join('\n')
}

export function jobsTable(jobs: readonly JobRecord[], now = Date.now()): string {
  if (jobs.length === 0) return 'no jobs'
  const rows = jobs.map(j => [
    j.id,
    j.state,
    j.size > 0 ? `${((100 * j.checkpoint) / j.size).toFixed(1)}%` : '-',
    `${j.direction} ${j.from} -> ${j.to}`,
    age(now - Date.parse(j.updatedAt)),
  ])
  const head = ['JOB', 'STATE', 'DONE', 'ENDS', 'AGE']
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] as string).length)))
  return [head, ...rows].map(r => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] as number))).join('  ')).join('\n')
}

export function age(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 120) return `${s}s`
  if (s < 7200) return `${Math.round(s / 60)}m`
  if (s < 172800) return `${Math.round(s / 3600)}h`
  return `${Math.round(s / 86400)}d`
}
