// The destination's hash cache through the CLI and a real agent (TLS on
// 127.0.0.1): the second push or pull of a pair answers the compare from the
// cache and reads only the blocks that differ at the destination; each way a
// cache can be wrong makes the sync read in full and say why; a sync killed
// with SIGKILL leaves no cache that is trusted, and resume ends identical.
// Every case ends with the files compared byte for byte.

import {randomBytes} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import t, {type Test} from 'tap'
import type {JobRecord} from '../../agent/run/jobs.js'
import {cachePath, checkCache, HEADER_BYTES} from '../../agent/track/cache.js'
import {pairKey} from '../../agent/track/state.js'
import {cli, keygen, startAgent, startCli, type Agent} from '../helpers/cli.js'
import {firstDifference, KiB, MiB} from '../helpers/disks.js'
import {until} from '../helpers/hostile.js'
import {valve} from '../helpers/relay.js'

const SIZE = 32 * MiB
const BLOCK = 64 * KiB

interface World {
  dir: string
  src: string
  dst: string
  psk: string
  state: string
  agent: Agent
}

// One agent for the file, serving every test's folder below `base` (caches are per pair and
// path); the test that kills its agent starts one of its own.
const base = t.testdir()
const sharedKey = await keygen(base)
const sharedAgent = await startAgent(t, {allow: [base], keyFile: sharedKey, extra: ['--json']})
let worlds = 0

async function world(t: Test, ownAgent = false): Promise<World> {
  const dir = path.join(base, `world-${++worlds}`)
  for (const d of ['src', 'dst', 'state']) fs.mkdirSync(path.join(dir, d), {recursive: true})
  const src = path.join(dir, 'src', 'disk.img')
  fs.writeFileSync(src, randomBytes(SIZE))
  const w = {dir, src, dst: path.join(dir, 'dst', 'disk.img'), psk: sharedKey, state: path.join(dir, 'state')}
  if (!ownAgent) return {...w, agent: sharedAgent}
  return {...w, agent: await startAgent(t, {allow: [path.join(dir, 'src'), path.join(dir, 'dst')], keyFile: sharedKey, extra: ['--json']})}
}

type Verb = 'push' | 'pull'

function ends(w: World, verb: Verb, src = w.src, dst = w.dst): [string, string] {
  return verb === 'push' ? [src, w.agent.url(dst)] : [w.agent.url(src), dst]
}

function args(w: World, verb: Verb, ...extra: string[]): string[] {
  return [verb, ...ends(w, verb), '--psk-file', w.psk, '--state-dir', w.state, '--json', ...extra]
}

const sessions = (a: Agent): number => a.log().filter(e => e.event === 'session').length

/**
 * `blockpair ARGS` to its end and the agent's session to its end. A pushing CLI
 * exits on the session's last frame; the agent then writes its cache and logs
 * the session. A test that spoiled the cache before the log line raced that
 * write, and a loaded machine let the agent's fresh cache replace the spoiled
 * one ("the cache truncated" was trusted: regression).
 */
async function settled(w: World, argv: string[]): Promise<Awaited<ReturnType<typeof cli>>> {
  const before = sessions(w.agent)
  const r = await cli(argv)
  if (r.code === 0) await until(() => sessions(w.agent) > before, 60_000, 'the agent to log the session')
  return r
}

async function sync(t: Test, w: World, verb: Verb, ...extra: string[]): Promise<Record<string, any>> {
  const r = await settled(w, args(w, verb, ...extra))
  t.equal(r.code, 0, r.stderr)
  t.equal(firstDifference(w.src, w.dst), null, `${verb}: identical`)
  return r.json()
}

/** A guest's scattered 4 KiB writes: `n` of them, in n different coarse blocks. */
function scribble(file: string, n: number): void {
  const fd = fs.openSync(file, 'r+')
  for (let i = 0; i < n; i++) fs.writeSync(fd, randomBytes(4 * KiB), 0, 4 * KiB, i * 3 * MiB + 8 * KiB)
  fs.closeSync(fd)
}

/** The pair's cache, as the CLI names the pair (by the paths as given). */
function cacheOf(w: World, verb: Verb): string {
  return cachePath(w.dst, pairKey(...ends(w, verb)))
}

