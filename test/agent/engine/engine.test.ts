// The sync engine with two peers joined in memory: a whole session (hello,
// open, start, sync) between initiate() and respond() over a duplex pair,
// push and pull. Every case checks the files byte for byte and checks the
// figures against an expectation computed from the two buffers alone.
//
// The last part drives runSource/runDest directly against a hand-driven
// peer that breaks the protocol.
import t, {type Test} from 'tap'
import {randomBytes} from 'node:crypto'
import {closeSync, existsSync, ftruncateSync, openSync, readdirSync, readFileSync, readSync, statSync, symlinkSync, utimesSync, writeSync} from 'node:fs'
import {join} from 'node:path'
import {Channel} from '../../../agent/wire/channel.js'
import {Disk} from '../../../agent/disk/disk.js'
import {runDest, runSource, type Plan} from '../../../agent/engine/engine.js'
import {EXIT, type BlockpairError} from '../../../agent/errors.js'
import {Role} from '../../../proto/codec.js'
import {TargetLocks} from '../../../agent/session/policy.js'
import {initiate, PROTOCOL_VERSION, respond, type SessionRecord, type Summary} from '../../../agent/session/session.js'
import {allocated, allZero, expectedFigures, flip, FINE, KiB, MiB, sampleData, scatterChanges, writeFixture} from '../../helpers/blocks.js'
import {channelPair} from '../../helpers/pair.js'
import {sparseFile} from '../../helpers/disks.js'

type Direction = 'push' | 'pull'

interface Case {
  src: Buffer
  /** null: the destination does not exist. */
  dst: Buffer | null
  blockSize?: number
  dryRun?: boolean
  /** Write fixtures with holes for their zero pieces. */
  sparse?: boolean
}

interface Outcome {
  summary: Summary
  srcPath: string
  dstPath: string
  record: SessionRecord
}

/** Run one whole session in memory: the CLI side initiates, the agent side responds. */
async function sync(t: Test, direction: Direction, c: Case): Promise<Outcome> {
  const dir = t.testdir()
  const srcPath = join(dir, 'src.img')
  const dstPath = join(dir, 'dst.img')
  writeFixture(srcPath, c.src, {sparse: c.sparse})
  if (c.dst) writeFixture(dstPath, c.dst, {sparse: c.sparse})
  const [a, b] = channelPair()
  const record: SessionRecord = {path: null, role: null, bytesSent: 0, bytesWritten: 0}
  const [local, remote] = direction === 'push' ? [srcPath, dstPath] : [dstPath, srcPath]
  const [summary] = await Promise.all([
    initiate(a, {direction, localPath: local, remotePath: remote, blockSize: c.blockSize ?? 64 * KiB, dryRun: c.dryRun}),
    respond(b, {allow: [dir], locks: new TargetLocks()}, record),
  ])
  return {summary, srcPath, dstPath, record}
}

/** The checks every case makes: identical files and true figures. */
async function check(t: Test, direction: Direction, c: Case): Promise<Outcome> {
  const blockSize = c.blockSize ?? 64 * KiB
  const want = expectedFigures(c.src, c.dst, blockSize)
  const o = await sync(t, direction, c)
  const s = o.summary
  t.ok(readFileSync(o.dstPath).equals(c.src), `${direction}: destination identical to the source`)
  t.ok(readFileSync(o.srcPath).equals(c.src), `${direction}: source untouched`)
  t.equal(s.ok, true)
  t.equal(s.size, c.src.length)
  t.equal(s.blockSize, blockSize)
  t.equal(s.blocks, Math.ceil(c.src.length / blockSize), `${direction}: blocks`)
  t.equal(s.bytesSent, want.bytesSent, `${direction}: bytesSent is the non-zero 4 KiB pieces that differ`)
  t.equal(s.blocksChanged, want.blocksChanged, `${direction}: blocksChanged`)
  t.equal(s.bytesWritten, want.bytesSent, `${direction}: the destination wrote exactly what was sent`)
  t.equal(s.bytesZeroed, want.bytesZeroed, `${direction}: bytesZeroed`)
  t.equal(s.destinationCreated, c.dst === null, `${direction}: destinationCreated`)
  t.equal(s.dryRun, false)
  t.equal(s.verified, false)
  t.equal(s.resumedFrom, 0)
  t.ok(s.bytesOnWire >= s.bytesSent, `${direction}: bytesOnWire counts the payload`)
  t.equal(o.record.role, direction === 'push' ? 'dest' : 'source', 'the agent took the other role')
  return o
}

const both = (name: string, c: () => Case, extra?: (t: Test, d: Direction, o: Outcome) => void): void => {
  for (const d of ['push', 'pull'] as const) {
    t.test(`${name} (${d})`, async t => {
      const cs = c()
      const o = await check(t, d, cs)
      extra?.(t, d, o)
    })
  }
}

const SIZE = 10 * MiB + 3 * FINE // three segments, the last one short

both('identical files', () => {
  const src = sampleData(SIZE)
  return {src, dst: Buffer.from(src)}
}, (t, _d, o) => {
  t.equal(o.summary.bytesSent, 0)
  t.equal(o.summary.blocksChanged, 0)
})

