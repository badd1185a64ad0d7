// What a run says in text: the summary lines of push, pull and resume, the
// verdict of verify, the jobs table, the progress line. Human units here
// (formatBytes: KiB, MiB, GiB); exact bytes only in JSON (schema.ts). Pure
// functions of results, so the CLI only prints them.

import type {PairSpace} from '../track/pairs.js'
import type {JobRecord} from './jobs.js'
import {MAX_RANGES} from '../engine/plan.js'
import {totals} from './schema.js'
import {formatBytes, formatRange, plural} from './units.js'
import type {Verdict} from './verify.js'
import type {Summary} from '../session/session.js'

export function describe(s: Summary): string {
  const pct = s.blocks === 0 ? 0 : (100 * s.blocksChanged) / s.blocks
  const verb = s.dryRun ? 'would send' : 'sent'
  const secs = (s.durationMs / 1000).toFixed(2)
  const lines = [
    `${s.source} -> ${s.destination}: ${formatBytes(s.size)}, ${s.blocksChanged} of ${s.blocks} blocks differ (${pct.toFixed(2)}%)`,
    `  ${verb} ${formatBytes(s.bytesSent)} of block data, ${s.dryRun ? 'would zero' : 'zeroed'} ${formatBytes(s.bytesZeroed)}; read ${formatBytes(s.bytesReadSource)} at the source, ${formatBytes(s.bytesReadDest)} at the destination; ${secs} s`,
  ]
  const ct = s.changeTracking
  if (ct.method === 'cache') lines.push(ct.used ? `  destination hash cache: answered from it, skipped reading ${formatBytes(ct.bytesSkipped)} of the destination` : `  destination hash cache: ${ct.reason}`)
  else if (ct.used) lines.push(`  change tracking (${ct.method}): read only what changed, skipped ${formatBytes(ct.bytesSkipped)}`)
  else if (ct.reason) lines.push(`  change tracking: ${ct.reason}`)
  if (s.verified) lines.push(`  verified: re-read ${formatBytes(s.size - s.resumedFrom)} of the destination from disk; it matches the source`)
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

/** At most SHOWN ranges are listed in text; --json has them all. */
const SHOWN = 20

export function verifyText(v: Verdict): string {
  const s = v.summary
  if (v.identical) return `identical: ${s.source} and ${s.destination} (${formatBytes(s.size)})`
  if (!s.destinationExisted) return `different: ${s.destination} does not exist`
  const sizes = v.sizeDiffers ? `; sizes ${formatBytes(s.size)} and ${formatBytes(s.destinationSize)}` : ''
  const lines = [`different: ${formatBytes(s.bytesSent + s.bytesZeroed)} in ${plural(s.differences.length, 'range')}${sizes}`]
  for (const r of s.differences.slice(0, SHOWN)) lines.push(`  ${formatRange(r)}`)
  if (s.differences.length > SHOWN) lines.push(`  ... ${s.differences.length - SHOWN} more (see --json)`)
  if (s.differences.length >= MAX_RANGES) lines.push(`  (the list stops at ${MAX_RANGES} ranges: the last one spans every later difference)`)
  return lines.join('\n')
}

/** What --stats adds to a run's text: every figure of the JSON, in human units. */
export function statsText(s: Pick<Summary, 'bytesOnWire' | 'bytesWritten' | 'bytesZeroed' | 'bytesSent' | 'durationMs' | 'blockSize'>): string {
  const secs = Math.max(0.001, s.durationMs / 1000)
  return [
    `  block size ${formatBytes(s.blockSize)}; on the wire ${formatBytes(s.bytesOnWire)} (both ways, all frames)`,
    `  written ${formatBytes(s.bytesWritten)}, zeroed ${formatBytes(s.bytesZeroed)} at the destination; ${formatBytes(s.bytesSent / secs)}/s of block data`,
  ].join('\n')
}

/** The line `resume` starts with: which job it continues (issue 14, item 6), and from where. */
export function resumeText(job: JobRecord): string {
  const at = job.size > 0 ? `${formatBytes(job.checkpoint)} of ${formatBytes(job.size)} (${((100 * job.checkpoint) / job.size).toFixed(1)}%)` : 'the start'
  return `resuming job ${job.id} (${job.direction} ${job.from} -> ${job.to}, started ${job.createdAt}) from ${at}`
}

/**
 * The progress line, sized to `columns`: what matters first (position, the
 * rate of block data that really moves, ETA), the bar last, so a narrow
 * terminal cuts the bar and never the figures. The rate counts what is sent
 * (or written), not holes and equal blocks passed over.
 */
export function progressLine(p: {label: string; done: number; total: number; moved: number; secs: number; columns: number}): string {
  const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100
  const pace = p.secs > 0 ? p.done / p.secs : 0
  const eta = pace > 0 ? duration((p.total - p.done) / pace) : '-'
  const rate = formatBytes(p.secs > 0 ? p.moved / p.secs : 0)
  // Fixed widths, so the bar does not jump as the figures change.
  const figures = ` ${String(pct).padStart(3)}% ${`${rate}/s`.padStart(11)} ETA ${eta.padEnd(5)}`
  const width = p.columns - 1
  const label = p.label.length + figures.length > width ? p.label.slice(0, Math.max(0, width - figures.length - 1)) + '~' : p.label
  let line = label + figures
  const more = ` ${`${compact(p.done)}/${compact(p.total)}`.padStart(15)} sent ${compact(p.moved).padStart(7)}`
  if (line.length + more.length <= width) line += more
  const room = width - line.length - 3
  if (room < 5) return line.trimEnd()
  const fill = Math.round((room * Math.min(p.done, p.total)) / Math.max(1, p.total))
  return `${line} [${'='.repeat(fill)}${' '.repeat(room - fill)}]`
}

/** formatBytes without the space: '1.20GiB'. */
function compact(n: number): string {
  return formatBytes(n).replace(' ', '')
}

/** Seconds as 45s, 12m05s, 3h07m. */
export function duration(secs: number): string {
  const s = Math.round(secs)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
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

/** Help text as paragraphs: a line break inside a paragraph is a space, so the help's own wrapping never splits a sentence. */
export function paragraphs(text: string): string {
  return text.replace(/([^\n])\n(?!\s|- )/g, '$1 ')
}
