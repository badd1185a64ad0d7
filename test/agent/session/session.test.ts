// A whole session, initiate() against respond() joined in memory, over real
// temp files: the steps in their order (handshake, open, the resume decision,
// the plan, the summary) as the two ends see them.
import t, {type Test} from 'tap'
import {randomBytes} from 'node:crypto'
import {existsSync, readFileSync, renameSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import type {Identity} from '../../../agent/disk/disk.js'
import {EXIT, type BlockpairError} from '../../../agent/errors.js'
import {TargetLocks} from '../../../agent/session/policy.js'
import {initiate, PROTOCOL_VERSION, respond, type ResumePoint, type SessionRecord, type Summary, type SyncOptions} from '../../../agent/session/session.js'
import {expectedFigures, FINE, KiB, MiB, sampleData, scatterChanges, writeFixture} from '../../helpers/blocks.js'
import {Role} from '../../../proto/codec.js'
import {channelPair} from '../../helpers/pair.js'
import type {Channel} from '../../../agent/wire/channel.js'

type Direction = 'push' | 'pull'
const BS = 64 * KiB
const SIZE = 12 * MiB + 3 * FINE // four segments, the last one short

interface World {
  dir: string
  src: string
  dst: string
}

function world(t: Test, src: Buffer, dst: Buffer | null): World {
  const dir = t.testdir()
  const w = {dir, src: join(dir, 'src.img'), dst: join(dir, 'dst.img')}
  writeFixture(w.src, src)
  if (dst) writeFixture(w.dst, dst)
  return w
}

/** One session in memory: this side initiates, an agent-side responder serves the other end. */
async function sync(w: World, direction: Direction, more: Partial<SyncOptions> = {}): Promise<{summary: Summary; record: SessionRecord}> {
  const [a, b] = channelPair()
  const record: SessionRecord = {path: null, role: null, bytesSent: 0, bytesWritten: 0}
  const [local, remote] = direction === 'push' ? [w.src, w.dst] : [w.dst, w.src]
  const [summary] = await Promise.all([
    initiate(a, {direction, localPath: local, remotePath: remote, blockSize: BS, job: 'j1', ...more}),
    respond(b, {allow: [w.dir], locks: new TargetLocks()}, record),
  ])
  return {summary, record}
}

/** The identities a job records at Start, taken from a dry run (which writes nothing). */
async function recorded(w: World, direction: Direction): Promise<{source: Identity; dest: Identity}> {
  let ends: {source: Identity; dest: Identity} | null = null
  await sync(w, direction, {dryRun: true, onStart: (_p, e) => { ends = e }})
  if (!ends) throw new Error('onStart was not called')
  return ends
}

const flipAt = (b: Buffer, at: number): void => { b[at] = (b[at] as number) ^ 0xff }

for (const direction of ['push', 'pull'] as const) {
  t.test(`a full sync: identical files, true figures (${direction})`, async t => {
    const src = sampleData(SIZE)
    const dst = scatterChanges(src, 30)
    const w = world(t, src, dst)
    const want = expectedFigures(src, dst, BS)
    const {summary: s, record} = await sync(w, direction)
    t.ok(readFileSync(w.dst).equals(src), 'identical')
    t.match(s, {
      ok: true, job: 'j1', source: w.src, destination: w.dst, size: SIZE, blockSize: BS,
      blocks: Math.ceil(SIZE / BS), blocksChanged: want.blocksChanged, bytesSent: want.bytesSent, bytesWritten: want.bytesSent,
      bytesZeroed: want.bytesZeroed, bytesReadSource: SIZE, resumedFrom: 0, resumeDiscarded: null, dryRun: false,
      destinationCreated: false, destinationExisted: true, destinationSize: SIZE, verified: false, sourceChanged: false,
    })
    t.ok(s.bytesOnWire > s.bytesSent, 'the wire carries the payload and the frames around it')
    t.equal(record.role, direction === 'push' ? 'dest' : 'source')
    t.equal(record.path, direction === 'push' ? w.dst : w.src)
    t.match(s.destIdentity, {size: SIZE, ino: statSync(w.dst).ino}, 'the destination as a resume must find it again')
  })

  t.test(`a resume starts from the checkpoint, on a block boundary (${direction})`, async t => {
    const src = sampleData(SIZE)
    const dst = Buffer.from(src)
    flipAt(dst, MiB + 5) // below the checkpoint: taken as done
    flipAt(dst, 10 * MiB + 7) // above it: synced
    const w = world(t, src, dst)
    const ends = await recorded(w, direction)
    const resume: ResumePoint = {from: 8 * MiB + 100, ...ends, trust: false}
    const {summary: s} = await sync(w, direction, {resume})
    t.equal(s.resumedFrom, 8 * MiB)
    t.equal(s.resumeDiscarded, null)
    t.equal(s.blocksChanged, 1, 'only the change past the checkpoint')
    const now = readFileSync(w.dst)
    t.ok(now.subarray(8 * MiB).equals(src.subarray(8 * MiB)), 'synced from the checkpoint on')
    t.ok(now.subarray(0, 8 * MiB).equals(dst.subarray(0, 8 * MiB)), 'nothing below the checkpoint was read or written')
  })

  t.test(`a resume is refused when the destination is another file now (${direction})`, async t => {
    const src = sampleData(SIZE)
    const dst = Buffer.from(src)
    flipAt(dst, MiB + 5)
    const w = world(t, src, dst)
    const ends = await recorded(w, direction)
    // Same name, same bytes, another inode: not the object the checkpoint speaks of.
    writeFileSync(`${w.dst}.new`, dst)
    renameSync(`${w.dst}.new`, w.dst)
    const {summary: s} = await sync(w, direction, {resume: {from: 8 * MiB, ...ends, trust: false}})
    t.equal(s.resumedFrom, 0, 'started over')
    t.type(s.resumeDiscarded, 'string', 'the summary says why')
    t.equal(s.blocksChanged, 1, 'the change below the checkpoint was found')
    t.ok(readFileSync(w.dst).equals(src), 'identical')
  })

  t.test(`a dry run writes nothing and reports the differences (${direction})`, async t => {
    const src = sampleData(SIZE)
    const dst = Buffer.from(src)
    for (const at of [200 * KiB, 9 * MiB]) flipAt(dst, at)
    const w = world(t, src, dst)
    const before = statSync(w.dst)
    const {summary: s} = await sync(w, direction, {dryRun: true, verify: true})
    t.match(s, {dryRun: true, bytesWritten: 0, destinationCreated: false, verified: false})
    t.same(s.differences.map(d => Math.floor(d.offset / FINE)), [200 * KiB / FINE, 9 * MiB / FINE])
    t.ok(readFileSync(w.dst).equals(dst), 'untouched')
    t.equal(statSync(w.dst).mtimeMs, before.mtimeMs, 'not even opened for writing')
  })

  t.test(`a dry run to a missing destination does not create it (${direction})`, async t => {
    const src = sampleData(2 * MiB)
    const w = world(t, src, null)
    const {summary: s} = await sync(w, direction, {dryRun: true})
    t.match(s, {dryRun: true, destinationCreated: false, destinationExisted: false, bytesReadDest: 0})
    t.notOk(existsSync(w.dst))
  })
}

/** The other end, played by hand: a peer of another protocol version. */
const olderPeer = {version: PROTOCOL_VERSION + 1, hashAlgorithm: 'xxh3-128', seed: randomBytes(8), software: 'blockpair 9.9.9'}

/** Resolves with the error the peer reported in its Error frame. */
const failureOf = (ch: Channel): Promise<BlockpairError> => new Promise(resolve => ch.onFail(resolve))

t.test('another protocol version at the initiator: E_VERSION, and no destination is created', async t => {
  const w = world(t, sampleData(MiB), null)
  const [peer, mine] = channelPair()
  const told = failureOf(peer)
  peer.send('hello', {...olderPeer, initiator: true})
  peer.send('open', {path: w.dst, role: Role.DEST, blockSize: BS, sourceSize: MiB})
  const p = respond(mine, {allow: [w.dir], locks: new TargetLocks()}, {path: null, role: null, bytesSent: 0, bytesWritten: 0})
  await t.rejects(p, {code: 'E_VERSION', exit: EXIT.PROTOCOL})
  t.match(await told, {code: 'E_VERSION'}, 'the initiator is told why')
  t.notOk(existsSync(w.dst), 'nothing written')
})

t.test('another protocol version at the responder: E_VERSION before the local destination is opened', async t => {
  const w = world(t, sampleData(MiB), null)
  const [mine, peer] = channelPair()
  const p = initiate(mine, {direction: 'pull', localPath: w.dst, remotePath: w.src, blockSize: BS})
  await peer.expect('hello')
  peer.send('hello', {...olderPeer, initiator: false})
  await t.rejects(p, {code: 'E_VERSION', exit: EXIT.PROTOCOL})
  t.notOk(existsSync(w.dst), 'nothing written')
})

t.test('a patch seed (Open.patchSeed) is taken only by a destination, and only of 8 bytes: E_BAD_FRAME otherwise', async t => {
  for (const [role, seed] of [[Role.SOURCE, randomBytes(8)], [Role.DEST, randomBytes(5)]] as const) {
    const w = world(t, sampleData(MiB), sampleData(MiB))
    const [peer, mine] = channelPair()
    const told = failureOf(peer)
    peer.send('hello', {...olderPeer, version: PROTOCOL_VERSION, initiator: true})
    peer.send('open', {path: role === Role.SOURCE ? w.src : w.dst, role, blockSize: BS, sourceSize: MiB, patchSeed: seed})
    const p = respond(mine, {allow: [w.dir], locks: new TargetLocks()}, {path: null, role: null, bytesSent: 0, bytesWritten: 0})
    await t.rejects(p, {code: 'E_BAD_FRAME', exit: EXIT.PROTOCOL})
    t.match(await told, {code: 'E_BAD_FRAME'}, 'the initiator is told why')
  }
})
