// Results of the benchmark and their Markdown rendering (BENCHMARKS.md and stdout).
//
// Every tool of a case runs RUNS warm rounds (its files read just before each run)
// and one or more cold rounds (page cache dropped before each run). Each run has a wall
// time and a CPU time (user+sys of every process involved, the agent's or sshd's part
// included). Warm ratios pair runs of the same round (the tools ran back to back, so a
// slow phase of the machine hits both); cold ratios are ratios of medians, because a
// cold fill swings from run to run on its own (the VM's disk and memory), not with the
// phase, and pairing one noisy run with another only multiplies the noise.

import {type CaseDef, type Measured, type Metric, type Target, type ToolDef, BLOCKPAIR} from './cases.js'
import {fmtBytes, fmtRatio, fmtSec, median} from './util.js'

export interface RunRecord {
  round: number
  /** Run with the page cache dropped just before (a cold round). */
  cold?: boolean
  /** Cold run: dirty + writeback bytes left when the writeback settle gave up (other work kept writing). */
  unsettled?: number
  /** Cold run: KiB of free memory the VM handed back to the host while the run ran (later fills of it are slow). */
  reportedKiB?: number
  /** Cold run: how long the wait for free page reporting took (proc.ts settleFreePageReporting), and whether it gave up. */
  reportingMs?: number
  reportingBusy?: boolean
  /** Wall clock of a successful run. */
  ms?: number
  /** User+sys CPU seconds of every process involved (the command's tree, plus cpuSideSec). */
  cpuSec?: number
  /** The part of cpuSec spent by long-running processes on the other end (the listening agent, an sshd). */
  cpuSideSec?: number
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
  /** Cold rounds per tool (0 without root). */
  coldRounds: number
  /** Why there is no cold round (not root), if there is none. */
  noCold?: string
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
/** Successful runs of the warm rounds (cold: of the cold rounds). */
const good = (t: ToolResult, cold = false) => t.runs.filter(r => ok(r) && !r.cold === !cold)

const PICK: Record<Metric, {cold: boolean, of: (r: RunRecord) => number | undefined}> = {
  'wall': {cold: false, of: r => r.ms},
  'cpu': {cold: false, of: r => r.cpuSec},
  'cold wall': {cold: true, of: r => r.ms},
  'cold cpu': {cold: true, of: r => r.cpuSec},
}

function values(t: ToolResult, metric: Metric): number[] {
  const p = PICK[metric]
  return good(t, p.cold).map(p.of).filter((v): v is number => v !== undefined && Number.isFinite(v))
}

/** Median over the tool's successful runs: ms for wall times, seconds for CPU. */
export function medianOf(t: ToolResult | undefined, metric: Metric = 'wall'): number | undefined {
  return t ? median(values(t, metric)) : undefined
}

export function medianMs(t: ToolResult | undefined): number | undefined {
  return medianOf(t, 'wall')
}

/** Median of the per-round ratios a/b (runs of the same round were taken back to back); ratio of medians if no round has both. */
export function pairedRatio(a: ToolResult | undefined, b: ToolResult | undefined, metric: Metric = 'wall'): number | undefined {
  if (!a || !b) return undefined
  const p = PICK[metric]
  const rs: number[] = []
  for (const ra of good(a, p.cold)) {
    const rb = good(b, p.cold).find(r => r.round === ra.round)
    const va = p.of(ra)
    const vb = rb && p.of(rb)
    if (va !== undefined && vb) rs.push(va / vb)
  }
  if (rs.length) return median(rs)
  const ma = medianOf(a, metric)
  const mb = medianOf(b, metric)
  return ma !== undefined && mb ? ma / mb : undefined
}

/** The ratio the report and the targets use: paired for warm metrics, of medians for cold ones (see the top). */
export function ratioFor(a: ToolResult | undefined, b: ToolResult | undefined, metric: Metric = 'wall'): number | undefined {
  if (!PICK[metric].cold) return pairedRatio(a, b, metric)
  const ma = medianOf(a, metric)
  const mb = medianOf(b, metric)
  return ma !== undefined && mb ? ma / mb : undefined
}

/** " (min–max)" of a tool's runs for the metric, when it has more than one; seconds. */
function spread(t: ToolResult, metric: Metric): string {
  const v = values(t, metric).map(x => (metric.endsWith('wall') ? x / 1000 : x))
  return v.length > 1 ? ` (${Math.min(...v).toFixed(2)}–${Math.max(...v).toFixed(2)})` : ''
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined
}

export function summaryField(t: ToolResult | undefined, field: string): number | undefined {
  if (!t) return undefined
  return median(good(t).map(r => num(r.summary?.[field])).filter((v): v is number => v !== undefined))
}

function maxOf(xs: (number | undefined)[]): number | undefined {
  const v = xs.filter((x): x is number => x !== undefined)
  return v.length ? Math.max(...v) : undefined
}

export function measured(c: Omit<CaseResult, 'targets'>): Measured {
  const tool = (name: string) => c.tools.find(t => t.def.name === name)
  return {
    ratio: (a, b, metric) => ratioFor(tool(a), tool(b), metric),
    summary: (name, field) => summaryField(tool(name), field),
    allocated: name => median((tool(name)?.runs ?? []).filter(ok).map(r => r.allocated).filter((v): v is number => v !== undefined)),
    rssKiB: name => maxOf((tool(name)?.runs ?? []).filter(ok).map(r => r.rssKiB)),
    agentKiB: c.agentKiB,
    ms: name => medianMs(tool(name)),
    cpuSec: name => medianOf(tool(name), 'cpu'),
  }
}

function status(t: ToolResult, rounds: number): {failed?: string, note?: string} {
  if (t.def.unavailable) return {failed: `not available: ${t.def.unavailable}`}
  const warm = good(t)
  const bad = t.runs.filter(r => r.error !== undefined)
  const firstError = bad[0]?.error
  if (!warm.length) return {failed: `failed: ${firstError ?? t.skipped ?? 'did not run'}`}
  const notes: string[] = []
  if (bad.length) notes.push(`${bad.length} of ${t.runs.length} runs failed: ${firstError}`)
  if (t.skipped) notes.push(t.skipped)
  if (warm.length < rounds && !bad.length && !t.skipped) notes.push(`${warm.length} of ${rounds} runs`)
  return {note: notes.join('; ') || undefined}
}

const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ')

function kib(v: number | undefined): string {
  return fmtBytes(v === undefined ? undefined : v * 1024)
}

const fmtCpu = (sec: number | undefined) => fmtSec(sec === undefined ? undefined : sec * 1000)

/** Median CPU, and for a tool with a long-running far end (agent, sshd) how it splits; cold: the min–max too. */
function cpuCell(t: ToolResult, metric: 'cpu' | 'cold cpu'): string {
  const total = medianOf(t, metric)
  const range = metric === 'cold cpu' ? spread(t, metric) : ''
  const side = median(good(t, metric === 'cold cpu').map(r => r.cpuSideSec).filter((v): v is number => v !== undefined))
  if (total === undefined || side === undefined) return `${fmtCpu(total)}${range}`
  const far = t.def.agent ? 'agent' : 'sshd'
  const split = `${t.def.agent ? 'push' : 'client'} ${fmtCpu(total - side)} + ${far} ${fmtCpu(side)}`
  return `${fmtCpu(total)} (${range ? `${range.slice(2, -1)}; ` : ''}${split})`
}

/** What a tool read, sent and wrote: blockpair's own counts, or rchar for the others. */
function ioCells(t: ToolResult): string[] {
  if (!t.def.agent) {
    const rc = median(good(t).map(r => r.rchar).filter((v): v is number => v !== undefined && Number.isFinite(v)))
    return [`${fmtBytes(rc)} (read() total)`, '–', '–']
  }
  const zeroed = summaryField(t, 'bytesZeroed')
  return [
    `src ${fmtBytes(summaryField(t, 'bytesReadSource'))}, dst ${fmtBytes(summaryField(t, 'bytesReadDest'))}`,
    `${fmtBytes(summaryField(t, 'bytesSent'))} / ${fmtBytes(summaryField(t, 'bytesOnWire'))}`,
    `${fmtBytes(summaryField(t, 'bytesWritten'))}${zeroed ? ` (+${fmtBytes(zeroed)} zeroed)` : ''}`,
  ]
}

const TABLE_HEAD = [
  '| tool | wall, warm (median) | × floor | CPU, warm (user+sys, all processes) | CPU × floor | wall, cold (median, min–max) | cold × floor (of medians) | CPU, cold (median, min–max) | × blockpair (wall) | runs ok | bytes read | sent (payload / on wire) | written | dst allocated | peak RSS |',
  '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|---|---|---|---|',
]

function toolRow(c: CaseResult, t: ToolResult, floor: ToolResult | undefined, bp: ToolResult | undefined): string {
  const name = `${t.def.name}${t.def.role === 'floor' ? ' **(floor)**' : ''}`
  const rss = maxOf(t.runs.filter(ok).map(r => r.rssKiB))
  const alloc = t.def.writesDst ? fmtBytes(median(good(t).map(r => r.allocated).filter((v): v is number => v !== undefined))) : '–'
  const peak = t.def.agent ? `push ${kib(rss)}; agent ${kib(c.agentKiBs?.[t.def.agent.key] ?? c.agentKiB)}` : kib(rss)
  const vs = (ref: ToolResult | undefined, metric: Metric) => (t === ref ? '1×' : fmtRatio(ratioFor(t, ref, metric)))
  const cold = good(t, true).length
  const cells = [
    esc(name), fmtSec(medianOf(t, 'wall')), vs(floor, 'wall'), cpuCell(t, 'cpu'), vs(floor, 'cpu'),
    `${fmtSec(medianOf(t, 'cold wall'))}${spread(t, 'cold wall')}`, vs(floor, 'cold wall'), cpuCell(t, 'cold cpu'), vs(bp, 'wall'),
    `${good(t).length}/${c.rounds}${cold ? ` + ${cold}/${c.coldRounds} cold` : ''}`, ...ioCells(t), alloc, peak,
  ]
  return `| ${cells.join(' | ')} |`
}

/** Each run's wall and CPU seconds, in round order, so that outliers show. */
function runsLine(c: CaseResult): string[] {
  const toHost = (r: RunRecord) => (r.reportedKiB ? ` [${fmtBytes(r.reportedKiB * 1024)} to host]` : '')
  const one = (r: RunRecord) => (ok(r) ? `${(r.ms / 1000).toFixed(2)}/${r.cpuSec === undefined ? '–' : r.cpuSec.toFixed(2)}${toHost(r)}` : 'x')
  const runs = c.tools
    .filter(t => t.runs.length)
    .map(t => `${t.def.name}: ${t.runs.map(r => `${r.cold ? 'cold ' : ''}${one(r)}`).join(', ')}`)
  return runs.length ? [`Each run's wall/CPU seconds, in round order (x: failed): ${runs.join('; ')}.`, ''] : []
}

export function caseTable(c: CaseResult): string[] {
  const floor = c.tools.find(t => t.def.name === c.def.floor)
  const bp = subjectOf(c)
  const lines = [...TABLE_HEAD]
  const notes: string[] = []
  for (const t of c.tools) {
    const st = status(t, c.rounds)
    if (st.failed) {
      const dash = (n: number) => Array<string>(n).fill('–')
      lines.push(`| ${[esc(t.def.name), esc(st.failed), ...dash(7), `0/${c.rounds}`, ...dash(5)].join(' | ')} |`)
      continue
    }
    if (st.note) notes.push(`${t.def.name}: ${st.note}`)
    lines.push(toolRow(c, t, floor, bp))
  }
  const out = [...lines, '']
  if (c.noCold) out.push(`No cold round: ${esc(c.noCold)}.`, '')
  out.push('Commands:', '')
  for (const t of c.tools) out.push(`- ${t.def.name}: \`${t.def.show}\``)
  out.push('')
  out.push(...runsLine(c))
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
  /** Cold runs per tool in the cases with a cold target (BENCH_COLD_RUNS). */
  coldRuns: number
  /** What each cold run waited for (BENCH_COLD_SETTLE). */
  coldSettle: 'writeback' | 'sync' | 'reporting'
  totalSec: number
  /** Hand-written analysis appended to the report (test/bench/ANALYSIS.md). */
  analysis?: string
}

/** The tool the case is about: blockpair push unless the case names another. */
const subjectOf = (c: CaseResult) => c.tools.find(t => t.def.name === (c.def.subject ?? BLOCKPAIR))

/** One line of the summary: blockpair against the floor (wall and CPU, warm and cold), the others against blockpair. */
function summaryLine(c: CaseResult): string {
  const dash = (why: string) => `| ${esc(c.title)} | ${esc(why)} | | | | |`
  if (c.unavailable) return dash(`not available: ${c.unavailable}`)
  if (c.error) return dash(`failed: ${c.error}`)
  const bp = subjectOf(c)
  const floor = c.tools.find(t => t.def.name === c.def.floor)
  const bpStatus = bp ? status(bp, c.rounds).failed : 'not run'
  if (bpStatus) return dash(bpStatus)
  const others = c.tools
    .filter(t => t !== bp && t.def.role !== 'floor')
    .map(t => `${t.def.name} ${status(t, c.rounds).failed ? 'n/a'
      : `${fmtRatio(pairedRatio(t, bp))} (CPU ${fmtRatio(pairedRatio(t, bp, 'cpu'))})`}`)
    .join('; ')
  const vs = (metric: Metric) => fmtRatio(ratioFor(bp, floor, metric))
  return `| ${esc(c.title)} | ${esc(c.def.floor)} | ${vs('wall')} | ${vs('cpu')} | ${vs('cold wall')} | ${esc(others)} |`
}

export function renderReport(meta: ReportMeta, cases: CaseResult[]): string {
  const out: string[] = ['# Benchmarks', '']
  out.push(`Written by \`npm run bench\` (test/bench/run.ts) on ${meta.date}; do not edit by hand.` +
    `${meta.quick ? ' **Quick smoke run (BENCH_QUICK=1): small files, not for conclusions.**' : ''}`, '')
  out.push('## Summary', '')
  out.push('Medians of alternated runs; ratios are the median of per-round ratios (the tools of one round ran back to back), ' +
    'warm rounds with warm; cold figures are medians of the cold rounds and their ratios ratios of medians. Wall is the elapsed time; CPU is user+sys of every process involved ' +
    '(for blockpair the push and the listening agent; for ssh and rsync over ssh the client side and the sshd side). ' +
    'Absolute times on this machine swing by up to ±50% between runs; the ratios are the result.', '')
  out.push('| case | floor | blockpair wall × floor | blockpair CPU × floor | blockpair cold wall × floor | wall of the others ÷ blockpair (CPU ÷ blockpair) |',
    '|---|---|--:|--:|--:|---|')
  out.push(...cases.map(summaryLine), '')
  const targets = cases.flatMap(targetLines)
  if (targets.length) {
    out.push('### Targets (issues 3, 7, 15, 17 and 19)', '', '| case | target | measured | |', '|---|---|--:|---|', ...targets, '')
  }
  out.push('## Setup', '')
  out.push(`- Command: \`${meta.command}\` (${meta.runs} runs per tool, alternated; total ${(meta.totalSec / 60).toFixed(1)} min)`)
  out.push(`- Cold runs (BENCH_COLD_RUNS): ${meta.coldRuns} per tool, alternated, in the cases with a target on the cold wall ` +
    `(${cases.filter(c => c.def.coldTarget).map(c => c.def.id).join(', ') || 'none in this run'}); one in every other case ` +
    '(track-dense-1 too: its cold target is judged on one round), to keep the whole run under ~30 minutes. Before each: ' +
    `${meta.coldSettle === 'sync' ? 'one `sync` (BENCH_COLD_SETTLE=sync)'
      : '`sync` until the machine\'s dirty + writeback pages are below 32 MiB (at most 8 times)'}, then \`echo 3 > /proc/sys/vm/drop_caches\`, ` +
    `then the tool\'s own code read back${meta.coldSettle === 'reporting' ? ', then, in the cases with several cold rounds, a wait until the VM\'s free page reporting to the host ' +
      'is quiet (its counter unchanged for 2.5 s, at most 30 s; BENCH_COLD_SETTLE=reporting), so that every cold run fills memory the host has taken back' : ''}. ` +
    'A run whose wait gave up says so on stderr.')
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
    '- **Ratios are the result; absolute times are noisy.** Every warm run is preceded by restoring the destination ' +
      '(not timed), `sync`, and reading the files of the case into the page cache right before the tool starts, because this machine ' +
      'pages out file data untouched for about 30 s (a `cat` of partly paged-out files is slow and flatters every ratio). ' +
      'Tools run in turn within each round, in a rotating order, so slow phases of the machine hit all of them.',
    '- **Cold**: rounds after the warm ones in which the page cache is dropped (`sync; echo 3 > /proc/sys/vm/drop_caches`) ' +
      'before each tool\'s run, and the tool\'s own code is then read back (not timed): its executable and shared libraries, and for ' +
      'blockpair node, the CLI\'s bin/ and dist/ and its runtime modules in node_modules. Only the data files come from disk. ' +
      'Without this the first tool of each case paid one-off costs the others did not (blockpair\'s cold dense-1 came out 3.05× ' +
      '`cat` where a separate A/B measured ~1.03×); warming the code rather than running a discarded cold round keeps every ' +
      'tool\'s data equally cold and costs no extra run. On a VM whose balloon driver reports free memory to the host, the memory ' +
      'the drop freed goes back to the host from 2 s after the drop, and filling memory the host took back costs a fault into the ' +
      'hypervisor per page (about 2.5 s of CPU per GiB here, against 0.1 s): a run that starts at once and ends within 2 s (cat) ' +
      'gets fast memory, a longer one (blockpair, rsync, after reading back ~800 files of their code) partly slow memory; a cold ' +
      'run the host took memory back during shows `[N MiB to host]` in the per-run line. So the cases whose cold figure is a target ' +
      'run several cold rounds (see Setup) and show the median with the min–max; their cold ratios are ratios of medians. ' +
      'Needs root; without it the case says so.',
    '- **CPU** is user+sys seconds of every process involved: the command\'s own rusage (GNU time, which counts every descendant ' +
      'it waited for: rsync\'s processes, both `cat`s, the ssh client), plus the change of the listening agent\'s CPU (its process ' +
      'tree in /proc, workers included) or of the sshd\'s (its sessions) around the run. On a hypervisor that CPU belongs to the guests.',
    '- **× floor** is the tool\'s wall (or CPU) time divided by the floor\'s (cat of both files at once, or of the data only for ' +
      'sparse images) in the same round, median over rounds; 1× would be as fast as just reading. **× blockpair** is the wall ' +
      'time against blockpair: rsync at 10× takes ten times as long as blockpair.',
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
    '- **Change tracking** (case `track-dense-1`): the pair lives on a loop-mounted XFS with reflink; before every run an untimed ' +
      '`push --track-changes` makes the base and 1% of the source\'s 4 KiB blocks are rewritten in place, so every sync finds exactly that 1%. ' +
      'The subject is the tracked push; the plain push reads both files whole.',
    '- **Changed ranges** (case `ranges-dense-1`, issue 16): before every run an untimed plain push of equal files records the pair\'s lineage, ' +
      'then 1% of the source\'s 4 KiB blocks change and `push --changed-ranges` gets exactly those blocks; its targets are against cat of both files.',
    '- **Destination hash cache** (case `cache-dense-1`): before every run an untimed plain push leaves the destination equal to the source ' +
      'with its hash cache, then 1% of the source\'s 4 KiB blocks are rewritten in place; the timed push answers the compare from the cache. ' +
      'Its floor is reading the source alone.',
    '- **Patch files** (cases `patch-*`): `diff` against a digest of the old copy, floored by reading the source once; `apply`, floored by ' +
      'one process writing the same changed 4 KiB pieces at their offsets and flushing once.',
    '- **Peak memory** (cases `sparse16-*`): the same data as the sparse cases spread over twice the apparent size; if memory ' +
      'grows with the image size rather than with the data or the window, the peaks here are higher than in `sparse-*`.',
  )
  out.push('')
  // The analysis (where the time goes, what would close the gaps) is written
  // by hand beside the harness and kept with every run.
  if (meta.analysis) out.push(meta.analysis.trim(), '')
  return out.join('\n')
}
