import t from 'tap'
import {noteDifference, type Range} from '../../../agent/engine/plan.js'

t.test('adjacent differences join into one range', async t => {
  const list: Range[] = []
  noteDifference(list, 0, 4096)
  noteDifference(list, 4096, 4096)
  noteDifference(list, 16384, 4096)
  t.same(list, [{offset: 0, length: 8192}, {offset: 16384, length: 4096}])
})

t.test('regression: past the cap, later differences were dropped; now the last range spans them', async t => {
  const list: Range[] = []
  for (let i = 0; i < 5; i++) noteDifference(list, i * 8192, 4096, 3)
  t.equal(list.length, 3)
  t.same(list[2], {offset: 16384, length: 4 * 8192 + 4096 - 16384}, 'the last range reaches the end of the last difference')
  const covered = (o: number): boolean => list.some(r => o >= r.offset && o < r.offset + r.length)
  for (let i = 0; i < 5; i++) t.ok(covered(i * 8192), `difference ${i} is inside a listed range`)
})
