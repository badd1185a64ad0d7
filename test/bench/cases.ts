// The benchmark cases, as a table. A case names the data it needs, what the
// destination looks like before each run (a restored copy of old data, or absent),
// which files to read into the page cache before each timed run, the tools to
// time, which tool is the floor, and the targets from the issues.
//
// To add a case: write a CaseDef (the builders below show the pattern) and put it
// in CASES. New input files go in data.ts (dataDefs) or in the case's `defs`.

import {type DataDef, type DataSet, type Sizes, denseOldDef, changedBlocks} from './data.js'
import {BLOCK, type Extent, MiB, fmtBytes, fmtPct, fmtRatio, shQuote} from './util.js'

export interface Env {
  sizes: Sizes
  data: DataSet
  /** bin/run.js of the benchmark's snapshot of the built CLI. */
  bin: string
  psk: string
  /** Where the sparse image's data is. */
  layout: Extent[]
  /** Why rsync cannot run, if it cannot. */
  rsyncMissing?: string
  /** The ssh command for a throwaway sshd on 127.0.0.1, or why there is none. Set before tools() of a case with `ssh`. */
  ssh?: {argv: string[]} | {unavailable: string}
}

/** What the runner knows when it builds a command line. */
export interface Runtime {
  /** Port of the case's agent, when it is running. */
  port?: number
}

export interface ToolDef {
  name: string
  /** blockpair: the subject; peer: what users run today; floor/reference: lower bounds and yardsticks. */
  role: 'blockpair' | 'peer' | 'floor' | 'reference'
  /** The command as shown in the report. */
  show: string
  argv(rt: Runtime): string[]
  stdinFile?: string
  /** Needs the case's agent; its stdout is blockpair's --json summary. */
  agent?: boolean
  writesDst?: boolean
  /** cmp this file (the source) with the destination after the run. */
  verify?: string
  /** Why it cannot run here (shown in the table instead of numbers). */
  unavailable?: string
}

export interface WarmItem {
  path: string
  /** Read only these ranges (the data of a sparse file); else the whole file with cat. */
  ranges?: Extent[]
}

/** What a case's targets can ask of the results. */
export interface Measured {
  /** Median of per-round ratios of the two tools' times (paired, same round). */
  ratio(tool: string, ref: string): number | undefined
  /** Median of a numeric field of blockpair's --json summaries. */
  summary(tool: string, field: string): number | undefined
  /** Median allocated size of the destination after the tool's runs. */
  allocated(tool: string): number | undefined
  /** Peak RSS of the tool's process (largest over runs), KiB. */
  rssKiB(tool: string): number | undefined
  /** Peak RSS of the case's agent (VmHWM at the end of the case), KiB. */
  agentKiB: number | undefined
}

export interface Target {
  goal: string
  value: string
  /** undefined: not measured (a tool failed or is missing). */
  ok: boolean | undefined
}

export interface CaseDef {
  id: string
  title(s: Sizes): string
  about(env: Env): string[]
  /** Extra data definitions this case brings. */
  defs?(s: Sizes): DataDef[]
  /** Data ids it needs. */
  data(s: Sizes): string[]
  /** The destination before each run: a fresh copy of this data id; undefined: no destination (new-file case). */
  startFrom?: string
  /** Needs an sshd on localhost. */
  ssh?: boolean
  /** Files read just before every timed run (missing ones are skipped). */
  warm(env: Env, dst: string): WarmItem[]
  tools(env: Env, dst: string): ToolDef[]
  /** Name of the tool whose time is the floor ("× floor" column). */
  floor: string
  targets?(m: Measured, env: Env): Target[]
}

export const BLOCKPAIR = 'blockpair push'
export const RSYNC_INPLACE = 'rsync --inplace --no-whole-file'
export const RSYNC_SPARSE = 'rsync --sparse'
export const CAT_BOTH = 'cat both files'
export const CAT_SPARSE_BOTH = 'cat both sparse files'
export const CAT_SPARSE_SRC = 'cat sparse source'
export const DATA_FLOOR_BOTH = 'data floor: cat 2 dense files of the data size'
export const DATA_FLOOR_ONE = 'data floor: cat 1 dense file of the data size'
export const CP_SPARSE = 'cp --sparse=always'
export const CAT_COPY = 'cat src > dst'
export const CAT_COPY_SYNC = 'cat src > dst; sync -d dst'
export const SSH_STREAM = "ssh localhost 'cat > dst' < src"

