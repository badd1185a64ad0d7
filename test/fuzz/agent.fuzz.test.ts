// A live agent process under random and mutated sessions, for a bounded time
// (BLOCKPAIR_FUZZ_SECONDS, default 10 s; BLOCKPAIR_FUZZ_SEED replays the
// choices, though not the timing).
//
// Real sessions are recorded in-process (push to a new file, push over a file
// that differs, 4 KiB blocks, pull), cut into frames, mutated (flipped bytes,
// fields set to edge values, frames dropped, duplicated, swapped, bad length
// prefixes, garbage, truncation) and replayed to the agent over the real
// transport, mostly after a valid TLS handshake and Hello, a few connections
// at a time. Throughout: the agent stays up, its memory stays bounded, and it
// writes nowhere but its allowed folder; at the end a normal push works, its
// log is all structured lines and holds no key.
import t from 'tap'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'
import {syncWithAgent} from '../../agent/session/client.js'
import {KeyRing} from '../../agent/wire/keys.js'
import {STATE_FOLDER} from '../../agent/track/state.js'
import {fuzzSeconds, fuzzSeed, mutate, randomFrame, recordSessions, retarget, Rng, type Recording} from '../helpers/fuzz.js'
import {fingerprint, helloFrame, rawSession, spawnAgent, writeKeys, type AgentProcess} from '../helpers/hostile.js'

const seconds = fuzzSeconds(10)
const seed = fuzzSeed()
if (seconds > 60) t.setTimeout((seconds + 180) * 1000)
// Measured: about 95 MiB idle; a hostile session can pin about 100 MiB (14
// open segment buffers of 4 MiB, a 32 MiB write queue, one frame in the
// decoder), and churned sessions leave garbage until the next GC. Two at a
// time stay well under this; a leak would not.
const RSS_LIMIT_KIB = 400 * 1024
const CONCURRENCY = 2
/** Replays spread over this many target files (each up to ~9 MiB). */
const TARGETS = 6

const root = t.testdir({allowed: {}, outside: {'sentinel.img': Buffer.alloc(1 << 20, 0x42), nested: {'keep.txt': 'keep'}}, local: {}})
const allowed = join(root, 'allowed')
const outside = join(root, 'outside')
const keys = writeKeys(root, ['fuzz'])
const key = keys.keys[0] as (typeof keys.keys)[0]

let agent: AgentProcess
let recordings: Recording[] = []
const before = fingerprint(outside)
const rootEntries = readdirSync(root).sort()

t.before(async () => {
  recordings = await recordSessions(allowed, join(root, 'local'), new Rng(seed))
  agent = await spawnAgent(t, {keyFile: keys.path, allow: [allowed],
    extra: ['--max-sessions', String(CONCURRENCY + 2), '--idle-timeout', '1500ms', '--handshake-timeout', '2s']})
})