both('identical files with holes', () => {
  const src = sampleData(SIZE)
  return {src, dst: Buffer.from(src), sparse: true}
}, (t, _d, o) => t.equal(o.summary.bytesSent, 0))

both('a new destination is created sparse', () => {
  const src = Buffer.alloc(12 * MiB)
  randomBytes(MiB).copy(src, 0)
  randomBytes(300 * KiB).copy(src, 7 * MiB + 5 * FINE)
  src[11 * MiB + 17] = 1
  return {src, dst: null, sparse: true}
}, (t, _d, o) => {
  t.equal(o.summary.bytesSent, MiB + 300 * KiB + FINE)
  t.equal(o.summary.bytesReadDest, 0, 'a new destination is not read')
  t.ok(allocated(o.dstPath) <= MiB + 300 * KiB + FINE + 64 * KiB, `only the data is allocated (${allocated(o.dstPath)} bytes)`)
})

// Segment buffers are reused, and a block that lies wholly in a hole is not
// zero-filled when read (that cost more than reading a sparse image's data):
// its bytes are whatever the buffer's last segment held. Twelve segments of
// random data come first, so every buffer of the pool is stale when the
// sparse segments arrive; the destination then patches 4 KiB pieces into
// its hole blocks, and asks nothing of the stale bytes.
both('regression: stale bytes of reused buffers in hole blocks are never used', () => {
  const dst = Buffer.alloc(14 * 4 * MiB)
  randomBytes(12 * 4 * MiB).copy(dst)
  for (const seg of [12, 13]) randomBytes(64 * KiB).copy(dst, seg * 4 * MiB)
  const src = Buffer.from(dst)
  for (const seg of [12, 13]) {
    // A lone piece in a hole block of the destination, and a run that ends in one.
    randomBytes(FINE).copy(src, seg * 4 * MiB + MiB + 5 * FINE)
    randomBytes(3 * FINE).copy(src, seg * 4 * MiB + 2 * MiB - FINE)
  }
  return {src, dst, sparse: true}
}, (t, _d, o) => t.equal(o.summary.bytesSent, 2 * 4 * FINE))

both('a new destination from a source whose zeros are written, not holes', () => ({src: sampleData(SIZE), dst: null}),
  (t, _d, o) => t.ok(allocated(o.dstPath) < SIZE - MiB, 'zero pieces are not written'))

both('a grown destination (shorter than the source)', () => {
  const src = sampleData(SIZE)
  const dst = scatterChanges(src, 40).subarray(0, 5 * MiB + 1000)
  return {src, dst}
})

both('a grown destination whose old end is mid-block', () => {
  const src = sampleData(2 * MiB + 5000)
  const dst = Buffer.from(src.subarray(0, 64 * KiB + 100))
  return {src, dst}
})

both('a shrunk destination (longer than the source)', () => {
  const src = sampleData(SIZE)
  const dst = Buffer.concat([scatterChanges(src, 40), randomBytes(5 * MiB + 123)])
  return {src, dst}
}, (t, _d, o) => t.equal(statSync(o.dstPath).size, SIZE, 'cut to the source size'))

both('a shrunk destination with identical data', () => {
  const src = sampleData(3 * MiB)
  return {src, dst: Buffer.concat([src, randomBytes(MiB)])}
}, (t, _d, o) => t.equal(o.summary.bytesSent, 0, 'nothing to send: only the length changes'))

both('a size that is not a multiple of the block size or of 4096', () => {
  const src = sampleData(9 * MiB + 1234)
  const dst = scatterChanges(src, 30)
  flip(dst, dst.length - 1, 0x55) // the last, partial piece differs
  return {src, dst}
})

both('an odd size with 4 KiB blocks, the last piece changed', () => {
  const src = sampleData(MiB + 777)
  const dst = Buffer.from(src)
  flip(dst, dst.length - 100, 1)
  return {src, dst, blockSize: 4 * KiB}
}, (t, _d, o) => t.equal(o.summary.bytesSent, 777, 'the short last piece costs its own length'))

both('all blocks different', () => ({src: randomBytes(SIZE), dst: randomBytes(SIZE)}),
  (t, _d, o) => t.equal(o.summary.bytesSent, SIZE))

both('all blocks different, source all zero', () => ({src: Buffer.alloc(3 * MiB), dst: randomBytes(3 * MiB)}),
  (t, _d, o) => {
    t.equal(o.summary.bytesSent, 0, 'zeros are zeroed, not sent')
    t.equal(o.summary.bytesZeroed, 3 * MiB)
    t.ok(allocated(o.dstPath) <= 64 * KiB, 'and punched as holes')
  })

both('an empty source over an existing file', () => ({src: Buffer.alloc(0), dst: randomBytes(MiB)}),
  (t, _d, o) => {
    t.equal(statSync(o.dstPath).size, 0)
    t.equal(o.summary.blocks, 0)
  })

both('an empty source to a new destination', () => ({src: Buffer.alloc(0), dst: null}),
  (t, _d, o) => t.ok(existsSync(o.dstPath), 'the empty destination exists'))

