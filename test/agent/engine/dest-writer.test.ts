// The destination's write path without a channel: a DestWriter over a real
// temp file, with a flow that records what the channel would be told.
// Writes are held back where a test needs them in flight by wrapping the
// Disk's own method (the real write still runs once the gate opens).
import t, {type Test} from 'tap'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {Disk} from '../../../agent/disk/disk.js'
import {BATCH_BELOW, DestWriter, WRITE_HIGH, type WriteFlow} from '../../../agent/engine/dest-writer.js'
import {EXIT, type BlockpairError} from '../../../agent/errors.js'

const KiB = 1024
const MiB = 1024 * KiB

const tick = (): Promise<void> => new Promise(resolve => setImmediate(resolve))

interface Recorded extends WriteFlow {
  log: string[]
  failures: BlockpairError[]
}

function recorder(log: string[] = []): Recorded {
  const failures: BlockpairError[] = []
  return {
    log,
    failures,
    pause: () => log.push('pause'),
    resume: () => log.push('resume'),
    fail: err => failures.push(err),
    durable: offset => { log.push(`durable ${offset}`) },
  }
}

async function openDisk(t: Test, size: number, dir = t.testdir()): Promise<{disk: Disk; path: string}> {
  const path = join(dir, 'dst.img')
  const disk = await Disk.openWrite(path)
  t.teardown(() => disk.close())
  await disk.resize(size)
  return {disk, path}
}

/** Hold every disk.write until the returned function is called; each logs when it returns. */
function gateWrites(disk: Disk, log: string[]): () => void {
  const real = disk.write.bind(disk)
  let open: () => void = () => {}
  const opened = new Promise<void>(resolve => { open = resolve })
  disk.write = async (buf, offset) => {
    await opened
    await real(buf, offset)
    log.push(`wrote ${offset}`)
  }
  return open
}

function filled(n: number, byte: number): Buffer {
  return Buffer.alloc(n, byte)
}

t.test('charging past the high mark pauses the flow until writes release it', async t => {
  const {disk, path} = await openDisk(t, 16 * MiB)
  const flow = recorder()
  const open = gateWrites(disk, [])
  const w = new DestWriter(disk, flow, 0)
  let queuedAtResume = -1
  flow.resume = () => {
    queuedAtResume = w.queued
    flow.log.push('resume')
  }
  const piece = 512 * KiB
  const pieces = WRITE_HIGH / piece + 1
  for (let i = 0; i < pieces; i++) {
    const b = w.take(piece)
    b.fill(i + 1)
    w.write(b, i * piece)
  }
  t.ok(w.queued > WRITE_HIGH, 'every byte handed over is charged')
  t.same(flow.log, ['pause'], 'paused once, as soon as the mark is passed')
  await tick()
  await tick()
  t.same(flow.log, ['pause'], 'no resume while the writes are held')
  open()
  await w.idle()
  t.same(flow.log, ['pause', 'resume'], 'resumed once')
  t.ok(queuedAtResume >= 0 && queuedAtResume < WRITE_HIGH / 2, 'only when the writes had released more than half')
  t.equal(w.queued, 0)
  const data = readFileSync(path)
  for (let i = 0; i < pieces; i++) t.equal(data[i * piece + piece - 1], i + 1, `piece ${i} is on disk`)
})

t.test('small writes go to the disk in a few batches, large ones alone', async t => {
  const {disk, path} = await openDisk(t, 8 * MiB)
  const batches: number[] = []
  const realBatch = disk.writeBatch.bind(disk)
  disk.writeBatch = async (buffers, offsets) => {
    batches.push(buffers.length)
    await realBatch(buffers, offsets)
  }
  let single = 0
  const realWrite = disk.write.bind(disk)
  disk.write = async (buf, offset) => {
    single++
    await realWrite(buf, offset)
  }
  const flow = recorder()
  const w = new DestWriter(disk, flow, 0)
  const n = 200
  for (let i = 0; i < n; i++) w.write(filled(4 * KiB, (i % 250) + 1), i * 32 * KiB)
  w.write(filled(BATCH_BELOW, 0xee), 7 * MiB)
  await w.idle()
  t.equal(batches.reduce((a, b) => a + b, 0), n, 'every small write went out in a batch')
  t.ok(batches.length <= 3, `${n} small writes took ${batches.length} batches`)
  t.equal(single, 1, 'a payload of BATCH_BELOW bytes is written on its own')
  const data = readFileSync(path)
  for (let i = 0; i < n; i++) t.equal(data[i * 32 * KiB + 4 * KiB - 1], (i % 250) + 1)
  t.equal(data[7 * MiB + BATCH_BELOW - 1], 0xee)
  t.same(flow.failures, [])
})

t.test('a checkpoint reports its offset durable only after the writes before it', async t => {
  const {disk} = await openDisk(t, 8 * MiB)
  const log: string[] = []
  const flow = recorder(log)
  const open = gateWrites(disk, log)
  const realSync = disk.sync.bind(disk)
  disk.sync = async () => {
    log.push('sync')
    await realSync()
  }
  const w = new DestWriter(disk, flow, 0)
  w.write(w.take(1 * MiB).fill(1), 0)
  w.write(filled(4 * KiB, 2), 1 * MiB)
  w.checkpoint(2 * MiB)
  w.write(w.take(1 * MiB).fill(3), 2 * MiB)
  await tick()
  await tick()
  t.notOk(log.includes('sync'), 'the barrier waits for the held write')
  open()
  await w.idle()
  const at = (entry: string): number => log.indexOf(entry)
  t.ok(at('wrote 0') >= 0 && at('wrote 0') < at('sync'), 'fdatasync starts after the write queued before it returned')
  t.ok(at('sync') < at(`durable ${2 * MiB}`), 'and the offset is reported durable after it')
  t.ok(log.includes(`wrote ${2 * MiB}`), 'the write after the barrier ran too')
})

t.test('a checkpoint is due by bytes and never at the end of the range', async t => {
  const {disk} = await openDisk(t, 1 * MiB)
  const flow = recorder()
  const w = new DestWriter(disk, flow, 0)
  w.segmentDone(4 * MiB, 1024 * MiB)
  await w.idle()
  t.same(flow.log, [], 'neither a second nor 256 MiB has passed')
  w.segmentDone(256 * MiB, 1024 * MiB)
  await w.idle()
  t.same(flow.log, [`durable ${256 * MiB}`])
  w.segmentDone(1024 * MiB, 1024 * MiB)
  await w.idle()
  t.same(flow.log, [`durable ${256 * MiB}`], 'the end is made durable by the final flush instead')
})

t.test('a failed write surfaces with its code, to the flow and from idle()', async t => {
  const {path} = await openDisk(t, 1 * MiB)
  for (const size of [4 * KiB, 256 * KiB]) {
    // Opened for reading: every write fails (EBADF), batched or not.
    const ro = await Disk.openRead(path)
    t.teardown(() => ro.close())
    const flow = recorder()
    const w = new DestWriter(ro, flow, 0)
    for (let at = 0; at < 1 * MiB; at += 2 * size) w.write(filled(size, 1), at)
    await t.rejects(w.idle(), {code: 'E_IO', exit: EXIT.IO}, `${size}-byte writes`)
    t.equal(flow.failures.length, 1, 'the flow is told once')
    t.equal(flow.failures[0]?.code, 'E_IO')
  }
})
