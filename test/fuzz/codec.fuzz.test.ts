// The frame decoder under random and mutated input, for a bounded time
// (BLOCKPAIR_FUZZ_SECONDS, default 4 s; BLOCKPAIR_FUZZ_SEED replays a run).
//
// For every input: push() never throws; the outcome (frames, then at most one
// error) is the same whether the bytes come in one chunk or in random pieces;
// nothing comes after an error; every frame is of a known kind, a Data
// frame's payload is exactly as long as its header says, and what is buffered
// never exceeds one frame plus one chunk. Inputs: random bytes, random frames
// with edge-value fields, and mutations of real recorded sessions.
import t from 'tap'
import {createHash} from 'node:crypto'
import {mkdirSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import {join} from 'node:path'
import {encodeFrame, FRAME_KINDS, FrameDecoder, MAX_FRAME, MAX_PAYLOAD, type Frame, type FrameKind} from '../../proto/codec.js'
import {fuzzSeconds, fuzzSeed, mutate, randomFrame, recordSessions, Rng, type Recording} from '../helpers/fuzz.js'

const seconds = fuzzSeconds(4)
const seed = fuzzSeed()
if (seconds > 60) t.setTimeout((seconds + 120) * 1000)

const KINDS = new Set<FrameKind>(FRAME_KINDS)

interface Outcome {
  frames: string[]
  error: string | null
  /** A frame or error arrived after the error. */
  afterError: boolean
  threw: unknown
  /** The first few frames themselves, for the round trip. */
  objs: Frame[]
  maxBuffered: number
  bad: string[]
}

/** JSON with sorted keys and bytes as hex: the same message gives the same text whatever order its fields came in. */
function canonical(v: unknown): string {
  if (v instanceof Uint8Array) return JSON.stringify(Buffer.from(v).toString('hex'))
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>
    return `{${Object.keys(o).filter(k => o[k] !== undefined).sort().map(k => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`
  }
  return JSON.stringify(v) ?? 'undefined'
}

function summary(f: Frame): string {
  const payload = f.payload ? createHash('sha1').update(f.payload).digest('hex').slice(0, 12) : ''
  return `${f.kind} ${canonical(f.msg)} ${payload}`
}

function decode(bytes: Buffer, chunks: number[]): Outcome {
  const o: Outcome = {frames: [], error: null, afterError: false, threw: null, objs: [], maxBuffered: 0, bad: []}
  const d = new FrameDecoder({
    onFrame: f => {
      if (o.error !== null) o.afterError = true
      if (!KINDS.has(f.kind)) o.bad.push(`unknown kind ${f.kind}`)
      if (f.kind === 'data' && f.payload?.length !== (f.msg.length ?? 0)) o.bad.push(`payload ${f.payload?.length} != header ${f.msg.length}`)
      if (f.kind !== 'data' && f.payload !== undefined) o.bad.push(`a ${f.kind} frame with a payload`)
      o.frames.push(summary(f))
      if (o.objs.length < 4) o.objs.push(f)
    },
    onError: e => {
      if (o.error !== null) o.afterError = true
      o.error = e.code
      if (!/^E_FRAME_/.test(e.code)) o.bad.push(`error code ${e.code}`)
    },
  })
  let at = 0
  let biggest = 0
  try {
    for (const n of chunks) {
      const c = bytes.subarray(at, at + n)
      at += n
      biggest = Math.max(biggest, c.length)
      d.push(c)
      o.maxBuffered = Math.max(o.maxBuffered, d.bufferedBytes)
    }
    d.end()
  } catch (err) {
    o.threw = err
  }
  if (o.maxBuffered > 4 + MAX_FRAME + MAX_PAYLOAD + biggest) o.bad.push(`buffered ${o.maxBuffered} bytes`)
  return o
}

function randomChunks(rng: Rng, total: number): number[] {
  const out: number[] = []
  let left = total
  while (left > 0) {
    const n = Math.min(left, rng.pick([1, 2, 3, 4, 5, 7, 64, 1000, 16384, 1 + rng.int(70_000)]))
    out.push(n)
    left -= n
  }
  return out
}

let recordings: Recording[] = []

t.before(async () => {
  const dir = t.testdir({agent: {}, local: {}})
  recordings = await recordSessions(join(dir, 'agent'), join(dir, 'local'), new Rng(seed))
})