both('one changed byte in a 64 KiB block sends exactly 4096 bytes', () => {
  const src = randomBytes(4 * MiB)
  const dst = Buffer.from(src)
  flip(dst, 2 * MiB + 64 * KiB + 3 * FINE + 17, 0x80)
  return {src, dst, blockSize: 64 * KiB}
}, (t, _d, o) => {
  t.equal(o.summary.bytesSent, 4096)
  t.equal(o.summary.blocksChanged, 1)
})

for (const blockSize of [4 * KiB, MiB, 4 * MiB]) {
  both(`block size ${blockSize / KiB} KiB, scattered changes`, () => {
    const src = sampleData(9 * MiB + 3 * FINE)
    return {src, dst: scatterChanges(src, 60, blockSize), blockSize}
  }, (t, _d, o) => t.ok(o.summary.bytesSent <= 60 * FINE, 'never more than the changed pieces'))
}

both('many segments in flight (more than the window)', () => {
  const src = Buffer.alloc(40 * MiB)
  for (let at = 0; at < src.length; at += 3 * MiB) randomBytes(64 * KiB).copy(src, at)
  return {src, dst: scatterChanges(src, 200), sparse: true}
})

t.test('a dry run writes nothing but reports what differs', async t => {
  for (const d of ['push', 'pull'] as const) {
    const src = sampleData(SIZE)
    const dst = scatterChanges(src, 50).subarray(0, SIZE - MiB)
    const want = expectedFigures(src, dst, 64 * KiB)
    const dir = t.testdir()
    const dstPath = join(dir, 'dst.img')
    writeFixture(join(dir, 'src.img'), src)
    writeFixture(dstPath, dst)
    const past = new Date('2020-01-02T03:04:05Z')
    utimesSync(dstPath, past, past)
    const before = statSync(dstPath)
    const [a, b] = channelPair()
    const [local, remote] = d === 'push' ? [join(dir, 'src.img'), dstPath] : [dstPath, join(dir, 'src.img')]
    const [s] = await Promise.all([
      initiate(a, {direction: d, localPath: local, remotePath: remote, blockSize: 64 * KiB, dryRun: true}),
      respond(b, {allow: [dir], locks: new TargetLocks()}, {path: null, role: null, bytesSent: 0, bytesWritten: 0}),
    ])
    const after = statSync(dstPath)
    t.ok(readFileSync(dstPath).equals(dst), `${d}: destination bytes unchanged`)
    t.equal(after.mtimeMs, before.mtimeMs, `${d}: destination mtime unchanged`)
    t.equal(after.size, dst.length, `${d}: destination size unchanged`)
    t.equal(s.dryRun, true)
    t.equal(s.blocksChanged, want.blocksChanged, `${d}: blocksChanged reported`)
    t.ok(s.blocksChanged > 0)
    t.equal(s.bytesSent, want.bytesSent, `${d}: bytesSent is what a real run would send`)
    t.equal(s.bytesWritten, 0, `${d}: nothing written`)
    t.same(merged(s.differences), want.differences, `${d}: the differences cover exactly what differs`)
  }
})

/** Ranges sorted and merged where they touch, whatever order they were reported in. */
function merged(ranges: ReadonlyArray<{offset: number; length: number}>): Array<{offset: number; length: number}> {
  const out: Array<{offset: number; length: number}> = []
  for (const r of [...ranges].sort((a, b) => a.offset - b.offset)) {
    const last = out[out.length - 1]
    if (last && last.offset + last.length >= r.offset) last.length = Math.max(last.length, r.offset + r.length - last.offset)
    else out.push({offset: r.offset, length: r.length})
  }
  return out
}

t.test('a dry run reports the zeroing a real run would do', async t => {
  const src = sampleData(4 * MiB)
  const dst = randomBytes(4 * MiB)
  const want = expectedFigures(src, dst, 64 * KiB)
  t.ok(want.bytesZeroed > 0, 'the fixture has zeros to make')
  for (const d of ['push', 'pull'] as const) {
    const o = await sync(t, d, {src, dst, dryRun: true})
    t.equal(o.summary.bytesZeroed, want.bytesZeroed, `${d}: would zero as much as a real run zeroes`)
  }
})

t.test('a dry run to a missing destination creates nothing', async t => {
  for (const d of ['push', 'pull'] as const) {
    const src = sampleData(3 * MiB)
    const o = await sync(t, d, {src, dst: null, dryRun: true})
    t.notOk(existsSync(o.dstPath), `${d}: not created`)
    t.equal(o.summary.bytesSent, expectedFigures(src, null, 64 * KiB).bytesSent)
    t.equal(o.summary.destinationExisted, false, 'reported as missing')
    t.equal(o.summary.destinationCreated, false, 'and not created')
  }
})

t.test('a second sync of the same pair sends nothing', async t => {
  const src = sampleData(SIZE)
  const o = await sync(t, 'push', {src, dst: scatterChanges(src, 20)})
  const [a, b] = channelPair()
  const [s] = await Promise.all([
    initiate(a, {direction: 'push', localPath: o.srcPath, remotePath: o.dstPath, blockSize: 64 * KiB}),
    respond(b, {allow: [join(o.dstPath, '..')], locks: new TargetLocks()}, {path: null, role: null, bytesSent: 0, bytesWritten: 0}),
  ])
  t.equal(s.bytesSent, 0)
  t.equal(s.blocksChanged, 0)
  t.equal(s.bytesZeroed, 0)
})

