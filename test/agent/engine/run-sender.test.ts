// The source's outgoing changes: adjacent pieces merge into runs, and small
// runs travel gathered into frames of pieces.
import t from 'tap'
import {PIECES_MAX, PieceBatch, RunSender, type RunKind} from '../../../agent/engine/run-sender.js'
import type {Segment} from '../../../agent/engine/layout.js'
import {MAX_RUN} from '../../../agent/engine/plan.js'

const seg = {k: 0, offset: 0, length: 4 << 20, lease: null, extents: []} as Segment

t.test('RunSender merges adjacent pieces of one kind, up to MAX_RUN', async t => {
  const out: Array<[RunKind, number, number]> = []
  const runs = new RunSender((kind, _s, from, to) => out.push([kind, from, to]))
  runs.add('data', seg, 0, 4096)
  runs.add('data', seg, 4096, 8192)
  runs.add('zero', seg, 8192, 12288)
  runs.add('data', seg, 16384, 20480)
  runs.flush()
  t.same(out, [['data', 0, 8192], ['zero', 8192, 12288], ['data', 16384, 20480]])
  out.length = 0
  for (let p = 0; p < MAX_RUN + 4096; p += 4096) runs.add('data', seg, p, p + 4096)
  runs.flush()
  t.same(out, [['data', 0, MAX_RUN], ['data', MAX_RUN, MAX_RUN + 4096]], 'a run stops at MAX_RUN')
})

t.test('PieceBatch sends pieces together, never more than PIECES_MAX bytes in one frame', async t => {
  const frames: Array<{offsets: number[]; bytes: number}> = []
  const batch = new PieceBatch((offsets, pieces) => frames.push({offsets, bytes: pieces.reduce((a, p) => a + p.length, 0)}))
  batch.flush()
  t.same(frames, [], 'nothing to send, no frame')
  const n = PIECES_MAX / 4096 + 3
  for (let i = 0; i < n; i++) batch.add(i * 65536, Buffer.alloc(4096, i))
  t.equal(frames.length, 1, 'a full frame leaves as soon as the next piece would not fit')
  t.equal(frames[0]?.bytes, PIECES_MAX)
  batch.flush()
  t.equal(frames.length, 2)
  t.same(frames[1]?.offsets, [0, 1, 2].map(i => (PIECES_MAX / 4096 + i) * 65536), 'the rest, in order')
  batch.flush()
  t.equal(frames.length, 2, 'a second flush sends nothing')
})
