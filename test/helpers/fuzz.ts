// What the fuzzers share: a seeded PRNG (a failure prints its seed, and
// BLOCKPAIR_FUZZ_SEED replays it), the time budget (BLOCKPAIR_FUZZ_SECONDS),
// recordings of real sessions cut into frames, and the mutations applied to
// them: flipped bytes, truncation, duplicated, dropped and swapped frames,
// bad length prefixes, inserted garbage, and fields set to edge values.

import {randomBytes} from 'node:crypto'
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import type {Duplex} from 'node:stream'
import {Channel} from '../../agent/wire/channel.js'
import {initiate, respond} from '../../agent/session/session.js'
import {TargetLocks} from '../../agent/session/policy.js'
import {encodeDataHeader, encodeFrame, FRAME_KINDS, FrameDecoder, MAX_FRAME, Role, type Frame, type FrameKind, type Message} from '../../proto/codec.js'
import {duplexPair} from './pair.js'

/** Seconds a fuzzer runs: BLOCKPAIR_FUZZ_SECONDS, or `ci` by default. */
export function fuzzSeconds(ci: number): number {
  const v = Number(process.env.BLOCKPAIR_FUZZ_SECONDS)
  return v > 0 ? v : ci
}

export function fuzzSeed(): number {
  const v = Number(process.env.BLOCKPAIR_FUZZ_SEED)
  return Number.isInteger(v) && v > 0 ? v : randomBytes(4).readUInt32BE(0) || 1
}

/** mulberry32: small, fast, and enough to replay a run from its seed. */
export class Rng {
  private s: number

  constructor(seed: number) {
    this.s = seed >>> 0
  }

  next(): number {
    let z = (this.s = (this.s + 0x6d2b79f5) >>> 0)
    z = Math.imul(z ^ (z >>> 15), z | 1)
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61)
    return ((z ^ (z >>> 14)) >>> 0) / 4294967296
  }

  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)] as T
  }

  bytes(n: number): Buffer {
    const b = Buffer.allocUnsafe(n)
    for (let i = 0; i < n; i++) b[i] = this.int(256)
    return b
  }
}

/** Numbers that sit on the edges the range checks guard. */
const EDGES = [0, 1, 2, 15, 16, 17, 4095, 4096, 4097, 65535, 65536, 65537, (4 << 20) - 1, 4 << 20, (4 << 20) + 1,
  2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 40, 2 ** 53 - 1]

export function edge(rng: Rng, near?: number): number {
  if (near !== undefined && rng.chance(0.5)) return Math.max(0, near + rng.pick([-4097, -4096, -1, 1, 4095, 4096, 65536, 4 << 20]))
  return rng.chance(0.8) ? rng.pick(EDGES) : rng.int(2 ** 32)
}

/** The first frame in `bytes` (a Data frame with its payload), or null. */
function firstFrame(bytes: Buffer): Frame | null {
  let got: Frame | null = null
  const stop = new Error('stop')
  const d = new FrameDecoder({
    onFrame: f => {
      got = f
      throw stop
    },
    onError: () => {},
  })
  try {
    d.push(bytes)
  } catch (err) {
    if (err !== stop) throw err
  }
  return got
}

/** Cut a byte stream into its frames, each with its length prefix and (Data) payload. Stops at the first bad one. */
export function splitFrames(stream: Buffer): Buffer[] {
  const out: Buffer[] = []
  let at = 0
  while (at + 4 <= stream.length) {
    const f = firstFrame(stream.subarray(at))
    if (!f) break
    const end = at + 4 + stream.readUInt32BE(at) + (f.kind === 'data' ? f.msg.length ?? 0 : 0)
    out.push(Buffer.from(stream.subarray(at, end)))
    at = end
  }
  return out
}

/** Decode one frame unit (as splitFrames cuts them). */
export function decodeUnit(unit: Buffer): Frame | null {
  return firstFrame(unit)
}

