// Flags to RunOptions (cli/options.ts): the defaults, every conversion, and
// every bad value as a usage error with its own code.
import path from 'node:path'
import t from 'tap'
import {EXIT} from '../../agent/errors.js'
import {DEFAULTS, parseStreams, runOptions} from '../../agent/run/options.js'
import {syncFlags, toRunOptions} from '../../cli/options.js'

const base = {json: false, quiet: false}

t.test('no flags: the table of defaults', async t => {
  t.same(toRunOptions(base), DEFAULTS)
  t.same(runOptions({streams: undefined, ssh: undefined}), DEFAULTS, 'undefined takes the default')
})

t.test('the flags keep their defaults, as typed before', async t => {
  t.equal(syncFlags['block-size'].default, '64K')
  t.equal(syncFlags.ssh.default, 'ssh')
  t.equal(syncFlags['remote-bin'].default, 'blockpair')
  t.equal(syncFlags['ssh-timeout'].default, 20)
  t.equal(syncFlags.streams.default, 1)
})

t.test('every flag lands in its option', async t => {
  const o = toRunOptions({
    'psk-file': 'k.psk', identity: 'hv1', 'block-size': '1M', 'dry-run': true, force: true, ssh: 'ssh -p 2222',
    'remote-bin': 'node /opt/b.js', 'ssh-timeout': 5, timeout: '90s', streams: 4, verify: true, bwlimit: '100M', 'state-dir': '/s', 'track-changes': true, json: true, quiet: true,
    progress: true, verbose: true, stats: true, 'no-perms': true, 'no-owner': true, 'no-times': true, 'trust-destination': true,
  })
  t.same(o, {
    pskFile: 'k.psk', identity: 'hv1', blockSize: 1 << 20, dryRun: true, force: true, ssh: 'ssh -p 2222', remoteBin: 'node /opt/b.js',
    sshTimeout: 5, timeoutMs: 90_000, streams: 4, verify: true, bwlimit: 100 << 20, stateDir: '/s', trackChanges: true, json: true, quiet: true,
    progress: true, verbose: true, stats: true, perms: false, owner: false, times: false, trustDestination: true,
  })
})

t.test('--changed-ranges is read once, here; its conflicts are usage errors', async t => {
  const dir = t.testdir({'list.txt': '8192 4096\n0 4096\n', 'thin.xml': '<diff><different begin="1" length="1"/></diff>'})
  t.same(toRunOptions({...base, 'changed-ranges': path.join(dir, 'list.txt')}).changedRanges, [{offset: 0, length: 4096}, {offset: 8192, length: 4096}])
  t.same(toRunOptions({...base, 'changed-ranges': path.join(dir, 'thin.xml'), 'thin-block-size': '64K'}).changedRanges, [{offset: 65536, length: 65536}])
  t.throws(() => toRunOptions({...base, 'thin-block-size': '64K'}), {code: 'E_THIN_BLOCK_SIZE', exit: EXIT.USAGE}, 'a block size without a list')
  t.throws(() => toRunOptions({...base, 'changed-ranges': path.join(dir, 'list.txt'), 'track-changes': true}), {code: 'E_RANGES_CONFLICT', exit: EXIT.USAGE})
  t.throws(() => toRunOptions({...base, 'changed-ranges': path.join(dir, 'list.txt'), streams: 2}), {code: 'E_RANGES_CONFLICT', exit: EXIT.USAGE})
  t.throws(() => toRunOptions({...base, 'changed-ranges': path.join(dir, 'missing.txt')}), {code: 'E_NOT_FOUND'})
})

t.test('regression (issue 14, item 14): a destination takes mode, owner and mtime unless a --no- flag says otherwise', async t => {
  t.match(toRunOptions(base), {perms: true, owner: true, times: true})
  t.match(toRunOptions({...base, 'no-owner': true}), {perms: true, owner: false, times: true})
})

t.test('--bwlimit: K, M, G suffixes, B for bytes; below 1K is E_BWLIMIT', async t => {
  t.equal(toRunOptions({...base, bwlimit: '1K'}).bwlimit, 1024)
  t.equal(toRunOptions({...base, bwlimit: '1024B'}).bwlimit, 1024)
  t.equal(toRunOptions({...base, bwlimit: '100M'}).bwlimit, 100 << 20)
  for (const bad of ['1023B', '512B', '0.5K', '0.5']) {
    t.throws(() => toRunOptions({...base, bwlimit: bad}), {code: 'E_BWLIMIT', exit: EXIT.USAGE}, bad)
  }
  t.throws(() => toRunOptions({...base, bwlimit: 'fast'}), {code: 'E_SIZE', exit: EXIT.USAGE})
})

// Regression: `--bwlimit 0` was E_BWLIMIT, where rsync (whose bare numbers we read the same way) takes 0 as no limit.
t.test('--bwlimit 0 means no limit, as in rsync', async t => {
  for (const zero of ['0', '0K', '0B']) t.equal(toRunOptions({...base, bwlimit: zero}).bwlimit, undefined, zero)
})

t.test('regression (issue 14, item 9): a bare --bwlimit number is KiB/s, as in rsync', async t => {
  t.equal(toRunOptions({...base, bwlimit: '20000'}).bwlimit, 20000 * 1024, 'rsync --bwlimit 20000 is about 20 MB/s')
  t.equal(toRunOptions({...base, bwlimit: '1024'}).bwlimit, 1 << 20)
  t.equal(toRunOptions({...base, bwlimit: '1.5'}).bwlimit, 1536)
})

t.test('bad sizes and block sizes', async t => {
  for (const bad of ['', 'abc', '64X', '-4K', '1e3']) {
    t.throws(() => toRunOptions({...base, 'block-size': bad}), {code: 'E_SIZE', exit: EXIT.USAGE}, JSON.stringify(bad))
  }
  for (const bad of ['3K', '2K', '8M', '100000']) {
    t.throws(() => toRunOptions({...base, 'block-size': bad}), {code: 'E_BLOCK_SIZE', exit: EXIT.USAGE}, bad)
  }
  t.equal(toRunOptions({...base, 'block-size': '4K'}).blockSize, 4096)
  t.equal(toRunOptions({...base, 'block-size': '4M'}).blockSize, 4 << 20)
})

t.test('--streams: a whole number from 1 to 8, as typed and as a number', async t => {
  t.equal(parseStreams('8'), 8)
  for (const bad of ['0', '9', 'two', '1.5', '-1', '']) t.throws(() => parseStreams(bad), {code: 'E_STREAMS', exit: EXIT.USAGE}, bad)
  for (const bad of [0, 9, 1.5, Number.NaN]) t.throws(() => toRunOptions({...base, streams: bad}), {code: 'E_STREAMS', exit: EXIT.USAGE}, String(bad))
})

t.test('--timeout: a duration (a bare number is seconds, like rsync), 0 for never, at least 2 s', async t => {
  t.equal(toRunOptions({...base}).timeoutMs, 120_000, 'default: the agent\'s idle timeout')
  t.equal(toRunOptions({...base, timeout: '30'}).timeoutMs, 30_000)
  t.equal(toRunOptions({...base, timeout: '5m'}).timeoutMs, 300_000)
  t.equal(toRunOptions({...base, timeout: '2500ms'}).timeoutMs, 2500)
  for (const never of ['0', '0s', '0.0']) t.equal(toRunOptions({...base, timeout: never}).timeoutMs, 0, never)
  for (const bad of ['1s', 'soon', '-1', '']) t.throws(() => toRunOptions({...base, timeout: bad}), {code: 'E_DURATION'}, bad)
})
