// What a run says in text (agent/run/report.ts): summary lines, totals,
// verify's verdict, the jobs table, the progress line; and the JSON of
// agent/run/schema.ts checked against its own schemas.
import t from 'tap'
import type {JobRecord} from '../../../agent/run/jobs.js'
import {age, describe, describeTotal, jobsTable, paragraphs, progressLine, resumeText, statsText, verifyText} from '../../../agent/run/report.js'
import {jobsJson, runJson, SCHEMAS, totals, validate, verifyJson} from '../../../agent/run/schema.js'
import {verdict} from '../../../agent/run/verify.js'
import type {Summary} from '../../../agent/session/session.js'

const MiB = 1 << 20

function summary(over: Partial<Summary> = {}): Summary {
  return {
    ok: true, job: null, source: 'a.img', destination: 'h:/b.img', size: 64 * MiB, blockSize: 65536, blocks: 1024, blocksChanged: 16,
    bytesReadSource: 64 * MiB, bytesReadDest: 64 * MiB, bytesSent: MiB, bytesOnWire: MiB + 4096, bytesWritten: MiB, bytesZeroed: 0,
    durationMs: 1234, resumedFrom: 0, resumeDiscarded: null, verified: false, sourceChanged: false, differences: [], dryRun: false,
    destinationCreated: false, destinationExisted: true, destinationSize: 64 * MiB, destinationLargerBy: 0, sourceIdentity: null, destIdentity: null,
    changeTracking: {method: null, used: false, reason: null, bytesSkipped: 0},
    ...over,
  }
}

t.test('describe: two lines, more for a created or larger destination', async t => {
  t.equal(describe(summary()), 'a.img -> h:/b.img: 64.0 MiB, 16 of 1024 blocks differ (1.56%)\n' +
    '  sent 1.00 MiB of block data, zeroed 0 B; read 64.0 MiB at the source, 64.0 MiB at the destination; 1.23 s')
  const dry = describe(summary({dryRun: true, destinationCreated: true}))
  t.match(dry, /would send 1.00 MiB of block data, would zero 0 B/)
  t.notMatch(dry, /created/, 'a dry run creates nothing')
  t.match(describe(summary({destinationCreated: true})), /\n  the destination was created \(sparse\)$/)
  t.match(describe(summary({destinationLargerBy: 2 * MiB})), /device is 2.00 MiB larger than the source/)
  t.match(describe(summary({blocks: 0, blocksChanged: 0})), /0 of 0 blocks differ \(0.00%\)/)
})

t.test('totals and describeTotal over several files; runJson, finished or stopped', async t => {
  const files = [summary(), summary({size: MiB, bytesSent: 0, durationMs: 766})]
  t.match(totals(files), {size: 65 * MiB, bytesSent: MiB, durationMs: 2000, blocks: 2048})
  t.equal(describeTotal(files), '2 files, 65.0 MiB: 32 of 2048 blocks differ; sent 1.00 MiB of block data; 2.00 s')
  t.match(describeTotal([summary({dryRun: true})]), /would send/)
  t.same(runJson(files), {ok: true, files, total: totals(files)})
  t.same(validate(SCHEMAS.push, runJson(files)), [])
  const stopped = runJson([], {code: 'E_IO', exit: 5, message: 'x', file: 'b.img', resumable: false})
  t.same(stopped, {ok: false, code: 'E_IO', exit: 5, message: 'x', job: null, resumable: false, file: 'b.img', files: [], total: totals([])})
  t.same(validate(SCHEMAS.stopped, stopped), [])
})

t.test('verify: identical, missing, different (ranges listed up to 20), a larger device', async t => {
  t.equal(verifyText(verdict(summary({blocksChanged: 0}))), 'identical: a.img and h:/b.img (64.0 MiB)')
  t.equal(verifyText(verdict(summary({destinationExisted: false, destinationSize: 0}))), 'different: h:/b.img does not exist')
  const differences = Array.from({length: 22}, (_, i) => ({offset: i * 65536, length: 4096}))
  const text = verifyText(verdict(summary({bytesSent: 22 * 4096, differences, destinationSize: MiB})))
  const lines = text.split('\n')
  t.equal(lines[0], 'different: 88.0 KiB in 22 ranges; sizes 64.0 MiB and 1.00 MiB')
  t.equal(lines[2], '  4.00 KiB at 64.0 KiB')
  t.equal(lines.length, 22)
  t.equal(lines[21], '  ... 2 more (see --json)')
  const device = {size: 128 * MiB, isDevice: true, mtimeMs: 0, dev: 0, ino: 0, rdev: 1}
  const larger = verdict(summary({blocksChanged: 0, destinationSize: 128 * MiB, destIdentity: device}))
  t.same([larger.identical, larger.sizeDiffers], [true, false], 'a larger device is identical')
  t.match(verifyJson(larger), {ok: true, identical: true, target: 'h:/b.img', targetSize: 128 * MiB, bytesDiffering: MiB})
  t.same(validate(SCHEMAS.verify, verifyJson(larger)), [])
})