t.test('the agent refuses a path outside --allow', async t => {
  const dir = t.testdir({allowed: {}, other: {}})
  writeFixture(join(dir, 'src.img'), randomBytes(MiB))
  const [a, b] = channelPair()
  const target = join(dir, 'other', 'dst.img')
  const results = await Promise.allSettled([
    initiate(a, {direction: 'push', localPath: join(dir, 'src.img'), remotePath: target, blockSize: 64 * KiB}),
    respond(b, {allow: [join(dir, 'allowed')], locks: new TargetLocks()}, {path: null, role: null, bytesSent: 0, bytesWritten: 0}),
  ])
  t.match(results[0], {status: 'rejected', reason: {code: 'E_NOT_ALLOWED', exit: EXIT.POLICY}})
  t.match(results[1], {status: 'rejected', reason: {code: 'E_NOT_ALLOWED'}})
  t.notOk(existsSync(target))
})

t.test('a bad block size is a usage error before anything is sent', async t => {
  const [a] = channelPair()
  for (const blockSize of [3000, 2 * KiB, 8 * MiB, 96 * KiB]) {
    await t.rejects(initiate(a, {direction: 'push', localPath: '/nonexistent', remotePath: '/x', blockSize}), {code: 'E_BLOCK_SIZE', exit: EXIT.USAGE}, String(blockSize))
  }
  t.equal(a.bytesOut, 0)
})

t.test('offsets past 4 GiB: a 5 GiB sparse image', async t => {
  const GiB = 1024 * MiB
  const size = 5 * GiB + 1234
  const dir = t.testdir()
  const srcPath = join(dir, 'src.img')
  const dstPath = join(dir, 'dst.img')
  // Source data straddling 4 GiB, past it, and the odd-sized tail.
  const srcData: Array<[number, Buffer]> = [[0, randomBytes(64 * KiB)], [4 * GiB - 2 * FINE, randomBytes(4 * FINE)], [4 * GiB + 123 * MiB, randomBytes(200 * KiB)], [size - 5000, randomBytes(5000)]]
  // The old destination: the same size, data where the source has holes, and one piece differing past 4 GiB.
  const dstData: Array<[number, Buffer]> = [[0, srcData[0]?.[1] as Buffer], [4 * GiB + 7 * MiB, randomBytes(64 * KiB)], [4 * GiB + 123 * MiB, Buffer.from(srcData[2]?.[1] as Buffer)]]
  const dstPatched = dstData[2]?.[1] as Buffer
  flip(dstPatched, 100 * KiB + 5, 0x10) // one byte in one 4 KiB piece
  const make = (path: string, parts: Array<[number, Buffer]>): void => {
    const fd = openSync(path, 'w')
    ftruncateSync(fd, size)
    for (const [at, b] of parts) writeSync(fd, b, 0, b.length, at)
    closeSync(fd)
  }
  make(srcPath, srcData)
  make(dstPath, dstData)
  const [a, b] = channelPair()
  const [s] = await Promise.all([
    initiate(a, {direction: 'push', localPath: srcPath, remotePath: dstPath, blockSize: 64 * KiB}),
    respond(b, {allow: [dir], locks: new TargetLocks()}, {path: null, role: null, bytesSent: 0, bytesWritten: 0}),
  ])
  t.equal(statSync(dstPath).size, size)
  const fd = openSync(dstPath, 'r')
  t.teardown(() => closeSync(fd))
  const at = (offset: number, length: number): Buffer => {
    const out = Buffer.alloc(length)
    readSync(fd, out, 0, length, offset)
    return out
  }
  for (const [off, data] of srcData) t.ok(at(off, data.length).equals(data), `source data at ${off} arrived`)
  t.ok(allZero(at(4 * GiB + 7 * MiB, 64 * KiB)), 'old data where the source has a hole is gone')
  const srcBytes = srcData.reduce((n, [, d]) => n + d.length, 0)
  t.ok(allocated(dstPath) <= srcBytes + 2 * 64 * KiB * srcData.length, `no data anywhere else (${allocated(dstPath)} bytes allocated)`)
  // Sent: the 4 pieces straddling 4 GiB (holes at the destination), the one
  // piece with the changed byte, and the tail: [5 GiB - 4096, 5 GiB) holds the
  // last 3766 source bytes, then 1234 bytes past 5 GiB. The first 64 KiB and
  // the rest of the 200 KiB were equal.
  t.equal(s.bytesSent, 4 * FINE + FINE + FINE + 1234, 'only what differs, at offsets past 2^32')
  t.equal(s.blocksChanged, 2 + 1 + 2 + 1, 'coarse blocks: 2 straddling 4 GiB, 1 changed byte, 2 at the tail, 1 to zero')
  t.equal(s.bytesZeroed, 64 * KiB, 'the old data in the source hole is zeroed, as one block')
})

