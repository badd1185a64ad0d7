import t from 'tap'
import {IoError} from '../../../agent/errors.js'
import {WriteBatcher, WriteQueue} from '../../../agent/engine/write-queue.js'

const tick = (): Promise<void> => new Promise(resolve => setImmediate(resolve))

/** An operation that runs until released, recording when it starts. */
function gate(log: string[], name: string): {op: () => Promise<void>; release: () => void} {
  let release: () => void = () => {}
  const done = new Promise<void>(resolve => { release = resolve })
  return {op: async () => { log.push(`start ${name}`); await done; log.push(`end ${name}`) }, release}
}

t.test('runs up to the limit at once, in arrival order', async t => {
  const log: string[] = []
  const q = new WriteQueue(2, () => {})
  const ops = ['a', 'b', 'c'].map(n => gate(log, n))
  for (const o of ops) q.push(o.op)
  await tick()
  t.same(log, ['start a', 'start b'], 'the third waits for a slot')
  ops[0]?.release()
  await tick()
  t.same(log, ['start a', 'start b', 'end a', 'start c'])
  ops[1]?.release()
  ops[2]?.release()
  await q.idle()
  t.equal(log.length, 6)
})

t.test('a barrier starts after everything before it and runs alone', async t => {
  const log: string[] = []
  const q = new WriteQueue(4, () => {})
  const a = gate(log, 'a')
  const b = gate(log, 'barrier')
  const c = gate(log, 'c')
  q.push(a.op)
  q.push(b.op, true)
  q.push(c.op)
  await tick()
  t.same(log, ['start a'], 'the barrier waits for a; c waits behind the barrier')
  a.release()
  await tick()
  t.same(log, ['start a', 'end a', 'start barrier'])
  b.release()
  await tick()
  t.same(log, ['start a', 'end a', 'start barrier', 'end barrier', 'start c'])
  c.release()
  await q.idle()
})

t.test('the first failure is reported once and stops what has not started', async t => {
  const errors: string[] = []
  const q = new WriteQueue(1, e => errors.push(e.code))
  let ran = false
  q.push(async () => { throw new IoError('E_NO_SPACE', 'full') })
  q.push(async () => { ran = true })
  await q.idle()
  t.same(errors, ['E_NO_SPACE'])
  t.equal(q.error?.code, 'E_NO_SPACE')
  t.notOk(ran, 'later operations are skipped')
})

t.test('idle resolves at once when nothing is queued', async t => {
  await new WriteQueue(1, () => {}).idle()
  t.pass()
})

t.test('small writes go out in batches, one batch at a time, and a barrier after seal() waits for them', async t => {
  const batches: number[][] = []
  let releaseFirst: () => void = () => {}
  const firstDone = new Promise<void>(resolve => { releaseFirst = resolve })
  const q = new WriteQueue(4, () => {})
  const b = new WriteBatcher<number>(q, async items => {
    batches.push(items)
    if (batches.length === 1) await firstDone
  })
  b.add(1)
  await tick()
  t.same(batches, [[1]], 'the first write goes out at once')
  b.add(2)
  b.add(3)
  await tick()
  t.same(batches, [[1]], 'the next ones wait for the running batch')
  releaseFirst()
  await q.idle()
  t.same(batches, [[1], [2, 3]], 'and then go out together')

  const log: string[] = []
  const q2 = new WriteQueue(4, () => {})
  const hold = gate(log, 'batch')
  const b2 = new WriteBatcher<string>(q2, async items => { log.push(`write ${items.join(',')}`); if (items[0] === 'a') await hold.op() })
  b2.add('a')
  await tick()
  b2.add('b')
  b2.seal()
  q2.push(async () => { log.push('barrier') }, true)
  await tick()
  hold.release()
  await q2.idle()
  t.same(log, ['write a', 'start batch', 'write b', 'end batch', 'barrier'],
    'seal() sends what waits beside the running batch, and the barrier runs after both')
})
