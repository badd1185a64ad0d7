// Streams in worker threads (agent/session/stream-thread.ts, built) against an agent in
// this process, with real TLS on loopback: the sync, the barrier across threads,
// progress and checkpoints relayed to the main thread, errors that keep their
// class and code, and threads that all end.
import t, {type Test} from 'tap'
import {randomBytes} from 'node:crypto'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {mock} from 'node:test'
import type {StreamsOptions} from '../../../agent/session/streams.js'
import {importBuilt} from '../../helpers/cli.js'

// The built modules (dist/), as the CLI runs them: each stream's thread loads
// this module's own file, and a thread of the sources would compile all the
// session's modules again, each time (36-95 s for this file on a busy machine).
// The error classes come from the same build, so instanceof holds.
const [{SEGMENT_BYTES}, {InterruptedError, IoError, PolicyError, UsageError}, {KeyRing, newKey}, {startAgent}, {LINGERED, threadedStream}, {syncStreams}] = await Promise.all([
  importBuilt<typeof import('../../../agent/engine/engine.js')>('agent/engine/engine.js'),
  importBuilt<typeof import('../../../agent/errors.js')>('agent/errors.js'),
  importBuilt<typeof import('../../../agent/wire/keys.js')>('agent/wire/keys.js'),
  importBuilt<typeof import('../../../agent/session/server.js')>('agent/session/server.js'),
  importBuilt<typeof import('../../../agent/session/stream-thread.js')>('agent/session/stream-thread.js'),
  importBuilt<typeof import('../../../agent/session/streams.js')>('agent/session/streams.js'),
])

async function world(t: Test) {
  const dir = t.testdir({dst: {}})
  const keys = new KeyRing([newKey('test')])
  const agent = await startAgent({host: '127.0.0.1', port: 0, keys, allow: [join(dir, 'dst')]})
  t.teardown(() => agent.close())
  const src = join(dir, 'src.img')
  const data = randomBytes(5 * SEGMENT_BYTES + 12345)
  writeFileSync(src, data)
  const opts = (more: Partial<StreamsOptions> = {}): StreamsOptions =>
    ({direction: 'push', localPath: src, remotePath: join(dir, 'dst', 'disk.img'), blockSize: 64 * 1024, job: '20261130-200000-ab12', ...more})
  return {dir, data, opts, run: threadedStream([agent.address], keys.keys, undefined)}
}

t.test('three threads push one file; progress and checkpoints reach the main thread', async t => {
  const w = await world(t)
  let progress = 0
  const checkpoints: number[][] = []
  const s = await syncStreams(3, w.opts({hooks: {onProgress: n => { progress = n }}, onCheckpoints: c => checkpoints.push(c)}), w.run)
  t.ok(readFileSync(join(w.dir, 'dst', 'disk.img')).equals(w.data), 'identical')
  t.equal(s.bytesSent, w.data.length)
  t.equal(progress, w.data.length, 'progress summed over the threads')
  t.same(checkpoints[0], [0, 2 * SEGMENT_BYTES, 4 * SEGMENT_BYTES], 'the starting points, from the barrier (6 segments, 2 each)')
})

t.test('a failure in one thread: its error class and code, the others stopped', async t => {
  const w = await world(t)
  const err = await syncStreams(2, w.opts({remotePath: join(w.dir, 'outside.img')}), w.run).catch((e: unknown) => e)
  t.ok(err instanceof PolicyError, 'a PolicyError, rebuilt in the main thread')
  t.match(err, {code: 'E_NOT_ALLOWED', exit: 7})
})

t.test('an error the thread raises before connecting keeps its class too', async t => {
  const w = await world(t)
  const err = await syncStreams(2, w.opts({blockSize: 3000}), w.run).catch((e: unknown) => e)
  t.ok(err instanceof UsageError)
  t.match(err, {code: 'E_BLOCK_SIZE', exit: 2})
})

t.test('a stream failing mid-sync stops the threads of the others: interrupted, promptly', async t => {
  const w = await world(t)
  // 2 MiB/s: the threads are mid-sync, far from done, when stream 1 fails.
  let stopped: unknown = null
  const err = await syncStreams(2, w.opts({hooks: {bwlimit: 4 << 20}}), (i, o) => {
    if (i === 0) return w.run(0, o).catch((e: unknown) => { stopped = e; throw e })
    return Promise.race([w.run(1, o), new Promise<never>((_r, reject) => setTimeout(() => reject(new IoError('E_TEST_FAILURE' as string, 'injected')), 500))])
  }).catch((e: unknown) => e)
  t.match(err, {code: 'E_TEST_FAILURE'}, 'the failure is the one reported')
  t.ok(stopped instanceof InterruptedError, 'stream 0 was stopped as interrupted')
  t.match(stopped, {code: 'E_STREAM_STOPPED'})
  // Not a time: a loaded machine is slow. Stream 0's own part (the first 3 of
  // 6 segments) is unfinished, so it was stopped, not left to run to its end.
  const part = 3 * SEGMENT_BYTES
  const dst = join(w.dir, 'dst', 'disk.img')
  const got = existsSync(dst) ? readFileSync(dst).subarray(0, part) : Buffer.alloc(0)
  t.notOk(got.equals(w.data.subarray(0, part)), 'stopped well before its part was synced')
})

t.test('regression: a thread that ended leaves no stop timer armed (no false BLOCKPAIR_THREAD_LINGERED)', async t => {
  // The timer that stops a lingering thread was once left armed after the thread
  // had exited, and a process that lived 5 s longer (an agent, this file) warned
  // about threads long gone. A mocked clock runs those 5 s at once.
  const w = await world(t)
  const codes: string[] = []
  const onWarning = (e: Error & {code?: string}): void => { codes.push(e.code ?? e.name) }
  process.on('warning', onWarning)
  mock.timers.enable({apis: ['setTimeout']})
  t.teardown(() => {
    mock.timers.reset()
    process.off('warning', onWarning)
  })
  const s = await syncStreams(2, w.opts(), w.run)
  t.equal(s.bytesSent, w.data.length)
  mock.timers.tick(60_000)
  // A warning is emitted on the next tick.
  await new Promise(resolve => setImmediate(resolve))
  t.notOk(codes.includes(LINGERED), 'no thread was reported as lingering')
})