for (const verb of ['push', 'pull'] as const) {
  t.test(`${verb} twice with a change between: the second reads only the differing blocks of the destination`, async t => {
    const w = await world(t)
    const first = await sync(t, w, verb)
    t.match(first.changeTracking, {method: 'cache', used: false, reason: /no hash cache/})
    t.ok(fs.existsSync(cacheOf(w, verb)), 'the destination wrote its cache')
    scribble(w.src, 8)
    const second = await sync(t, w, verb)
    t.match(second.changeTracking, {method: 'cache', used: true, reason: null})
    t.equal(second.bytesReadSource, SIZE, 'the source is read once')
    t.ok(second.bytesReadDest <= 8 * BLOCK, `the destination reads only the 8 blocks to refine (${second.bytesReadDest})`)
    t.equal(second.changeTracking.bytesSkipped, SIZE - second.bytesReadDest)
    t.equal(second.bytesSent, 8 * 4 * KiB, 'the 4 KiB pieces, as without a cache')
    const third = await sync(t, w, verb)
    t.match(third, {bytesReadDest: 0, bytesSent: 0, changeTracking: {method: 'cache', used: true, bytesSkipped: SIZE}})
  })
}

t.test('every cache that is wrong is ignored, the sync reads in full and says why, and the next one trusts the new cache', async t => {
  const w = await world(t)
  const spoil = (at: number): void => {
    const cache = cacheOf(w, 'push')
    const b = fs.readFileSync(cache)
    b[at] = (b[at] as number) ^ 0x40
    fs.writeFileSync(cache, b)
  }
  const cases: Array<[string, () => Promise<void> | void, RegExp]> = [
    ['a hash byte flipped', () => spoil(HEADER_BYTES + 100), /checksum/],
    ['a header byte flipped', () => spoil(20), /checksum/],
    ['the cache truncated', () => fs.truncateSync(cacheOf(w, 'push'), HEADER_BYTES + 64), /truncated or damaged/],
    ['the destination touched', () => fs.utimesSync(w.dst, new Date(), new Date()), /changed since/],
    ['the destination written behind its back (the same bytes)', () => {
      const fd = fs.openSync(w.dst, 'r+')
      fs.writeSync(fd, fs.readFileSync(w.dst).subarray(0, 4096), 0, 4096, 0)
      fs.closeSync(fd)
    }, /changed since/],
    ['a cache from another pair', async () => {
      // Another pair, in the same folder: its cache copied under this pair's name.
      const other = path.join(w.dir, 'dst', 'other.img')
      fs.copyFileSync(w.dst, other)
      const r = await settled(w, ['push', w.src, w.agent.url(other), '--psk-file', w.psk, '--json'])
      t.equal(r.code, 0, r.stderr)
      fs.copyFileSync(cachePath(other, pairKey(w.src, w.agent.url(other))), cacheOf(w, 'push'))
    }, /another pair/],
  ]
  await sync(t, w, 'push')
  for (const [name, spoilIt, reason] of cases) {
    scribble(w.src, 2)
    await spoilIt()
    const s = await sync(t, w, 'push')
    t.match(s.changeTracking, {method: 'cache', used: false, reason}, name)
    t.equal(s.bytesReadDest, SIZE, `${name}: read in full`)
    scribble(w.src, 2)
    const again = await sync(t, w, 'push')
    t.match(again.changeTracking, {used: true}, `${name}: the cache written by the full read is trusted`)
  }
  const other = await sync(t, w, 'push', '--block-size', '128K')
  t.match(other.changeTracking, {used: false, reason: /another block size/})
})

t.test('a dry run neither reads nor writes the cache; --track-changes that falls back uses it', async t => {
  const w = await world(t)
  await sync(t, w, 'push')
  const before = fs.readFileSync(cacheOf(w, 'push'))
  scribble(w.src, 1)
  const dry = await cli(args(w, 'push', '--dry-run'))
  t.equal(dry.code, 0, dry.stderr)
  t.match(dry.json().changeTracking, {method: null})
  t.ok(fs.readFileSync(cacheOf(w, 'push')).equals(before), 'the cache is as it was')
  const r = await cli(args(w, 'push', '--track-changes'))
  t.equal(r.code, 0, r.stderr)
  t.equal(firstDifference(w.src, w.dst), null)
  // It reports on --track-changes (why it fell back); the cache shows in what the destination read.
  t.ok((r.json().bytesReadDest as number) <= BLOCK, 'the destination answered from its cache')
})