/** Send `bytes` in random pieces, respecting backpressure, then wait a little for the agent to end it. */
async function replay(rng: Rng, bytes: Buffer, withHello: boolean): Promise<'closed' | 'cut' | 'refused'> {
  let raw
  try {
    raw = await rawSession(agent, key, {hello: withHello})
  } catch {
    return 'refused'
  }
  let at = 0
  while (at < bytes.length && !raw.socket.destroyed) {
    const n = Math.min(bytes.length - at, rng.pick([7, 100, 4096, 65536, 1 << 20]))
    const ok = raw.send(bytes.subarray(at, at + n))
    at += n
    if (!ok) {
      await new Promise<void>(resolve => {
        const timer = setTimeout(resolve, 300)
        raw.socket.once('drain', () => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }
  const ended = await Promise.race([raw.closed.then(() => true), new Promise<boolean>(resolve => setTimeout(() => resolve(false), 250 + rng.int(250)))])
  raw.destroy()
  return ended ? 'closed' : 'cut'
}

t.test(`a live agent survives ${seconds} s of fuzzed sessions (seed ${seed})`, async t => {
  t.ok(recordings.length >= 3, `${recordings.length} real sessions recorded`)
  const deadline = Date.now() + seconds * 1000
  let maxRss = agent.rssKiB()
  const trace: number[] = []
  const sampler = setInterval(() => {
    const r = agent.rssKiB()
    maxRss = Math.max(maxRss, r)
    trace.push(r)
  }, 100)
  t.teardown(() => clearInterval(sampler))
  const counts: Record<string, number> = {}
  let sessions = 0
  let diedAt: number | null = null

  const worker = async (w: number): Promise<void> => {
    const wr = new Rng(seed + w * 7919)
    while (Date.now() < deadline && diedAt === null) {
      sessions++
      const kind = wr.int(10)
      let bytes: Buffer
      let withHello = true
      if (kind === 0) {
        // Random frames with edge values after a valid Hello.
        bytes = Buffer.concat(Array.from({length: 1 + wr.int(8)}, () => randomFrame(wr)))
        counts['random frames'] = (counts['random frames'] ?? 0) + 1
      } else if (kind === 1) {
        // Noise, with or without a Hello first.
        withHello = wr.chance(0.5)
        bytes = wr.bytes(1 + wr.int(4000))
        counts.noise = (counts.noise ?? 0) + 1
      } else {
        const rec = wr.pick(recordings)
        let units = rec.initiator.slice(1) // our own Hello is the real one
        if (wr.chance(0.7)) units = [retarget(units[0] as Buffer, join(allowed, `f${wr.int(TARGETS)}.img`)), ...units.slice(1)]
        if (wr.chance(0.15)) {
          // Mutate the handshake too: send a (mutated) Hello of our own.
          withHello = false
          units = [helloFrame(), ...units]
        }
        const m = wr.chance(0.92) ? mutate(wr, units) : {bytes: Buffer.concat(units), done: ['none']}
        bytes = m.bytes
        for (const d of m.done) counts[d] = (counts[d] ?? 0) + 1
      }
      const how = await replay(wr, bytes, withHello)
      counts[how] = (counts[how] ?? 0) + 1
      if (!agent.alive()) diedAt = sessions
    }
  }
  await Promise.all(Array.from({length: CONCURRENCY}, (_, w) => worker(w)))
  clearInterval(sampler)
  t.equal(diedAt, null, 'the agent never died')
  t.ok(agent.alive(), 'the agent is alive')
  t.ok(maxRss < RSS_LIMIT_KIB, `memory stayed bounded: max VmRSS ${Math.round(maxRss / 1024)} MiB`)
  t.comment(`${sessions} sessions: ${JSON.stringify(counts)}; replay with BLOCKPAIR_FUZZ_SEED=${seed}`)
  t.comment(`VmRSS (MiB) each second: ${trace.filter((_, i) => i % 10 === 0).map(k => Math.round(k / 1024)).join(' ')}`)
  if (seconds >= 30) {
    // Long runs: the last third must not climb above what the first two thirds reached (a leak would).
    const cut = Math.floor(trace.length * 2 / 3)
    const early = Math.max(...trace.slice(0, cut))
    const late = Math.max(...trace.slice(cut))
    t.ok(late <= early * 1.25, `no growth: ${Math.round(early / 1024)} MiB early, ${Math.round(late / 1024)} MiB late`)
  }
  t.ok(sessions > 20, `${sessions} fuzzed sessions`)

  t.same(fingerprint(outside), before, 'nothing outside the allowed folder changed')
  t.same(readdirSync(root).sort(), rootEntries, 'nothing new beside it')
  // Mutated paths may create other files in the allowed folder: that is allowed, and so is the state folder
  // a successful sync records beside its file: pair folders (the lineage, agent/track/state.ts) and hash caches (agent/track/cache.ts).
  const odd = readdirSync(allowed, {withFileTypes: true}).filter(e => !e.isFile() && !(e.isDirectory() && e.name === STATE_FOLDER)).map(e => e.name)
  t.same(odd, [], 'only regular files and the state folder in the allowed folder (no other folders, links or nodes)')
  for (const e of existsSync(join(allowed, STATE_FOLDER)) ? readdirSync(join(allowed, STATE_FOLDER), {withFileTypes: true}) : []) {
    const ok = e.isDirectory() ? /^[0-9a-f]{32}$/.test(e.name) : e.isFile() && /^[0-9a-f]{32}\.cache$/.test(e.name)
    t.ok(ok, `the state folder holds pair folders and hash caches only: ${e.name}`)
  }

  const src = join(root, 'local', 'src.img')
  const dst = join(allowed, 'after-fuzz.img')
  const s = await syncWithAgent(agent, new KeyRing([key]), key.identity, {direction: 'push', localPath: src, remotePath: dst, blockSize: 64 << 10})
  t.equal(s.ok, true, 'a normal push works afterwards')
  t.ok(existsSync(dst) && readFileSync(dst).equals(readFileSync(src)), 'and the copy is exact')

  const log = agent.stderr()
  t.notOk(log.includes(key.key.toString('hex')), 'no key in the log')
  const lines = log.split('\n').filter(l => l.trim() !== '')
  const unstructured = lines.filter(l => !l.startsWith('{'))
  t.same(unstructured.slice(0, 5), [], 'every log line is structured (no stack traces)')
  const codes: Record<string, number> = {}
  for (const l of agent.log()) codes[String(l.code ?? l.result)] = (codes[String(l.code ?? l.result)] ?? 0) + 1
  t.comment(`how the sessions ended: ${JSON.stringify(codes)}`)
  const internal = lines.filter(l => l.includes('"E_INTERNAL"'))
  t.same(internal.slice(0, 5), [], 'no session ended in an internal error')
})
