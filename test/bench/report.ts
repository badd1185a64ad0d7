// Results of the benchmark and their Markdown rendering (BENCHMARKS.md and stdout).

import {type CaseDef, type Measured, type Target, type ToolDef, BLOCKPAIR} from './cases.js'
import {fmtBytes, fmtRatio, fmtSec, median} from './util.js'

export interface RunRecord {
  round: number
  /** Wall clock of a successful run. */
  ms?: number
  error?: string
  rssKiB?: number
  /** Bytes read by the command's processes (rchar). */
  rchar?: number
  /** blockpair's --json summary. */
  summary?: Record<string, unknown>
  /** Destination's st_blocks * 512 after the run. */
  allocated?: number
  /** cmp found the destination identical to the source. */
  verified?: boolean
}

export interface ToolResult {
  def: ToolDef
  runs: RunRecord[]
  /** Why later runs were skipped (e.g. a timeout). */
  skipped?: string
}

export interface CaseResult {
  def: CaseDef
  title: string
  about: string[]
  tools: ToolResult[]
  rounds: number
  /** Peak RSS of the `blockpair push` tool's agent, KiB. */
  agentKiB?: number
  /** Peak RSS of each agent of the case, by AgentSpec key, KiB. */
  agentKiBs?: Record<string, number>
  /** Agent trouble (failed start, restarts) and set-up notes. */
  agentNotes: string[]
  /** The case could not run at all. */
  error?: string
  /** The case cannot run on this machine (e.g. no root for network namespaces). */
  unavailable?: string
  targets: Target[]
}

const ok = (r: RunRecord): r is RunRecord & {ms: number} => r.ms !== undefined && r.error === undefined

export function medianMs(t: ToolResult | undefined): number | undefined {
  return t ? median(t.runs.filter(ok).map(r => r.ms)) : undefined
}