t.test(`the decoder survives ${seconds} s of hostile input (seed ${seed})`, async t => {
  const rng = new Rng(seed)
  const deadline = Date.now() + seconds * 1000
  const counts = {random: 0, frames: 0, recorded: 0, frames_decoded: 0, errors: 0}
  const failures: string[] = []
  t.ok(recordings.length >= 3 && recordings.every(r => r.initiator.length > 3 && r.initiator.length + r.responder.length > 10), 'real sessions were recorded')
  let i = 0
  while (Date.now() < deadline && failures.length < 5) {
    i++
    let bytes: Buffer
    const kind = rng.int(10)
    if (kind < 2) {
      bytes = rng.bytes(rng.int(rng.chance(0.1) ? 200_000 : 2000))
      // Sometimes a plausible length prefix in front of the noise.
      if (rng.chance(0.5) && bytes.length >= 4) bytes.writeUInt32BE(rng.int(bytes.length), 0)
      counts.random++
    } else if (kind < 4) {
      bytes = Buffer.concat(Array.from({length: 1 + rng.int(6)}, () => randomFrame(rng)))
      counts.frames++
    } else {
      const rec = rng.pick(recordings)
      const units = rng.chance(0.5) ? rec.initiator : rec.responder
      // A window of the session keeps each input small and fast.
      const from = rng.int(units.length)
      const window = units.slice(from, from + 1 + rng.int(12))
      bytes = rng.chance(0.9) ? mutate(rng, window).bytes : Buffer.concat(window)
      counts.recorded++
    }
    const whole = decode(bytes, [bytes.length])
    const pieces = decode(bytes, randomChunks(rng, bytes.length))
    counts.frames_decoded += whole.frames.length
    if (whole.error) counts.errors++
    const problems: string[] = []
    if (whole.threw || pieces.threw) problems.push(`push() threw: ${String(whole.threw ?? pieces.threw)}`)
    if (whole.afterError || pieces.afterError) problems.push('output after the error')
    problems.push(...whole.bad, ...pieces.bad)
    if (JSON.stringify([whole.frames, whole.error]) !== JSON.stringify([pieces.frames, pieces.error])) {
      problems.push(`chunking changed the outcome: ${whole.frames.length}/${whole.error} vs ${pieces.frames.length}/${pieces.error}`)
    }
    // What decoded re-encodes to the same frame.
    for (const f of whole.objs) {
      if (f.kind === 'data') continue
      let buf: Buffer
      try {
        buf = encodeFrame(f.kind, f.msg as never)
      } catch {
        continue
      }
      const again = decode(buf, [buf.length])
      if (again.frames[0] !== summary(f)) problems.push(`a decoded ${f.kind} frame does not re-encode to itself`)
    }
    if (problems.length > 0) {
      const dir = join(os.tmpdir(), 'blockpair-fuzz-failures')
      mkdirSync(dir, {recursive: true})
      const file = join(dir, `codec-${seed}-${i}.bin`)
      writeFileSync(file, bytes)
      failures.push(`input ${i} (saved to ${file}): ${problems.join('; ')}`)
    }
  }
  t.same(failures, [], 'no input broke the decoder')
  t.comment(`${i} inputs in ${seconds} s: ${JSON.stringify(counts)}; replay with BLOCKPAIR_FUZZ_SEED=${seed}`)
  t.ok(i > 100, `${i} inputs tried`)
})

t.test('a length over the limit is refused before anything is buffered', async t => {
  for (const n of [MAX_FRAME + 1, 2 ** 31, 0xffffffff]) {
    const b = Buffer.alloc(4)
    b.writeUInt32BE(n, 0)
    const o = decode(Buffer.concat([b, Buffer.alloc(100)]), [4, 100])
    t.equal(o.error, 'E_FRAME_TOO_LARGE', String(n))
    t.ok(o.maxBuffered <= 100, 'nothing of it was kept')
  }
  const big = encodeFrame('data', {offset: 0, length: MAX_PAYLOAD + 1})
  const o = decode(Buffer.concat([big, Buffer.alloc(1000)]), [big.length, 1000])
  t.equal(o.error, 'E_FRAME_TOO_LARGE', 'a block over the payload limit')
  t.same(o.frames, [])
})