/** A frame of a random kind with edge-value fields (a Data frame carries its payload). */
export function randomFrame(rng: Rng): Buffer {
  const kind = rng.pick<FrameKind>([...FRAME_KINDS])
  const n = (): number => edge(rng)
  const bytes = (): Buffer => rng.bytes(rng.pick([0, 8, 16, 32, 64 * 16, rng.int(4096)]))
  switch (kind) {
    case 'data': {
      const len = rng.pick([0, 1, 4096, 65536, rng.int(200_000)])
      return Buffer.concat([encodeDataHeader(n(), len), rng.bytes(len)])
    }
    case 'hello': return encodeFrame('hello', {version: rng.pick([0, 1, 2, n()]), initiator: rng.chance(0.5), hashAlgorithm: rng.pick(['xxh3-128', '', 'md5']), seed: bytes(), capabilities: ['x']})
    case 'open': return encodeFrame('open', {path: rng.pick(['/', '/tmp', '/etc/passwd', '', 'rel', '/dev/sda', '/x'.repeat(rng.int(600))]), role: rng.pick([0, 1, 2, 3]) as Role, blockSize: n(), dryRun: rng.chance(0.5), force: rng.chance(0.5), sourceSize: n(), resumeFrom: n()})
    case 'start': return encodeFrame('start', {size: n(), blockSize: n(), start: n(), end: n(), destZeroFrom: n(), dryRun: rng.chance(0.3)})
    case 'manifest': return encodeFrame('manifest', {segment: n(), hashes: bytes()})
    case 'refine': return encodeFrame('refine', {segment: n(), blocks: Array.from({length: rng.int(20)}, n)})
    case 'refineHashes': return encodeFrame('refineHashes', {segment: n(), hashes: bytes()})
    case 'zero': return encodeFrame('zero', {offset: n(), length: n()})
    case 'segmentEnd': return encodeFrame('segmentEnd', {segment: n()})
    case 'checkpoint': return encodeFrame('checkpoint', {offset: n()})
    case 'finish': return encodeFrame('finish', {digest: bytes(), stats: {bytesRead: n()}})
    case 'finished': return encodeFrame('finished', {digest: bytes()})
    case 'error': return encodeFrame('error', {code: 'E_FUZZ', exit: n(), message: 'fuzz'})
    case 'keepalive': return encodeFrame('keepalive', {})
    default: return encodeFrame('segmentEnd', {segment: n()})
  }
}

/** Set one numeric field of a frame to an edge value; null when the frame has none or does not decode. */
function mutateField(rng: Rng, unit: Buffer): Buffer | null {
  const f = decodeUnit(unit)
  if (!f) return null
  const msg = {...(f.msg as Record<string, unknown>)}
  const fields = Object.keys(msg).filter(k => typeof msg[k] === 'number')
  if (f.kind === 'refine') fields.push('blocks')
  if (fields.length === 0) return null
  const k = rng.pick(fields)
  if (k === 'blocks') {
    const list = [...((msg.blocks as number[] | undefined) ?? [])]
    const op = rng.int(4)
    if (op === 0) list.reverse()
    else if (op === 1 && list.length > 0) list.push(list[0] as number)
    else if (op === 2) list.push(edge(rng))
    else list.length = 0
    msg.blocks = list
  } else {
    msg[k] = edge(rng, msg[k] as number)
  }
  try {
    if (f.kind === 'data') {
      const payload = f.payload ?? Buffer.alloc(0)
      // Keep the payload as it was: a header that now lies about its length misframes what follows.
      return Buffer.concat([encodeFrame('data', msg as Message<'data'>), payload])
    }
    return encodeFrame(f.kind, msg as never)
  } catch {
    return null
  }
}

export type Mutation = 'flip' | 'truncate' | 'duplicate' | 'drop' | 'swap' | 'length' | 'insert' | 'field' | 'random-frame'

/** 1-3 mutations of a list of frame units; returns the bytes to send and what was done. */
export function mutate(rng: Rng, units: Buffer[]): {bytes: Buffer; done: Mutation[]} {
  const frames: Buffer[] = units.map(u => Buffer.from(u))
  const done: Mutation[] = []
  const count = 1 + rng.int(3)
  let truncateAt: number | null = null
  for (let m = 0; m < count && frames.length > 0; m++) {
    const i = rng.int(frames.length)
    const f = frames[i] as Buffer
    const op = rng.pick<Mutation>(['flip', 'flip', 'field', 'field', 'field', 'truncate', 'duplicate', 'drop', 'swap', 'length', 'insert', 'random-frame'])
    done.push(op)
    switch (op) {
      case 'flip': {
        const at = rng.chance(0.5) ? rng.int(Math.min(f.length, 64)) : rng.int(f.length)
        f[at] = (f[at] as number) ^ (1 << rng.int(8)) ^ (rng.chance(0.3) ? rng.int(256) : 0)
        break
      }
      case 'field': {
        const g = mutateField(rng, f)
        if (g) frames[i] = g
        break
      }
      case 'truncate':
        truncateAt = rng.int(frames.reduce((s, x) => s + x.length, 0) + 1)
        break
      case 'duplicate':
        frames.splice(i, 0, Buffer.from(f))
        break
      case 'drop':
        frames.splice(i, 1)
        break
      case 'swap': {
        const j = rng.int(frames.length)
        frames[i] = frames[j] as Buffer
        frames[j] = f
        break
      }
      case 'length':
        if (f.length >= 4) f.writeUInt32BE(rng.pick([0, 1, (f.readUInt32BE(0) + 1) % 2 ** 32, Math.max(0, f.readUInt32BE(0) - 1), MAX_FRAME, MAX_FRAME + 1, 0xffffffff, rng.int(2 ** 32)]), 0)
        break
      case 'insert':
        frames.splice(i, 0, rng.bytes(1 + rng.int(64)))
        break
      case 'random-frame':
        frames.splice(i, 0, randomFrame(rng))
        break
    }
  }
  const bytes = Buffer.concat(frames)
  return {bytes: truncateAt === null ? bytes : bytes.subarray(0, truncateAt), done}
}

