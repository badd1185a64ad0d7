// --changed-ranges input: each of the three forms, valid, malformed,
// overlapping, past the end and empty. The qemu-img map fixture is what qemu
// 7.2 printed for a dirty bitmap (x-dirty-bitmap) after two writes through
// NBD (test/integration/changed-ranges.test.ts does that live); the thin_delta
// ones follow thin-provisioning-tools' XML writer, plain and --verbose.
import fs from 'node:fs'
import t from 'tap'
import {checkWithin, mergeRanges, parseChangedRanges, QCOW2_MAGIC, refuseQcow2} from '../../../agent/track/ranges-input.js'

const fixture = (name: string): string => fs.readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8')
const KiB = 1024

t.test('lines: OFFSET LENGTH in bytes, comments and blank lines allowed, sorted and merged', async t => {
  t.same(parseChangedRanges('8192 4096\n# a comment\n\n0 100\n'), {form: 'lines', ranges: [{offset: 0, length: 100}, {offset: 8192, length: 4096}]})
  t.same(parseChangedRanges('0 4096\n2048 4096\n6144 10\n').ranges, [{offset: 0, length: 6154}], 'overlapping and touching ranges merge')
  t.same(parseChangedRanges('0 0\n').ranges, [], 'an empty range is no range')
  t.same(parseChangedRanges('# nothing changed\n'), {form: 'lines', ranges: []}, 'a list that says nothing changed')
  t.same(parseChangedRanges('[]').ranges, [], 'a qemu-img map with no dirty extent')
  for (const bad of ['0\n', '-1 10\n', '0 -10\n', '1.5 10\n', '0x10 4\n', '0 4 4\n', 'a b\n', `${2 ** 53} 1\n`, `${2 ** 53 - 10} 20\n`]) {
    t.throws(() => parseChangedRanges(bad), {code: 'E_RANGES_BAD'}, JSON.stringify(bad))
  }
})

t.test('qemu-img map of a dirty bitmap: the data:false entries are the dirty ones', async t => {
  t.same(parseChangedRanges(fixture('qemu-dirty-map.json')), {form: 'qemu-map', ranges: [{offset: 64 * KiB, length: 64 * KiB}, {offset: 2048 * KiB, length: 64 * KiB}]})
  t.same(parseChangedRanges('[]').ranges, [], 'nothing dirty')
  t.same(parseChangedRanges('[{"start": 0, "length": 4096, "data": false}, {"start": 2048, "length": 4096, "data": false}]').ranges, [{offset: 0, length: 6144}])
  for (const bad of ['[', '{}', '[{"start": 0, "length": 1}]', '[{"start": -1, "length": 1, "data": false}]', '[{"start": "0", "length": 1, "data": false}]', `[{"start": ${2 ** 53}, "length": 1, "data": false}]`]) {
    t.throws(() => parseChangedRanges(bad), {code: 'E_RANGES_BAD'}, bad)
  }
  t.throws(() => parseChangedRanges('[{"start": 0, "length": 65536, "zero": true, "data": false}]'), {code: 'E_RANGES_BAD'}, 'a plain map of the image, not of a bitmap')
})

t.test('thin_delta: different, left_only and right_only in pool blocks; same is unchanged', async t => {
  const block = 64 * KiB
  const want = [{offset: 10 * block, length: 2 * block}, {offset: 16 * block, length: block}, {offset: 40 * block, length: 3 * block}]
  t.same(parseChangedRanges(fixture('thin-delta.xml'), block), {form: 'thin-delta', ranges: want})
  t.same(parseChangedRanges(fixture('thin-delta-verbose.xml'), block).ranges, [want[0], want[2]], '--verbose output: <range> children')
  t.same(parseChangedRanges('<superblock data_block_size="128"><diff left="1" right="2"></diff></superblock>', block).ranges, [], 'no differences')
  t.same(parseChangedRanges('<diff><different begin="1" length="2"/><different begin="2" length="2"/></diff>', block).ranges, [{offset: block, length: 3 * block}], 'overlapping')
  t.throws(() => parseChangedRanges(fixture('thin-delta.xml')), {code: 'E_THIN_BLOCK_SIZE'}, 'the pool block size is needed')
  t.throws(() => parseChangedRanges(fixture('thin-delta.xml'), 128 * KiB), {code: 'E_RANGES_BAD'}, 'a flag that contradicts data_block_size')
  for (const bad of ['<diff><different begin="-1" length="2"/></diff>', '<diff><different begin="1"/></diff>', '<diff><different begin="1" length="2" junk/></diff>',
    '<diff>text<different begin="1" length="2"/></diff>', '<diff><range begin="1" length="2"/></diff>', `<diff><different begin="${2 ** 40}" length="1"/></diff>`]) {
    t.throws(() => parseChangedRanges(bad, block), {code: 'E_RANGES_BAD'}, bad)
  }
})

t.test('past the end of the source, and qcow2', async t => {
  const r = mergeRanges([{offset: 0, length: 4096}, {offset: 8192, length: 4096}])
  t.doesNotThrow(() => checkWithin(r, 12288))
  t.throws(() => checkWithin(r, 12287), {code: 'E_RANGES_PAST_END'})
  t.doesNotThrow(() => checkWithin([], 0), 'empty fits anything')
  t.throws(() => refuseQcow2(Buffer.concat([QCOW2_MAGIC, Buffer.alloc(4)]), 'vm.qcow2'), {code: 'E_RANGES_QCOW2'})
  t.doesNotThrow(() => refuseQcow2(Buffer.alloc(4), 'vm.img'))
  t.doesNotThrow(() => refuseQcow2(Buffer.alloc(0), 'empty.img'))
})

t.test('a thin_delta list cut short is refused, not read as "the rest is unchanged"', async t => {
  const block = 64 * KiB
  const whole = fixture('thin-delta.xml')
  const lines = whole.split('\n')
  // Cut after each line that ends in a tag: every prefix is well formed tag by tag.
  for (let n = 1; n < lines.length - 1; n++) {
    t.throws(() => parseChangedRanges(lines.slice(0, n).join('\n') + '\n', block), {code: 'E_RANGES_BAD'}, `the first ${n} lines`)
  }
  t.throws(() => parseChangedRanges(fixture('thin-delta-verbose.xml').replace('</different>', ''), block), {code: 'E_RANGES_BAD'}, 'a verbose list with an open <different>')
  t.throws(() => parseChangedRanges('<diff></superblock>', block), {code: 'E_RANGES_BAD'}, 'closing what did not open')
  t.doesNotThrow(() => parseChangedRanges(whole, block), 'the whole list')
})

// Regression: an input of no bytes (the producing tool failed: `thin_delta ... > changed.xml`
// died, a script exited early) was read as "nothing changed", and every write since the
// last sync was skipped without a word.
t.test('an empty input is refused, not taken as nothing changed', async t => {
  for (const empty of ['', '\n', '  \n\t\n']) {
    t.throws(() => parseChangedRanges(empty), {code: 'E_RANGES_BAD'}, JSON.stringify(empty))
    t.throws(() => parseChangedRanges(empty, 64 * KiB), {code: 'E_RANGES_BAD'}, `${JSON.stringify(empty)} with --thin-block-size`)
  }
})