const MEMORY_LIMIT_KIB = 150 * 1024

// ---- tools -----------------------------------------------------------------

function blockpairTool(env: Env, src: string, dst: string): ToolDef {
  return {
    name: BLOCKPAIR,
    role: 'blockpair',
    show: 'node bin/run.js push SRC agent://127.0.0.1:PORT/DST --psk-file K --json (agent started once per case)',
    argv: rt => [process.execPath, env.bin, 'push', src, `agent://127.0.0.1:${rt.port ?? 0}${dst}`, '--psk-file', env.psk, '--json'],
    agent: true,
    writesDst: true,
    verify: src,
  }
}

function rsyncTool(env: Env, name: string, flags: string[], src: string, dst: string): ToolDef {
  return {
    name,
    role: 'peer',
    show: ['rsync', ...flags, 'SRC', 'DST'].join(' '),
    argv: () => ['rsync', ...flags, src, dst],
    writesDst: true,
    verify: src,
    unavailable: env.rsyncMissing,
  }
}

/** A shell one-liner; "$1", "$2" are `args`, shown in the report as `labels`. */
function shTool(name: string, role: ToolDef['role'], script: string, args: string[], labels: string[], extra: Partial<ToolDef> = {}): ToolDef {
  return {
    name,
    role,
    show: script.replace(/"\$(\d)"/g, (_, i: string) => labels[Number(i) - 1] ?? `$${i}`),
    argv: () => ['sh', '-c', script, 'sh', ...args],
    ...extra,
  }
}

const catTwo = (name: string, role: ToolDef['role'], a: string, b: string, labels = ['SRC', 'DST']): ToolDef =>
  shTool(name, role, 'cat "$1" > /dev/null; cat "$2" > /dev/null', [a, b], labels)

const catOne = (name: string, role: ToolDef['role'], a: string, label = 'SRC'): ToolDef =>
  shTool(name, role, 'cat "$1" > /dev/null', [a], [label])

function sshTool(env: Env, src: string, dst: string): ToolDef {
  const ssh = env.ssh
  return {
    name: SSH_STREAM,
    role: 'peer',
    show: "ssh -p PORT USER@127.0.0.1 'cat > DST' < SRC (a throwaway sshd on 127.0.0.1, OpenSSH default cipher)",
    argv: () => (ssh && 'argv' in ssh ? [...ssh.argv, `cat > ${shQuote(dst)}`] : []),
    stdinFile: src,
    writesDst: true,
    verify: src,
    unavailable: !ssh ? 'sshd not started' : 'unavailable' in ssh ? ssh.unavailable : undefined,
  }
}

// ---- targets ---------------------------------------------------------------

function atMost(goal: string, v: number | undefined, limit: number, fmt = fmtRatio): Target {
  return {goal, value: fmt(v), ok: v === undefined ? undefined : v <= limit}
}

function atLeast(goal: string, v: number | undefined, limit: number, fmt = fmtRatio): Target {
  return {goal, value: fmt(v), ok: v === undefined ? undefined : v >= limit}
}

function memoryTargets(m: Measured): Target[] {
  const kib = (v: number | undefined) => fmtBytes(v === undefined ? undefined : v * 1024)
  return [
    atMost('peak RSS of the push process (its in-process agent) < 150 MiB', m.rssKiB(BLOCKPAIR), MEMORY_LIMIT_KIB, kib),
    atMost('peak RSS of the listening agent < 150 MiB', m.agentKiB, MEMORY_LIMIT_KIB, kib),
  ]
}

// ---- cases -----------------------------------------------------------------