t.test('two syncs to one destination at once: the second is refused (E_BUSY)', async t => {
  const dir = t.testdir()
  const src = sampleData(12 * MiB)
  writeFixture(join(dir, 'src.img'), src)
  const locks = new TargetLocks()
  const one = (): Promise<Summary> => {
    const [a, b] = channelPair()
    const r = respond(b, {allow: [dir], locks}, {path: null, role: null, bytesSent: 0, bytesWritten: 0})
    r.catch(() => {})
    return initiate(a, {direction: 'push', localPath: join(dir, 'src.img'), remotePath: join(dir, 'dst.img'), blockSize: 64 * KiB})
  }
  const results = await Promise.allSettled([one(), one()])
  const ok = results.filter(r => r.status === 'fulfilled')
  const busy = results.filter(r => r.status === 'rejected')
  t.equal(ok.length, 1, 'one sync runs')
  t.equal(busy.length, 1, 'one is refused')
  t.match(busy[0], {reason: {code: 'E_BUSY', exit: EXIT.POLICY}})
  t.ok(readFileSync(join(dir, 'dst.img')).equals(src), 'the destination is the source, not a mix')
})

t.test('symlinks cannot lead the agent outside --allow', async t => {
  const dir = t.testdir({allowed: {}, other: {'x.img': 'secret data'}})
  const allowed = join(dir, 'allowed')
  symlinkSync(join(dir, 'other', 'x.img'), join(allowed, 'link.img'))
  symlinkSync(join(dir, 'other'), join(allowed, 'dirlink'))
  writeFixture(join(dir, 'src.img'), randomBytes(MiB))
  for (const [d, remote] of [['push', 'link.img'], ['push', 'dirlink/new.img'], ['pull', 'link.img'], ['push', '../other/x.img']] as const) {
    const [a, b] = channelPair()
    const local = d === 'push' ? join(dir, 'src.img') : join(dir, 'pulled.img')
    const results = await Promise.allSettled([
      initiate(a, {direction: d, localPath: local, remotePath: join(allowed, remote), blockSize: 64 * KiB}),
      respond(b, {allow: [allowed], locks: new TargetLocks()}, {path: null, role: null, bytesSent: 0, bytesWritten: 0}),
    ])
    t.match(results[1], {status: 'rejected', reason: {code: 'E_NOT_ALLOWED', exit: EXIT.POLICY}}, `${d} ${remote}`)
    t.match(results[0], {status: 'rejected', reason: {code: 'E_NOT_ALLOWED'}})
  }
  t.equal(readFileSync(join(dir, 'other', 'x.img'), 'utf8'), 'secret data', 'the file outside is untouched')
  t.notOk(existsSync(join(dir, 'other', 'new.img')), 'nothing created outside')
  t.notOk(existsSync(join(dir, 'pulled.img')), 'nothing pulled')
})

// ------------------------------------------------------ a peer that cheats

const SEED = Buffer.from('0123456789abcdef', 'hex')

function plan(size: number, extra: Partial<Plan> = {}): Plan {
  return {size, blockSize: 64 * KiB, start: 0, end: size, destZeroFrom: 0, dryRun: false, ...extra}
}

/** `p`, or a rejection with code E_TEST_TIMEOUT if it has not settled within `ms`: a hang fails the case instead of the file. */
function within<T>(p: Promise<T>, ms = 5000): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => {
    setTimeout(() => reject(Object.assign(new Error(`not settled within ${ms} ms`), {code: 'E_TEST_TIMEOUT'})), ms).unref()
  })])
}

/** Resolves with the error the peer reported in its Error frame. */
function failureOf(ch: Channel): Promise<BlockpairError> {
  return new Promise(resolve => ch.onFail(resolve))
}

interface Victim {
  peer: Channel
  path: string
  result: Promise<unknown>
  told: Promise<BlockpairError>
}

/** A destination engine on a fresh file, with the test playing the source. */
async function destVictim(t: Test, p: Plan, existing?: Buffer): Promise<Victim> {
  const path = join(t.testdir(), 'dst.img')
  if (existing) writeFixture(path, existing, {sparse: true})
  const disk = await Disk.openWrite(path)
  t.teardown(() => disk.close())
  const [peer, mine] = channelPair()
  const told = failureOf(peer)
  const result = runDest(mine, disk, p, {}, SEED)
  result.catch(() => {})
  return {peer, path, result, told}
}

function expectAllZero(t: Test, path: string, size: number): void {
  const b = readFileSync(path)
  t.equal(b.length, size, 'the file has the plan size, no more')
  t.ok(allZero(b), 'nothing was written')
}