// Regression (issue 15): a sync that took a shortcut (--changed-ranges, --track-changes) dropped the
// destination's cache, so the next plain sync read the whole destination again.
for (const verb of ['push', 'pull'] as const) {
  t.test(`${verb}: after a shortcut the cache is revised, and the next sync reads only the blocks the shortcut wrote`, async t => {
    const w = await world(t)
    await sync(t, w, verb)
    const offsets = [0, 5 * MiB + 8 * KiB, 5 * MiB + 12 * KiB, 17 * MiB + 60 * KiB, SIZE - 4 * KiB]
    const fd = fs.openSync(w.src, 'r+')
    for (const o of offsets) fs.writeSync(fd, randomBytes(4 * KiB), 0, 4 * KiB, o)
    fs.closeSync(fd)
    const list = path.join(w.dir, 'changed.txt')
    fs.writeFileSync(list, offsets.map(o => `${o} ${4 * KiB}\n`).join(''))
    const shortcut = await sync(t, w, verb, '--changed-ranges', list)
    t.match(shortcut.changeTracking, {method: 'ranges', used: true})
    const key = {pair: pairKey(...ends(w, verb)), blockSize: BLOCK, st: fs.statSync(w.dst, {bigint: true})}
    const check = checkCache(w.dst, key)
    check.reader?.close()
    t.equal(check.why, null, 'the shortcut left a cache that holds for the file as it wrote it')
    // Then a write into one of the blocks the shortcut wrote, and one elsewhere.
    const again = fs.openSync(w.src, 'r+')
    for (const o of [5 * MiB + 40 * KiB, 9 * MiB]) fs.writeSync(again, randomBytes(4 * KiB), 0, 4 * KiB, o)
    fs.closeSync(again)
    const next = await sync(t, w, verb)
    t.match(next.changeTracking, {method: 'cache', used: true, reason: null})
    t.equal(next.bytesReadSource, SIZE)
    // Two of the shortcut's writes share a block: it wrote four blocks; each is read once, refined or not.
    t.equal(next.bytesReadDest, 5 * BLOCK, 'the destination reads the four blocks the shortcut wrote and the one that differs, once each')
    t.equal(next.bytesSent, 2 * 4 * KiB, 'only the two new writes are sent')
    scribble(w.src, 2)
    const after = await sync(t, w, verb)
    t.match(after.changeTracking, {method: 'cache', used: true})
    t.ok(after.bytesReadDest <= 2 * BLOCK, `the cache is whole again (${after.bytesReadDest})`)
  })
}

/** A TCP relay to `port` on 127.0.0.1 that passes at most `rate` bytes a second each way: it pauses a socket for as long as its last chunk takes. */
function job(w: World): JobRecord | undefined {
  return fs.readdirSync(w.state).filter(n => n.endsWith('.json')).map(n => JSON.parse(fs.readFileSync(path.join(w.state, n), 'utf8')) as JobRecord).find(j => j.state === 'running' && j.checkpoint > 0)
}

t.test('SIGKILL of the destination agent mid-sync: no stale cache is trusted, resume ends identical, the cache comes back', async t => {
  const w = await world(t, true)
  await sync(t, w, 'push')
  // Rewrite most of the source, then push it slowly enough to kill the agent after a checkpoint.
  const fd = fs.openSync(w.src, 'r+')
  fs.writeSync(fd, randomBytes(SIZE - 4 * MiB), 0, SIZE - 4 * MiB, 2 * MiB)
  fs.closeSync(fd)
  // Through a slow link (not --bwlimit, which sends in bursts): the destination checkpoints every second,
  // and the push needs ~28 s, so it is still running when the test sees the checkpoint, however late
  // (at 6 MiB/s, ~5 s, a loaded machine saw it end first: regression).
  const link = await valve(t, w.agent.port, MiB)
  const run = startCli(['push', w.src, `agent://127.0.0.1:${link.port}${w.dst}`, '--psk-file', w.psk, '--state-dir', w.state, '--json'])
  let ended: {stdout: string} | null = null
  void run.done.then(r => { ended = r })
  while (!job(w)) {
    if (ended) throw new Error(`the push ended before a checkpoint: ${(ended as {stdout: string}).stdout}`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  w.agent.kill('SIGKILL')
  t.not((await run.done).code, 0, 'the push failed')
  const left = checkCache(w.dst, {pair: pairKey(...ends(w, 'push')), blockSize: BLOCK, st: fs.statSync(w.dst, {bigint: true})})
  t.equal(left.why, 'changed', 'the old cache no longer matches the destination the killed sync wrote to')
  left.reader?.close()
  w.agent = await startAgent(t, {allow: [path.join(w.dir, 'src'), path.join(w.dir, 'dst')], keyFile: w.psk, port: w.agent.port, extra: ['--json']})
  // The job names the link: the resume goes through it, now at full speed.
  link.open()
  const resumed = await cli(['resume', '--state-dir', w.state, '--json'])
  t.equal(resumed.code, 0, resumed.stderr)
  t.equal(firstDifference(w.src, w.dst), null, 'identical after the resume')
  const full = await sync(t, w, 'push')
  t.match(full.changeTracking, {used: false, reason: /no hash cache/}, 'a resume saw only part of the file: it left no cache')
  t.equal(full.bytesReadDest, SIZE)
  scribble(w.src, 3)
  const next = await sync(t, w, 'push')
  t.match(next.changeTracking, {method: 'cache', used: true})
})