function denseIncremental(tag: string, fraction: number): CaseDef {
  const old = `dense-old-${tag}`
  return {
    id: `dense-${tag}`,
    title: s => `Dense ${fmtBytes(s.dense)}, ${fmtPct(fraction)} of its 4 KiB blocks changed (incremental)`,
    about: env => {
      const n = changedBlocks([{offset: 0, length: env.sizes.dense}], fraction, `dense-${tag}`).length
      return [
        `Source: ${fmtBytes(env.sizes.dense)} of random data. Destination before each run: a copy of it in which ` +
          `${n} 4 KiB blocks (${fmtPct(fraction)}) at random positions (fixed seed) hold other data, restored with cp before every run.`,
        'Floor: reading both files with cat. Both files are in the page cache for every run.',
      ]
    },
    defs: s => [denseOldDef(s, fraction, tag)],
    data: () => ['dense-src', old],
    startFrom: old,
    warm: (env, dst) => [{path: env.data.path('dense-src')}, {path: dst}],
    tools: (env, dst) => {
      const src = env.data.path('dense-src')
      return [
        blockpairTool(env, src, dst),
        rsyncTool(env, RSYNC_INPLACE, ['--inplace', '--no-whole-file'], src, dst),
        catTwo(CAT_BOTH, 'floor', src, dst),
      ]
    },
    floor: CAT_BOTH,
    targets: fraction === 0.01
      ? m => [
        atLeast('rsync time ÷ blockpair time ≥ 10 (issue 7)', m.ratio(RSYNC_INPLACE, BLOCKPAIR), 10),
        atMost('blockpair time ÷ cat both files ≤ 2.5, start-up included (issue 7)', m.ratio(BLOCKPAIR, CAT_BOTH), 2.5),
        ...memoryTargets(m),
      ]
      : m => memoryTargets(m),
  }
}

const sparseIncremental: CaseDef = {
  id: 'sparse-incremental',
  title: s => `Sparse ${fmtBytes(s.sparseApparent)} apparent, ${fmtBytes(s.sparseData)} of data, 1% of the data's 4 KiB blocks changed (incremental)`,
  about: env => {
    const s = env.sizes
    const n = changedBlocks(env.layout, 0.01, 'sparse-1').length
    return [
      `Source: ${fmtBytes(s.sparseApparent)} apparent, ${fmtBytes(s.sparseData)} of random data in ${env.layout.length} extents of ` +
        `${fmtBytes(s.extent)} at random ${fmtBytes(s.extent)}-aligned offsets, holes elsewhere. Destination before each run: a sparse ` +
        `copy (cp --sparse=always) in which ${n} of the data's 4 KiB blocks (1%) hold other data.`,
      `\`${CAT_SPARSE_BOTH}\` reads all ${fmtBytes(2 * s.sparseApparent)} of both files, zeros of the holes included, as rsync does. ` +
        `The floor is \`${DATA_FLOOR_BOTH}\` (DATA_A, DATA_B: dense files of ${fmtBytes(s.sparseData)}): ` +
        'reading the data at each end, the least any tool must read.',
    ]
  },
  data: () => ['sparse-src', 'sparse-old', 'data-a', 'data-b'],
  startFrom: 'sparse-old',
  warm: (env, dst) => [
    {path: env.data.path('sparse-src'), ranges: env.layout},
    {path: dst, ranges: env.layout},
    {path: env.data.path('data-a')},
    {path: env.data.path('data-b')},
  ],
  tools: (env, dst) => {
    const src = env.data.path('sparse-src')
    return [
      blockpairTool(env, src, dst),
      rsyncTool(env, RSYNC_INPLACE, ['--inplace', '--no-whole-file'], src, dst),
      catTwo(CAT_SPARSE_BOTH, 'reference', src, dst),
      catTwo(DATA_FLOOR_BOTH, 'floor', env.data.path('data-a'), env.data.path('data-b'), ['DATA_A', 'DATA_B']),
    ]
  },
  floor: DATA_FLOOR_BOTH,
  targets: (m, env) => [
    atMost('blockpair time ÷ data floor (cat the data at both ends) ≤ 2 (issue 7)', m.ratio(BLOCKPAIR, DATA_FLOOR_BOTH), 2),
    atMost('bytesReadSource ÷ data ≤ 1.25 (holes are not read)', ratioOf(m.summary(BLOCKPAIR, 'bytesReadSource'), env.sizes.sparseData), 1.25),
    atMost('bytesReadDest ÷ data ≤ 1.25 (holes are not read)', ratioOf(m.summary(BLOCKPAIR, 'bytesReadDest'), env.sizes.sparseData), 1.25),
    atMost('bytesSent ÷ (changed bytes + 0.5% of data) ≤ 1.25 (issue 3)',
      ratioOf(m.summary(BLOCKPAIR, 'bytesSent'), changedBlocks(env.layout, 0.01, 'sparse-1').length * BLOCK + 0.005 * env.sizes.sparseData), 1.25),
    ...memoryTargets(m),
  ],
}

