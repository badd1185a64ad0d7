// Several streams over one file (agent/session/streams.ts), each stream a whole
// session between initiate() and respond() joined in memory: ranges, the
// barrier before Start, one failure stopping all, per-stream resume points,
// the shared --bwlimit and the merged summary.
import t, {type Test} from 'tap'
import {readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {SEGMENT_BYTES} from '../../../agent/engine/engine.js'
import {BlockpairError, EXIT} from '../../../agent/errors.js'
import {TargetLocks} from '../../../agent/session/policy.js'
import {initiate, respond, streamRange, type SessionRecord, type Summary, type SyncOptions} from '../../../agent/session/session.js'
import {MAX_STREAMS, syncStreams, type StreamsOptions} from '../../../agent/session/streams.js'
import {expectedFigures, FINE, KiB, MiB, sampleData, scatterChanges, writeFixture} from '../../helpers/blocks.js'
import {channelPair} from '../../helpers/pair.js'

t.test('streamRange: disjoint ranges that cover the file, cut at segment boundaries', async t => {
  for (const size of [0, 1, FINE, SEGMENT_BYTES, SEGMENT_BYTES + 1, 10 * SEGMENT_BYTES + 3 * FINE, 1000 * SEGMENT_BYTES - 7]) {
    for (let count = 1; count <= MAX_STREAMS; count++) {
      let at = 0
      for (let i = 0; i < count; i++) {
        const r = streamRange(i, count, size)
        if (r.offset !== at || r.length < 0) t.fail(`size ${size}, ${count} streams: stream ${i} is ${JSON.stringify(r)}, expected to start at ${at}`)
        if (r.offset % SEGMENT_BYTES !== 0 && r.offset !== size) t.fail(`size ${size}: stream ${i} starts inside a segment`)
        at += r.length
      }
      if (at !== size) t.fail(`size ${size}, ${count} streams cover ${at} bytes`)
    }
  }
  t.same(streamRange(1, 2, 3 * SEGMENT_BYTES), {offset: SEGMENT_BYTES, length: 2 * SEGMENT_BYTES}, 'an odd number of segments: the later stream takes the extra one')
  t.same([0, 1, 2, 3].map(i => streamRange(i, 4, SEGMENT_BYTES + 5).length), [0, SEGMENT_BYTES, 0, 5], 'more streams than segments: some get nothing to do')
})

interface World {
  dir: string
  src: string
  dst: string
  locks: TargetLocks
  records: SessionRecord[]
}

function world(t: Test, src: Buffer, dst: Buffer | null): World {
  const dir = t.testdir()
  const w = {dir, src: join(dir, 'src.img'), dst: join(dir, 'dst.img'), locks: new TargetLocks(), records: []}
  writeFixture(w.src, src)
  if (dst) writeFixture(w.dst, dst)
  return w
}

/** One stream: a whole session in memory against a responder that shares the world's locks. */
function runner(w: World, tweak: (i: number, o: SyncOptions) => SyncOptions = (_i, o) => o) {
  return async (i: number, o: SyncOptions): Promise<Summary> => {
    const [a, b] = channelPair()
    const record: SessionRecord = {path: null, role: null, bytesSent: 0, bytesWritten: 0}
    w.records.push(record)
    const served = respond(b, {allow: [w.dir], locks: w.locks}, record).catch(() => {})
    try {
      return await initiate(a, tweak(i, o))
    } finally {
      await served
    }
  }
}

function options(w: World, direction: 'push' | 'pull', more: Partial<StreamsOptions> = {}): StreamsOptions {
  const [local, remote] = direction === 'push' ? [w.src, w.dst] : [w.dst, w.src]
  return {direction, localPath: local, remotePath: remote, blockSize: 64 * KiB, job: '20261130-190000-ab12', ...more}
}

const SIZE = 5 * SEGMENT_BYTES + 3 * FINE

for (const direction of ['push', 'pull'] as const) {
  t.test(`three streams make the destination identical, with the figures of one (${direction})`, async t => {
    const src = sampleData(SIZE)
    const dst = scatterChanges(src, 40)
    const w = world(t, src, dst)
    const want = expectedFigures(src, dst, 64 * KiB)
    const s = await syncStreams(3, options(w, direction), runner(w))
    t.ok(readFileSync(w.dst).equals(src), 'identical')
    t.equal(s.size, SIZE)
    t.equal(s.blocks, Math.ceil(SIZE / (64 * KiB)), 'blocks of all streams')
    t.equal(s.blocksChanged, want.blocksChanged)
    t.equal(s.bytesSent, want.bytesSent)
    t.equal(s.bytesWritten, want.bytesSent)
    t.equal(s.bytesReadSource, SIZE, 'each stream read its own range only')
    t.equal(s.bytesReadDest, SIZE)
    t.equal(w.records.length, 3, 'three sessions')
    t.same(w.records.map(r => r.role), new Array(3).fill(direction === 'push' ? 'dest' : 'source'))
  })
}

t.test('a new destination: one stream creates it, the others find it, and the plans agree', async t => {
  const src = sampleData(SIZE)
  const w = world(t, src, null)
  const s = await syncStreams(4, options(w, 'push'), runner(w))
  t.ok(readFileSync(w.dst).equals(src))
  t.equal(s.destinationCreated, true)
  t.equal(s.destinationExisted, false)
  t.equal(s.bytesReadDest, 0, 'known zero: the new destination is not read')
})

t.test('a destination longer than the source ends the source size; more streams than segments', async t => {
  const src = sampleData(SEGMENT_BYTES + 5 * FINE + 17)
  const w = world(t, src, sampleData(3 * SEGMENT_BYTES))
  const s = await syncStreams(MAX_STREAMS, options(w, 'push'), runner(w))
  t.equal(statSync(w.dst).size, src.length)
  t.ok(readFileSync(w.dst).equals(src))
  t.equal(s.blocks, Math.ceil(src.length / (64 * KiB)))
})

t.test('a dry run: the differences of all streams, in file order, nothing written', async t => {
  const src = sampleData(SIZE)
  const dst = Buffer.from(src)
  for (const at of [100 * KiB, SEGMENT_BYTES + 8 * KiB, 3 * SEGMENT_BYTES, SIZE - FINE]) dst[at] = (dst[at] as number) ^ 1
  const w = world(t, src, dst)
  const s = await syncStreams(3, options(w, 'push', {dryRun: true}), runner(w))
  t.same(s.differences.map(d => d.offset), [100 * KiB, SEGMENT_BYTES + 8 * KiB, 3 * SEGMENT_BYTES, SIZE - FINE])
  t.ok(readFileSync(w.dst).equals(dst), 'untouched')
})

t.test('one failing stream stops the others, and its error is the one reported', async t => {
  const src = sampleData(SIZE)
  const dst = scatterChanges(src, 40)
  const w = world(t, src, dst)
  const err = await syncStreams(3, options(w, 'push'), runner(w, (i, o) => (i === 1 ? {...o, remotePath: '/elsewhere/dst.img'} : o)))
    .catch((e: BlockpairError) => e)
  t.ok(err instanceof BlockpairError)
  t.equal((err as BlockpairError).code, 'E_NOT_FOUND', 'the failure (no such folder), not E_STREAM_STOPPED of the streams it stopped')
  t.ok(readFileSync(w.dst).equals(dst), 'nothing was written: no stream starts before all are open')
})

t.test('streams that opened different files refuse to start', async t => {
  const src = sampleData(SIZE)
  const w = world(t, src, Buffer.from(src))
  const other = join(w.dir, 'other.img')
  writeFileSync(other, src)
  const err = await syncStreams(2, options(w, 'push'), runner(w, (i, o) => (i === 1 ? {...o, remotePath: other} : o)))
    .catch((e: BlockpairError) => e)
  t.match(err, {code: 'E_STREAMS_DIFFER', exit: EXIT.PROTOCOL})
})

t.test('a second job cannot write the target while a job\'s streams hold it', async t => {
  const src = sampleData(SIZE)
  const w = world(t, src, scatterChanges(src, 10))
  const release = w.locks.acquire(w.dst, '20261130-180000-0000') as () => void
  const err = await syncStreams(2, options(w, 'push'), runner(w)).catch((e: BlockpairError) => e)
  t.match(err, {code: 'E_BUSY'})
  release()
})

t.test('resume: each stream continues from its own checkpoint', async t => {
  const src = sampleData(6 * SEGMENT_BYTES)
  const w = world(t, src, Buffer.from(src))
  const before = {size: src.length, isDevice: false, mtimeMs: 0, dev: 0, ino: 0, rdev: 0}
  const ends = {source: before, dest: before}
  // Learn the identities the streams will report, from a first (no-op) run.
  const first = await syncStreams(2, options(w, 'push', {onStart: (_p, e) => Object.assign(ends, e)}), runner(w))
  t.equal(first.bytesSent, 0)
  const checkpoints: number[][] = []
  const s = await syncStreams(2, options(w, 'push', {
    // Trusted: a streamed checkpoint has no destination stamp (agent/run/job.ts), so only a trusted one resumes.
    resume: {from: 0, source: ends.source, dest: ends.dest, trust: true},
    resumeEach: [SEGMENT_BYTES, 3 * SEGMENT_BYTES + 2 * SEGMENT_BYTES],
    onCheckpoints: each => checkpoints.push(each),
  }), runner(w))
  t.equal(s.bytesReadSource, 2 * SEGMENT_BYTES + SEGMENT_BYTES, 'stream 0 read [1, 3) segments, stream 1 the last one')
  t.equal(s.resumedFrom, SEGMENT_BYTES + 2 * SEGMENT_BYTES, 'bytes not synced again, over both streams')
  t.same(checkpoints[0], [SEGMENT_BYTES, 5 * SEGMENT_BYTES], 'the starting points are recorded first')
})

t.test('resume with --trust-checkpoint: a source of another size starts every stream over', async t => {
  // Each stream's checkpoint lies in a part cut from the old size; with
  // another size the parts move, and a checkpoint would skip data never synced.
  const src = sampleData(6 * SEGMENT_BYTES)
  const w = world(t, src, Buffer.from(src))
  const old = {size: 8 * SEGMENT_BYTES, isDevice: false, mtimeMs: 0, dev: 0, ino: 0, rdev: 0}
  const s = await syncStreams(2, options(w, 'push', {
    resume: {from: 0, source: old, dest: old, trust: true},
    resumeEach: [2 * SEGMENT_BYTES, 6 * SEGMENT_BYTES],
  }), runner(w))
  t.equal(s.resumedFrom, 0)
  t.equal(s.resumeDiscarded, 'the source size changed since the checkpoint')
  t.equal(s.bytesReadSource, src.length, 'everything read again')
})

t.test('--bwlimit is shared by the streams', async t => {
  const src = sampleData(2 * MiB)
  const w = world(t, src, null)
  const seen: (number | undefined)[] = []
  await syncStreams(2, options(w, 'push', {hooks: {bwlimit: 64 * MiB}}), runner(w, (_i, o) => {
    seen.push(o.hooks?.bwlimit)
    return o
  }))
  t.same(seen, [32 * MiB, 32 * MiB])
})

t.test('a stream count out of range is refused before anything connects', async t => {
  const w = world(t, sampleData(FINE), null)
  for (const n of [0, MAX_STREAMS + 1, 1.5]) {
    await t.rejects(syncStreams(n, options(w, 'push'), async () => t.fail('connected') as never), {code: 'E_STREAMS', exit: EXIT.USAGE})
  }
})