t.test('the destination refuses writes outside [0, size)', async t => {
  const size = 3 * MiB + 100
  const cases: Array<[string, (ch: Channel) => void]> = [
    ['data at the end', ch => ch.sendData(size, Buffer.alloc(FINE, 1), () => {})],
    ['data crossing the end', ch => ch.sendData(size - 100, Buffer.alloc(FINE, 1), () => {})],
    ['data far past the end', ch => ch.sendData(2 ** 40, Buffer.alloc(FINE, 1), () => {})],
    ['data past 2^53', ch => ch.sendData(2 ** 60, Buffer.alloc(FINE, 1), () => {})],
    ['zero past the end', ch => ch.send('zero', {offset: size, length: FINE})],
    ['zero crossing the end', ch => ch.send('zero', {offset: 0, length: size + 1})],
    ['zero of length 0', ch => ch.send('zero', {offset: 0, length: 0})],
    ['data of length 0', ch => ch.sendData(0, Buffer.alloc(0), () => {})],
    ['data crossing a segment boundary', ch => ch.sendData(4 * MiB - 10, Buffer.alloc(100, 1), () => {})],
    // Every piece is checked before any is written: the good first pieces stay unwritten too.
    ['pieces, the last past the end', ch => ch.sendPieces([0, FINE * 4, size], [Buffer.alloc(FINE, 1), Buffer.alloc(FINE, 2), Buffer.alloc(FINE, 3)])],
    ['pieces, the last crossing a segment boundary', ch => ch.sendPieces([0, 4 * MiB - 10], [Buffer.alloc(FINE, 1), Buffer.alloc(100, 2)])],
    ['pieces, the last past 2^53', ch => ch.sendPieces([0, 2 ** 60], [Buffer.alloc(FINE, 1), Buffer.alloc(FINE, 2)])],
  ]
  for (const [name, cheat] of cases) {
    const v = await destVictim(t, plan(size, {destZeroFrom: 0}))
    cheat(v.peer)
    await t.rejects(within(v.result), {code: 'E_BAD_FRAME', exit: EXIT.PROTOCOL}, name)
    t.match(await within(v.told), {code: 'E_BAD_FRAME'}, `${name}: the peer is told`)
    await new Promise(resolve => setTimeout(resolve, 20))
    expectAllZero(t, v.path, size)
  }
})

t.test('the destination refuses data before its manifest', async t => {
  // An existing file with data in every segment: every segment needs a
  // manifest before any write. The destination sends manifests for at most
  // LOCAL_WINDOW + 1 such segments (4 MiB each) ahead of the segment ends it has
  // seen, so a write to segment 6 or later comes before its manifest whatever
  // the timing. (All-hole segments may run further ahead: they pin no buffer.)
  const size = 40 * MiB
  const old = Buffer.alloc(size, 7)
  for (const offset of [24 * MiB, 36 * MiB + 5 * FINE]) {
    const v = await destVictim(t, plan(size, {destZeroFrom: size}), old)
    v.peer.sendData(offset, Buffer.alloc(FINE, 0xee), () => {})
    await t.rejects(within(v.result), {code: 'E_BAD_FRAME'}, `data at ${offset}`)
    await new Promise(resolve => setTimeout(resolve, 20))
    t.ok(readFileSync(v.path).equals(old), 'nothing was written')
  }
})

t.test('the destination refuses segments out of order and an early finish', async t => {
  const size = 9 * MiB
  const cases: Array<[string, (ch: Channel) => void]> = [
    ['segmentEnd out of order', ch => ch.send('segmentEnd', {segment: 1})],
    ['segmentEnd past the last segment', ch => { for (let k = 0; k < 4; k++) ch.send('segmentEnd', {segment: k}) }],
    ['segmentEnd twice', ch => { ch.send('segmentEnd', {segment: 0}); ch.send('segmentEnd', {segment: 0}) }],
    ['finish before all segments end', ch => ch.send('finish', {digest: Buffer.alloc(16)})],
    ['a write after its segment ended', ch => { ch.send('segmentEnd', {segment: 0}); ch.sendData(0, Buffer.alloc(FINE, 1), () => {}) }],
    ['refine for a segment without a manifest', ch => ch.send('refine', {segment: 0, blocks: [0]})],
    ['a frame that belongs to the handshake', ch => ch.send('hello', {version: 1})],
    ['a manifest, which only the destination sends', ch => ch.send('manifest', {segment: 0, hashes: Buffer.alloc(16)})],
    ['segmentEnd counting past the segments that are open', ch => ch.send('segmentEnd', {segment: 0, count: 5})],
  ]
  for (const [name, cheat] of cases) {
    const v = await destVictim(t, plan(size))
    cheat(v.peer)
    await t.rejects(within(v.result), {code: 'E_BAD_FRAME'}, name)
    await new Promise(resolve => setTimeout(resolve, 20))
    expectAllZero(t, v.path, size)
  }
})

t.test('the destination refuses a refine naming blocks out of order or range', async t => {
  const size = 2 * MiB
  for (const blocks of [[40], [3, 3], [5, 2], [2 ** 31]]) {
    const v = await destVictim(t, plan(size, {destZeroFrom: size}), Buffer.alloc(size, 1))
    await v.peer.expect('manifest')
    v.peer.send('refine', {segment: 0, blocks})
    await t.rejects(within(v.result), {code: 'E_BAD_FRAME'}, JSON.stringify(blocks))
  }
})