const sparseFull: CaseDef = {
  id: 'sparse-full',
  title: s => `Sparse ${fmtBytes(s.sparseApparent)} apparent, ${fmtBytes(s.sparseData)} of data, first copy to a new destination`,
  about: env => [
    'Source: the sparse image of the incremental case. The destination does not exist before each run (deleted, not timed).',
    `rsync's --inplace does not apply to a new file; \`rsync --sparse\` is what keeps the copy sparse. \`${CAT_SPARSE_SRC}\` reads ` +
      `all ${fmtBytes(env.sizes.sparseApparent)}, zeros included. The floor is \`${DATA_FLOOR_ONE}\` (the source's data, once); ` +
      `\`${CP_SPARSE}\` is a local sparse-aware copy for reference. DATA_A: a dense file of ${fmtBytes(env.sizes.sparseData)}.`,
  ],
  data: () => ['sparse-src', 'data-a'],
  warm: env => [{path: env.data.path('sparse-src'), ranges: env.layout}, {path: env.data.path('data-a')}],
  tools: (env, dst) => {
    const src = env.data.path('sparse-src')
    return [
      blockpairTool(env, src, dst),
      rsyncTool(env, RSYNC_SPARSE, ['--sparse'], src, dst),
      shTool(CP_SPARSE, 'reference', 'cp --sparse=always "$1" "$2"', [src, dst], ['SRC', 'DST'], {writesDst: true, verify: src}),
      catOne(CAT_SPARSE_SRC, 'reference', src),
      catOne(DATA_FLOOR_ONE, 'floor', env.data.path('data-a'), 'DATA_A'),
    ]
  },
  floor: DATA_FLOOR_ONE,
  targets: (m, env) => [
    {goal: 'time proportional to the data, not the apparent size: blockpair ÷ data floor (informative)', value: fmtRatio(m.ratio(BLOCKPAIR, DATA_FLOOR_ONE)), ok: undefined},
    atMost('bytesReadSource ÷ data ≤ 1.25 (issue 3)', ratioOf(m.summary(BLOCKPAIR, 'bytesReadSource'), env.sizes.sparseData), 1.25),
    atMost('destination allocated ÷ source allocated ≤ 1.1 (issue 3)', ratioOf(m.allocated(BLOCKPAIR), env.sizes.sparseData), 1.1),
    ...memoryTargets(m),
  ],
}

const denseFull: CaseDef = {
  id: 'dense-full',
  title: s => `Dense ${fmtBytes(s.dense)}, first copy to a new destination`,
  about: () => [
    'Source: the dense random image. The destination does not exist before each run (deleted, not timed).',
    `Floor: \`${CAT_COPY}\` (a local copy through a pipe). blockpair ends with fdatasync of the destination; cat and ssh do not, ` +
      `so \`${CAT_COPY_SYNC}\` shows what the flush to disk costs here.`,
  ],
  data: () => ['dense-src'],
  ssh: true,
  warm: env => [{path: env.data.path('dense-src')}],
  tools: (env, dst) => {
    const src = env.data.path('dense-src')
    return [
      blockpairTool(env, src, dst),
      sshTool(env, src, dst),
      shTool(CAT_COPY, 'floor', 'cat "$1" > "$2"', [src, dst], ['SRC', 'DST'], {writesDst: true, verify: src}),
      shTool(CAT_COPY_SYNC, 'reference', 'cat "$1" > "$2" && sync -d "$2"', [src, dst], ['SRC', 'DST'], {writesDst: true}),
    ]
  },
  floor: CAT_COPY,
  targets: m => [
    atMost('blockpair time ÷ ssh stream ≤ 1 (issue 7: at least as fast as ssh)', m.ratio(BLOCKPAIR, SSH_STREAM), 1),
    ...memoryTargets(m),
  ],
}

function ratioOf(a: number | undefined, b: number): number | undefined {
  return a === undefined || b <= 0 ? undefined : a / b
}

/** The cases, in the order they run. BENCH_CASES=id,id picks some. */
export const CASES: CaseDef[] = [
  denseIncremental('1', 0.01),
  denseIncremental('0.1', 0.001),
  denseIncremental('10', 0.1),
  denseFull,
  sparseIncremental,
  sparseFull,
]

export const QUICK_SIZES: Sizes = {dense: 64 * MiB, sparseApparent: 512 * MiB, sparseData: 16 * MiB, extent: MiB}

export const FULL_SIZES: Sizes = {dense: 2048 * MiB, sparseApparent: 8192 * MiB, sparseData: 512 * MiB, extent: MiB}
