// The benchmark's cold figures (test/bench/report.ts): several cold rounds give a
// median with its min–max, and cold ratios are ratios of medians while warm ones
// stay paired by round. Built from run records, no benchmark run.
import t from 'tap'
import type {CaseDef, ToolDef} from '../bench/cases.js'
import {type CaseResult, type RunRecord, type ToolResult, caseTable, ratioFor} from '../bench/report.js'

const tool = (name: string, role: ToolDef['role'], runs: RunRecord[]): ToolResult => ({
  def: {name, role, show: name, argv: () => [name]},
  runs,
})
const warm = (round: number, ms: number, cpuSec: number): RunRecord => ({round, ms, cpuSec})
const cold = (round: number, ms: number, cpuSec: number): RunRecord => ({round, ms, cpuSec, cold: true})

// Two warm rounds, three cold ones; the cold runs of the two tools deliberately out of step.
const bp = tool('blockpair push', 'blockpair', [warm(0, 1000, 2), warm(1, 3000, 4), cold(2, 4000, 3), cold(3, 2000, 2), cold(4, 9000, 7)])
const cat = tool('cat both files at once', 'floor', [warm(0, 500, 1), warm(1, 1000, 1), cold(2, 1000, 0.5), cold(3, 3000, 2), cold(4, 2000, 1)])

t.test('cold ratios are ratios of the medians, warm ones medians of per-round ratios', async t => {
  t.equal(ratioFor(bp, cat, 'cold wall'), 4000 / 2000)
  t.equal(ratioFor(bp, cat, 'cold cpu'), 3 / 1)
  // Rounds 0 and 1: 1000/500 = 2 and 3000/1000 = 3, median 2.5 (the ratio of medians would be 2000/750).
  t.equal(ratioFor(bp, cat, 'wall'), 2.5)
})

t.test('the table shows the cold median with its min–max, and how many cold runs succeeded', async t => {
  const c: CaseResult = {
    def: {id: 'dense-1', floor: cat.def.name, coldTarget: true} as CaseDef,
    title: 'dense', about: [], tools: [bp, cat], rounds: 2, coldRounds: 3, agentNotes: [], targets: [],
  }
  const row = caseTable(c).find(l => l.startsWith('| blockpair push |'))
  t.ok(row, 'a row for blockpair')
  const cells = row!.split(' | ')
  t.equal(cells[5], '4.00 s (2.00–9.00)', 'cold wall: median (min–max)')
  t.equal(cells[6], '2.00×', 'cold × floor: ratio of the medians')
  t.equal(cells[7], '3.00 s (2.00–7.00)', 'cold CPU: median (min–max)')
  t.equal(cells[9], '2/2 + 3/3 cold')
})