t.test('the source refuses frames only a source sends, and bad manifests', async t => {
  const size = 9 * MiB
  const path = join(t.testdir(), 'src.img')
  writeFixture(path, sampleData(size))
  const cases: Array<[string, (ch: Channel) => void]> = [
    ['a data frame before any manifest', ch => ch.sendData(0, Buffer.alloc(FINE, 1), () => {})],
    ['a zero frame', ch => ch.send('zero', {offset: 0, length: FINE})],
    ['a manifest out of order', ch => ch.send('manifest', {segment: 1, hashes: Buffer.alloc(64 * 16)})],
    ['a manifest with too few hashes', ch => ch.send('manifest', {segment: 0, hashes: Buffer.alloc(16)})],
    ['a manifest past the last segment', ch => { for (let k = 0; k < 4; k++) ch.send('manifest', {segment: k, hashes: Buffer.alloc(64 * 16)}) }],
    ['refine hashes nobody asked for', ch => ch.send('refineHashes', {segment: 0, hashes: Buffer.alloc(16)})],
    ['a checkpoint outside the range', ch => ch.send('checkpoint', {offset: size + 1})],
    ['a hole run that carries hashes', ch => ch.send('manifest', {segment: 0, count: 2, hashes: Buffer.alloc(16)})],
    ['a hole run past the last segment', ch => ch.send('manifest', {segment: 0, count: 4})],
    ['a hole run longer than a run may be', ch => ch.send('manifest', {segment: 0, count: 17})],
  ]
  for (const [name, cheat] of cases) {
    const disk = await Disk.openRead(path)
    const [peer, mine] = channelPair()
    const told = failureOf(peer)
    const result = runSource(mine, disk, plan(size, {destZeroFrom: size}), {}, SEED)
    cheat(peer)
    await t.rejects(within(result), {code: 'E_BAD_FRAME', exit: EXIT.PROTOCOL}, name)
    t.match(await within(told), {code: 'E_BAD_FRAME'}, `${name}: the peer is told`)
    await disk.close()
  }
})

t.test('the source refuses a hole run into the part it knows is zero', async t => {
  const size = 9 * MiB
  const path = join(t.testdir(), 'src.img')
  writeFixture(path, sampleData(size))
  const disk = await Disk.openRead(path)
  t.teardown(() => disk.close())
  const [peer, mine] = channelPair()
  // Segments 1 and 2 lie past the destination's end: they get no manifest.
  const result = runSource(mine, disk, plan(size, {destZeroFrom: 4 * MiB}), {}, SEED)
  peer.send('manifest', {segment: 0, count: 2})
  await t.rejects(within(result), {code: 'E_BAD_FRAME', exit: EXIT.PROTOCOL})
})

t.test('the holes of a big sparse image cost a few frames, not two per segment', async t => {
  const dir = t.testdir()
  const src = join(dir, 'src.img')
  const dst = join(dir, 'dst.img')
  // 1 GiB apparent, 256 segments; data in the first and the last one.
  const size = 1024 * MiB
  for (const f of [src, dst]) sparseFile(f, size, [])
  for (const f of [src, dst]) {
    const fd = openSync(f, 'r+')
    writeSync(fd, Buffer.alloc(FINE, 7), 0, FINE, 0)
    writeSync(fd, Buffer.alloc(FINE, 9), 0, FINE, size - FINE)
    closeSync(fd)
  }
  const [a, b] = channelPair()
  const [summary] = await Promise.all([
    initiate(a, {direction: 'push', localPath: src, remotePath: dst, blockSize: 64 * KiB}),
    respond(b, {allow: [dir], locks: new TargetLocks()}, {path: null, role: null, bytesSent: 0, bytesWritten: 0}),
  ])
  t.equal(summary.bytesSent, 0)
  t.equal(summary.bytesReadSource, 2 * FINE, 'the holes are not read')
  // One Manifest and one SegmentEnd per segment came to 7,350 bytes here; hole runs, ~830.
  t.ok(summary.bytesOnWire < 4096, `${summary.bytesOnWire} bytes on the wire`)
})

t.test('one stream\'s destination writes nothing outside its range, before or after it', async t => {
  const size = 12 * MiB
  const old = sampleData(size)
  for (const [name, offset] of [['before the range', 4 * MiB - FINE], ['after the range', 8 * MiB]] as const) {
    const v = await destVictim(t, plan(size, {start: 4 * MiB, end: 8 * MiB, destZeroFrom: size}), old)
    v.peer.sendData(offset, Buffer.alloc(FINE, 0xee), () => {})
    await t.rejects(within(v.result), {code: 'E_BAD_FRAME', exit: EXIT.PROTOCOL}, name)
    t.ok(readFileSync(v.path).equals(old), `${name}: the file is as it was`)
  }
})

t.test('a digest that does not match fails the sync at both ends', async t => {
  // A cheating source: ends every segment of a new destination without
  // sending anything, then claims the digest of data it never sent.
  const size = 5 * MiB
  const v = await destVictim(t, plan(size, {destZeroFrom: 0}))
  v.peer.send('segmentEnd', {segment: 0})
  v.peer.send('segmentEnd', {segment: 1})
  v.peer.send('finish', {digest: randomBytes(16)})
  await t.rejects(within(v.result), {code: 'E_DIGEST_MISMATCH', exit: EXIT.IO})

  // A cheating destination: answers a source's Finish with the wrong digest.
  const path = join(t.testdir(), 'src.img')
  writeFixture(path, randomBytes(size))
  const disk = await Disk.openRead(path)
  t.teardown(() => disk.close())
  const [peer, mine] = channelPair()
  const result = runSource(mine, disk, plan(size, {destZeroFrom: 0}), {}, SEED)
  peer.listen(f => {
    if (f.kind === 'finish') peer.send('finished', {digest: randomBytes(16)})
  })
  await t.rejects(within(result), {code: 'E_DIGEST_MISMATCH', exit: EXIT.IO})
})