t.test('jobs: the table, its ages, and the JSON progress', async t => {
  t.equal(jobsTable([]), 'no jobs')
  const now = Date.parse('2026-12-01T12:00:00Z')
  const job = {id: '20261201-115900-ab12', state: 'interrupted', direction: 'push', from: '/a.img', to: 'h:/b.img', size: 200, checkpoint: 50,
    updatedAt: '2026-12-01T11:59:00Z'} as JobRecord
  t.equal(jobsTable([job], now), 'JOB                   STATE        DONE   ENDS                     AGE\n' +
    '20261201-115900-ab12  interrupted  25.0%  push /a.img -> h:/b.img  60s')
  t.same([age(119_000), age(120_000), age(7_200_000), age(172_800_000), age(-5)], ['119s', '2m', '2h', '2d', '0s'])
  t.same(jobsJson([job, {...job, size: 0, state: 'done'}]).map(j => (j as {progress: number}).progress), [0.25, 1])
})

t.test('regression (issue 14, item 17): verify and resume speak in human units, "1 range" not "1 ranges"', async t => {
  const one = verifyText(verdict(summary({bytesSent: 4096, differences: [{offset: 5 * MiB, length: 4096}]})))
  t.equal(one, 'different: 4.00 KiB in 1 range\n  4.00 KiB at 5.00 MiB')
  t.notMatch(one, /\d+\+\d+/, 'no raw offset+length')
  const job = {id: '20261201-115900-ab12', direction: 'push', from: '/a.img', to: 'h:/b.img', size: 256 * MiB, checkpoint: 64 * MiB} as JobRecord
  t.equal(resumeText(job), `resuming job 20261201-115900-ab12 (push /a.img -> h:/b.img, started ${job.createdAt}) from 64.0 MiB of 256.0 MiB (25.0%)`)
})

t.test('regression (issue 14, item 10): a verified sync says what was re-read and that it matched', async t => {
  t.notMatch(describe(summary()), /verified/)
  t.match(describe(summary({verified: true, resumedFrom: 0})), /\n  verified: re-read 64.0 MiB of the destination from disk; it matches the source/)
})

t.test('regression (issue 14, item 8): the progress rate is what moves, and rate and ETA fit in 80 columns', async t => {
  // 600 MiB of a 1 GiB range passed in 10 s, of which 198 MiB was block data (the rest holes and equal blocks).
  const line = progressLine({label: 'push disk-with-a-long-name.img 1/2', done: 600 * MiB, total: 1024 * MiB, moved: 198 * MiB, secs: 10, columns: 80})
  t.ok(line.length <= 80, `${line.length} columns: ${line}`)
  t.match(line, /19\.8 MiB\/s/, 'the rate of what moved, not 60 MiB/s')
  t.match(line, /ETA 7s/)
  t.match(line, / 1\/2 /, 'which file of several')
  t.match(line, /\[=+ +\]$/, 'the bar comes last')
  const narrow = progressLine({label: 'push a.img', done: 1, total: 2, moved: 1, secs: 1, columns: 50})
  t.ok(narrow.length < 50 && /\/s ETA/.test(narrow), narrow)
  const tiny = progressLine({label: 'push a-very-long-file-name-indeed.img', done: 1, total: 2, moved: 1, secs: 1, columns: 40})
  t.ok(tiny.length < 40 && /\/s ETA \S+$/.test(tiny), `the label gives way: ${tiny}`)
})

t.test('regression (issue 14, item 11): help paragraphs are not broken mid-sentence', async t => {
  t.equal(paragraphs('one line\nand its rest.\n\nNext paragraph\n  indented stays\n- a list item'), 'one line and its rest.\n\nNext paragraph\n  indented stays\n- a list item')
})

t.test('--stats adds the figures the summary leaves out', async t => {
  t.match(statsText(summary()), /on the wire 1.00 MiB/)
})