/** Median of the per-round ratios a/b (runs of the same round were taken back to back); ratio of medians if no round has both. */
export function pairedRatio(a: ToolResult | undefined, b: ToolResult | undefined): number | undefined {
  if (!a || !b) return undefined
  const rs: number[] = []
  for (const ra of a.runs.filter(ok)) {
    const rb = b.runs.find(r => r.round === ra.round && ok(r))
    if (rb?.ms) rs.push(ra.ms / rb.ms)
  }
  if (rs.length) return median(rs)
  const ma = medianMs(a)
  const mb = medianMs(b)
  return ma !== undefined && mb ? ma / mb : undefined
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

export function summaryField(t: ToolResult | undefined, field: string): number | undefined {
  if (!t) return undefined
  return median(t.runs.filter(ok).map(r => num(r.summary?.[field])).filter((v): v is number => v !== undefined))
}

function maxOf(xs: (number | undefined)[]): number | undefined {
  const v = xs.filter((x): x is number => x !== undefined)
  return v.length ? Math.max(...v) : undefined
}

export function measured(c: Omit<CaseResult, 'targets'>): Measured {
  const tool = (name: string) => c.tools.find(t => t.def.name === name)
  return {
    ratio: (a, b) => pairedRatio(tool(a), tool(b)),
    summary: (name, field) => summaryField(tool(name), field),
    allocated: name => median((tool(name)?.runs ?? []).filter(ok).map(r => r.allocated).filter((v): v is number => v !== undefined)),
    rssKiB: name => maxOf((tool(name)?.runs ?? []).filter(ok).map(r => r.rssKiB)),
    agentKiB: c.agentKiB,
    ms: name => medianMs(tool(name)),
  }
}

function status(t: ToolResult, rounds: number): {failed?: string, note?: string} {
  if (t.def.unavailable) return {failed: `not available: ${t.def.unavailable}`}
  const good = t.runs.filter(ok)
  const bad = t.runs.filter(r => r.error !== undefined)
  const firstError = bad[0]?.error
  if (!good.length) return {failed: `failed: ${firstError ?? t.skipped ?? 'did not run'}`}
  const notes: string[] = []
  if (bad.length) notes.push(`${bad.length} of ${t.runs.length} runs failed: ${firstError}`)
  if (t.skipped) notes.push(t.skipped)
  if (good.length < rounds && !bad.length && !t.skipped) notes.push(`${good.length} of ${rounds} runs`)
  return {note: notes.join('; ') || undefined}
}

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

function kib(v: number | undefined): string {
  return fmtBytes(v === undefined ? undefined : v * 1024)
}

export function caseTable(c: CaseResult): string[] {
  const floor = c.tools.find(t => t.def.name === c.def.floor)
  const bp = c.tools.find(t => t.def.name === BLOCKPAIR)
  const lines = [
    '| tool | median time (noisy) | × floor | × blockpair | runs ok | bytes read | sent (payload / on wire) | written | dst allocated | peak RSS |',
    '|---|--:|--:|--:|--:|---|---|---|---|---|',
  ]
  const notes: string[] = []
  for (const t of c.tools) {
    const name = `${t.def.name}${t.def.role === 'floor' ? ' **(floor)**' : ''}`
    const st = status(t, c.rounds)
    if (st.failed) {
      lines.push(`| ${esc(name)} | ${esc(st.failed)} | – | – | 0/${c.rounds} | – | – | – | – | – |`)
      continue
    }
    if (st.note) notes.push(`${t.def.name}: ${st.note}`)
    const good = t.runs.filter(ok)
    const rss = maxOf(good.map(r => r.rssKiB))
    let read: string
    let sent = '–'
    let written = '–'
    if (t.def.agent) {
      read = `src ${fmtBytes(summaryField(t, 'bytesReadSource'))}, dst ${fmtBytes(summaryField(t, 'bytesReadDest'))}`
      sent = `${fmtBytes(summaryField(t, 'bytesSent'))} / ${fmtBytes(summaryField(t, 'bytesOnWire'))}`
      const zeroed = summaryField(t, 'bytesZeroed')
      written = `${fmtBytes(summaryField(t, 'bytesWritten'))}${zeroed ? ` (+${fmtBytes(zeroed)} zeroed)` : ''}`
    } else {
      const rc = median(good.map(r => r.rchar).filter((v): v is number => v !== undefined && Number.isFinite(v)))
      read = `${fmtBytes(rc)} (read() total)`
    }
    const alloc = t.def.writesDst ? fmtBytes(median(good.map(r => r.allocated).filter((v): v is number => v !== undefined))) : '–'
    const peak = t.def.agent ? `push ${kib(rss)}; agent ${kib(c.agentKiBs?.[t.def.agent.key] ?? c.agentKiB)}` : kib(rss)
    const vsFloor = t === floor ? '1×' : fmtRatio(pairedRatio(t, floor))
    const vsBp = t === bp ? '1×' : fmtRatio(pairedRatio(t, bp))
    lines.push(`| ${esc(name)} | ${fmtSec(medianMs(t))} | ${vsFloor} | ${vsBp} | ${good.length}/${c.rounds} | ${read} | ${sent} | ${written} | ${alloc} | ${peak} |`)
  }
  const out = [...lines, '']
  out.push('Commands:', '')
  for (const t of c.tools) out.push(`- ${t.def.name}: \`${t.def.show}\``)
  out.push('')
  const runs = c.tools
    .filter(t => t.runs.length)
    .map(t => `${t.def.name}: ${t.runs.map(r => (ok(r) ? (r.ms / 1000).toFixed(2) : 'x')).join(', ')}`)
  if (runs.length) out.push(`Each run's time in seconds, in round order (x: failed): ${runs.join('; ')}.`, '')
  const verified = c.tools.filter(t => t.runs.some(r => r.verified))
  const byCmp = verified.filter(t => !t.def.verifySparse).map(t => t.def.name)
  const byExtents = verified.filter(t => t.def.verifySparse).map(t => t.def.name)
  if (byCmp.length) out.push(`Destination checked identical to the source with cmp after: ${byCmp.join(', ')} (first run; every run for small files).`, '')
  if (byExtents.length) {
    out.push(`Destination checked identical to the source by comparing the data extents of both files (SEEK_DATA/SEEK_HOLE; holes read as zeros) after: ` +
      `${byExtents.join(', ')} (first run; every run for small files).`, '')
  }
  for (const n of [...c.agentNotes, ...notes]) out.push(`- Note: ${esc(n)}`)
  if (c.agentNotes.length || notes.length) out.push('')
  return out
}

function targetLines(c: CaseResult): string[] {
  return c.targets.map(t => `| ${esc(c.def.id)} | ${esc(t.goal)} | ${t.value} | ${t.ok === undefined ? '–' : t.ok ? 'met' : '**missed**'} |`)
}

export interface ReportMeta {
  date: string
  command: string
  machine: string[]
  build: string[]
  sizes: string
  scaleNote?: string
  dataDir: string
  setupNotes: string[]
  quick: boolean
  runs: number
  totalSec: number
  /** Hand-written analysis appended to the report (test/bench/ANALYSIS.md). */
  analysis?: string
}

export function renderReport(meta: ReportMeta, cases: CaseResult[]): string {
  const out: string[] = ['# Benchmarks', '']
  out.push(`Written by \`npm run bench\` (test/bench/run.ts) on ${meta.date}; do not edit by hand.` +
    `${meta.quick ? ' **Quick smoke run (BENCH_QUICK=1): small files, not for conclusions.**' : ''}`, '')
  out.push('## Summary', '')
  out.push('Medians of alternated runs; ratios are the median of per-round ratios (the tools of one round ran back to back). ' +
    'Absolute times on this machine swing by up to ±50% between runs; the ratios are the result.', '')
  out.push('| case | blockpair × floor | time of the others ÷ blockpair |', '|---|--:|---|')
  for (const c of cases) {
    if (c.unavailable) {
      out.push(`| ${esc(c.title)} | not available: ${esc(c.unavailable)} | |`)
      continue
    }
    if (c.error) {
      out.push(`| ${esc(c.title)} | failed: ${esc(c.error)} | |`)
      continue
    }
    const bp = c.tools.find(t => t.def.name === BLOCKPAIR)
    const floor = c.tools.find(t => t.def.name === c.def.floor)
    const bpStatus = bp ? status(bp, c.rounds).failed : 'not run'
    const others = c.tools
      .filter(t => t !== bp && t.def.role !== 'floor')
      .map(t => `${t.def.name} ${status(t, c.rounds).failed ? 'n/a' : fmtRatio(pairedRatio(t, bp))}`)
      .join('; ')
    out.push(`| ${esc(c.title)} | ${bpStatus ? esc(bpStatus) : `${fmtRatio(pairedRatio(bp, floor))} (${esc(c.def.floor)})`} | ${esc(others)} |`)
  }
  out.push('')
  const targets = cases.flatMap(targetLines)
  if (targets.length) {
    out.push('### Targets (issues 3 and 7)', '', '| case | target | measured | |', '|---|---|--:|---|', ...targets, '')
  }
  out.push('## Setup', '')
  out.push(`- Command: \`${meta.command}\` (${meta.runs} runs per tool, alternated; total ${(meta.totalSec / 60).toFixed(1)} min)`)
  out.push(...meta.machine.map(m => `- ${m}`))
  out.push(...meta.build.map(m => `- ${m}`))
  out.push(`- Sizes: ${meta.sizes}${meta.scaleNote ? ` — **${meta.scaleNote}**` : ''}`)
  out.push(`- Data folder: ${meta.dataDir}`)
  out.push(...meta.setupNotes.map(m => `- ${m}`))
  out.push('')
  for (const c of cases) {
    out.push(`## ${c.title}`, '', `Case \`${c.def.id}\`. ${c.about.join(' ')}`, '')
    if (c.unavailable) {
      out.push(`**Not available: ${esc(c.unavailable)}**`, '')
      continue
    }
    if (c.error) {
      out.push(`**Failed: ${esc(c.error)}**`, '')
      continue
    }
    out.push(...caseTable(c))
  }
  out.push('## How to read this', '')
  out.push(
    '- **Ratios are the result; absolute times are noisy.** Every timed run is preceded by restoring the destination ' +
      '(not timed), `sync`, and reading the files of the case into the page cache, because this machine pages out file data ' +
      'untouched for about 30 s. Tools run in turn within each round, in a rotating order, so slow phases of the machine hit all of them.',
    '- **× floor** is the tool\'s time divided by the floor\'s (cat of the files, or of the data only for sparse images) in the same round, ' +
      'median over rounds; 1× would be as fast as just reading. **× blockpair** is the same against blockpair: ' +
      'rsync at 10× takes ten times as long as blockpair.',
    '- blockpair\'s time is the whole `push` command, CLI start-up and TLS handshake included, against an agent that was started once per case; ' +
      'it ends with fdatasync of the destination (rsync, cat and ssh do not flush).',
    '- **bytes read**: for blockpair, its own counts at each end (`bytesReadSource`, `bytesReadDest`); ' +
      'for the others, all bytes their processes read with read() (rchar from /proc), pipes between rsync\'s processes and ' +
      'the ssh socket included; a sparse file\'s holes count in full when read as zeros.',
    '- **sent**: blockpair\'s block payload and all TLS application bytes both ways. **dst allocated**: st_blocks × 512 after the run.',
    '- **peak RSS**: max resident set from GNU time (`%M`, the largest process of the command); for blockpair the `push` process ' +
      '(which runs the local agent in-process) and the listening agent\'s VmHWM at the end of the case (over all its sessions).',
    '- **Emulated 1 Gbit/s LAN** (cases `lan-*`): two network namespaces joined by a veth pair, `tc … tbf rate 1gbit` on both ends, MTU 1500; ' +
      'blockpair\'s agent in one namespace, the push in the other. Link shares are bytes ÷ time ÷ 10^9 bit/s, time being the whole command ' +
      '(start-up included). A TCP stream carries at most 1448 B of file per 1514 B frame here, i.e. 95.6% of the link; the floor, ' +
      '`plain TCP stream over the link`, shows what one connection really gets. "Link busy" adds TLS records and TCP/IP/Ethernet ' +
      'headers to `bytesOnWire`. For the incremental, blockpair over the link ÷ blockpair on loopback near 1× means the run is bound by ' +
      'reading and hashing, not by the link; well above 1×, by the link. The cases need root and show "not available" otherwise.',
    '- **Peak memory** (cases `sparse16-*`): the same data as the sparse cases spread over twice the apparent size; if memory ' +
      'grows with the image size rather than with the data or the window, the peaks here are higher than in `sparse-*`.',
  )
  out.push('')
  // The analysis (where the time goes, what would close the gaps) is written
  // by hand beside the harness and kept with every run.
  if (meta.analysis) out.push(meta.analysis.trim(), '')
  return out.join('\n')
}