t.test('the agent refuses a frame out of order during the handshake', async t => {
  const dir = t.testdir()
  const [peer, mine] = channelPair()
  const told = failureOf(peer)
  const p = respond(mine, {allow: [dir], locks: new TargetLocks()}, {path: null, role: null, bytesSent: 0, bytesWritten: 0})
  peer.sendData(0, Buffer.alloc(FINE, 1), () => {})
  await t.rejects(within(p), {code: 'E_UNEXPECTED_FRAME', exit: EXIT.PROTOCOL})
  t.match(await told, {code: 'E_UNEXPECTED_FRAME'})
})

t.test('a peer that sends a Data frame right after hello is refused and nothing is created', async t => {
  const dir = t.testdir()
  const [peer, mine] = channelPair()
  const p = respond(mine, {allow: [dir], locks: new TargetLocks()}, {path: null, role: null, bytesSent: 0, bytesWritten: 0})
  peer.send('hello', {version: PROTOCOL_VERSION, initiator: true, hashAlgorithm: 'xxh3-128', seed: randomBytes(8)})
  await peer.expect('hello')
  peer.sendData(0, Buffer.alloc(FINE, 1), () => {})
  await t.rejects(within(p), {code: 'E_UNEXPECTED_FRAME'})
  t.same(readdirSync(dir), [])
})

t.test('an unknown protocol version is refused', async t => {
  const dir = t.testdir()
  const [peer, mine] = channelPair()
  const told = failureOf(peer)
  const p = respond(mine, {allow: [dir], locks: new TargetLocks()}, {path: null, role: null, bytesSent: 0, bytesWritten: 0})
  peer.send('hello', {version: 99, initiator: true, hashAlgorithm: 'xxh3-128', seed: randomBytes(8)})
  await t.rejects(within(p), {code: 'E_VERSION', exit: EXIT.PROTOCOL})
  t.match(await told, {code: 'E_VERSION'})
})

t.test('a plan the agent cannot follow is refused before anything is written', async t => {
  const dir = t.testdir()
  const path = join(dir, 'dst.img')
  for (const bad of [
    {size: MiB, blockSize: 3000, start: 0, end: MiB, destZeroFrom: 0},
    {size: MiB, blockSize: 65536, start: 0, end: MiB + 65536, destZeroFrom: 0},
    {size: MiB, blockSize: 65536, start: 100, end: MiB, destZeroFrom: 0},
    // A range (one stream of several) must end on a block boundary or at the end of the source.
    {size: MiB, blockSize: 65536, start: 0, end: MiB / 2 + 100, destZeroFrom: 0},
    {size: MiB, blockSize: 65536, start: MiB / 2, end: MiB / 4, destZeroFrom: 0},
  ]) {
    const [peer, mine] = channelPair()
    const p = respond(mine, {allow: [dir], locks: new TargetLocks()}, {path: null, role: null, bytesSent: 0, bytesWritten: 0})
    peer.send('hello', {version: PROTOCOL_VERSION, initiator: true, hashAlgorithm: 'xxh3-128', seed: randomBytes(8)})
    await peer.expect('hello')
    peer.send('open', {path, role: Role.DEST, blockSize: 65536, sourceSize: MiB})
    await peer.expect('opened')
    peer.send('start', bad)
    await t.rejects(within(p), {code: 'E_BAD_PLAN'}, JSON.stringify(bad))
    t.notOk(existsSync(path), 'nothing written: the file this open created is removed again (issue 14, item 5)')
  }
})

t.test('a destination of written zeros against a sparse source does not stall (regression: both ends waited for each other)', async t => {
  // The source ends its holes against the destination's zeros in runs of
  // HOLE_RUN; segments the destination read as all zero must not fill its
  // window meanwhile. 40 MiB: eight all-zero segments in a row between data.
  const size = 40 * MiB
  const src = Buffer.alloc(size)
  src.fill(7, 0, 64 * KiB)
  src.fill(9, size - 64 * KiB)
  for (const direction of ['push', 'pull'] as const) {
    const dir = t.testdir()
    const srcPath = join(dir, 'src.img')
    const dstPath = join(dir, 'dst.img')
    writeFixture(srcPath, src, {sparse: true})
    writeFixture(dstPath, src, {sparse: false})
    const [a, b] = channelPair()
    const [local, remote] = direction === 'push' ? [srcPath, dstPath] : [dstPath, srcPath]
    const [s] = await within(Promise.all([
      initiate(a, {direction, localPath: local, remotePath: remote, blockSize: 64 * KiB}),
      respond(b, {allow: [dir], locks: new TargetLocks()}, {path: null, role: null, bytesSent: 0, bytesWritten: 0}),
    ]), 60_000)
    t.equal(s.ok, true, `${direction}: done`)
    t.equal(s.bytesSent, 0, `${direction}: nothing sent`)
    t.ok(readFileSync(dstPath).equals(src), `${direction}: identical`)
  }
})