/** Record the bytes each side writes on a stream. */
function tap(stream: Duplex, into: Buffer[]): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    into.push(Buffer.from(chunk as Buffer))
    return write(chunk, ...rest)
  }) as typeof stream.write
}

export interface Recording {
  name: string
  /** What the initiator (the CLI side) sent, cut into frames. */
  initiator: Buffer[]
  /** What the responder (the agent) sent. */
  responder: Buffer[]
}

/**
 * Run real sessions in-process and record both directions: a push to a new
 * file, a push over an existing file that differs (refine, zero, data), and
 * a pull. `dir` is where the agent side's files live (it must be the folder
 * a fuzzed agent allows, so that replayed Open frames stay inside it);
 * `scratch` holds the local ends.
 */
export async function recordSessions(dir: string, scratch: string, rng: Rng): Promise<Recording[]> {
  const MiB = 1 << 20
  const srcData = Buffer.alloc(9 * MiB + 777)
  for (let at = 0; at < srcData.length; at += 256 * 1024) rng.bytes(rng.int(40_000)).copy(srcData, at)
  const old = Buffer.from(srcData)
  for (let i = 0; i < 40; i++) rng.bytes(64).copy(old, rng.int(old.length - 64))
  old.fill(7, 4 * MiB, 4 * MiB + 200_000)
  const src = join(scratch, 'src.img')
  writeFileSync(src, srcData)
  writeFileSync(join(dir, 'existing.img'), old)
  // The pull goes over a local file that differs, so its side sends manifests and refine hashes.
  writeFileSync(join(scratch, 'pulled.img'), Buffer.concat([old.subarray(0, 6 * MiB), rng.bytes(MiB)]))
  const runs: Array<{name: string; direction: 'push' | 'pull'; local: string; remote: string; blockSize: number}> = [
    {name: 'push to a new file', direction: 'push', local: src, remote: join(dir, 'new.img'), blockSize: 64 * 1024},
    {name: 'push over a file that differs', direction: 'push', local: src, remote: join(dir, 'existing.img'), blockSize: 64 * 1024},
    {name: 'push with 4 KiB blocks', direction: 'push', local: src, remote: join(dir, 'small-blocks.img'), blockSize: 4096},
    {name: 'pull', direction: 'pull', local: join(scratch, 'pulled.img'), remote: join(dir, 'existing.img'), blockSize: 64 * 1024},
  ]
  const out: Recording[] = []
  for (const r of runs) {
    const [a, b] = duplexPair()
    const initiator: Buffer[] = []
    const responder: Buffer[] = []
    tap(a, initiator)
    tap(b, responder)
    await Promise.all([
      initiate(new Channel(a), {direction: r.direction, localPath: r.local, remotePath: r.remote, blockSize: r.blockSize}),
      respond(new Channel(b), {allow: [dir], locks: new TargetLocks()}, {path: null, role: null, bytesSent: 0, bytesWritten: 0}),
    ])
    out.push({name: r.name, initiator: splitFrames(Buffer.concat(initiator)), responder: splitFrames(Buffer.concat(responder))})
  }
  // Put the existing file back as it was, so replays find differences again.
  writeFileSync(join(dir, 'existing.img'), old)
  return out
}

/** Point an Open frame at another path (replays spread over a few files instead of contending for one). */
export function retarget(unit: Buffer, path: string): Buffer {
  const f = decodeUnit(unit)
  if (!f || f.kind !== 'open') return unit
  return encodeFrame('open', {...f.msg, path})
}

export {Role}
