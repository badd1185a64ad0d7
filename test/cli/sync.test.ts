// push and pull as the CLI prints them (cli/sync.ts, cli/progress.ts): the
// text, -v, -P, --stats, --verify's line, and --json (checked against
// agent/run/schema.ts by cli()).
import t from 'tap'
import fs from 'node:fs'
import path from 'node:path'
import {cli, keygen, startAgent} from '../helpers/cli.js'

const KiB = 1024
const dir = t.testdir({remote: {}, state: {}})
const remote = path.join(dir, 'remote')
const state = path.join(dir, 'state')
const psk = await keygen(dir)
const agent = await startAgent(t, {allow: [remote], keyFile: psk})
t.jobs = 3

/** A 1 MiB source of nonzero data, and a copy of it at the agent changed at `at` (4 KiB each; negative: zeroed at the source). */
function pair(name: string, at: number[]): {src: string; dst: string} {
  const data = Buffer.alloc(1024 * KiB, 0x5a)
  const src = path.join(dir, `${name}.src`)
  const dst = path.join(remote, `${name}.img`)
  fs.writeFileSync(dst, data)
  for (const a of at) data.fill(a < 0 ? 0 : 0x33, Math.abs(a), Math.abs(a) + 4 * KiB)
  fs.writeFileSync(src, data)
  return {src, dst}
}

const push = (src: string, dst: string, ...extra: string[]) => cli(['push', src, agent.url(dst), '--psk-file', psk, '--state-dir', state, ...extra])

t.test('regression (issue 14, item 15): differences after a real push are listed, sorted, in bytes; so are a dry run\'s', async t => {
  // Zeroed blocks and changed blocks interleaved, so zero runs and refined data runs finish out of order.
  const at = [900 * KiB, -(200 * KiB), 68 * KiB, -(520 * KiB), 8 * KiB]
  const want = [8, 68, 200, 520, 900].map(k => ({offset: k * KiB, length: 4 * KiB}))
  const dry = pair('dry', at)
  const d = (await push(dry.src, dry.dst, '--dry-run', '--json')).json()
  t.same(d.differences, want, 'the dry run: sorted, exact')
  const real = pair('real', at)
  const r = (await push(real.src, real.dst, '--json')).json()
  t.same(r.differences, want, 'the real push: the same ranges, not []')
})

t.test('regression (issue 14, item 15): jobs --json names the ends as push does', async t => {
  const p = pair('named', [0])
  const r = (await push(p.src, p.dst, '--json')).json()
  const jobs = (await cli(['jobs', '--state-dir', state, '--json'])).json() as unknown as Array<Record<string, unknown>>
  const job = jobs.find(j => j.id === r.job)
  t.match(job, {source: path.resolve(p.src), destination: agent.url(p.dst), state: 'done'})
  t.notOk(job && 'from' in job)
})

t.test('regression (issue 14, item 15): a failed sync\'s JSON names its job outside the message', async t => {
  const r = await cli(['push', path.join(dir, 'named.src'), `agent://127.0.0.1:1${remote}/x.img`, '--psk-file', psk, '--state-dir', state, '--json'])
  const j = r.json()
  t.match(j, {ok: false, code: 'E_CONNECT_REFUSED', resumable: false})
  t.match(j.job, /^\d{8}-\d{6}-[0-9a-f]{4}$/)
})

t.test('regression (issue 14, item 10): --verify says what it re-read and the result', async t => {
  const p = pair('verified', [64 * KiB])
  const r = await push(p.src, p.dst, '--verify')
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /\n  verified: re-read 1\.00 MiB of the destination from disk; it matches the source/)
})

t.test('regression (issue 14, item 8): a line while the remote end starts; -P shows progress without a terminal', async t => {
  const p = pair('talk', [64 * KiB])
  const v = await push(p.src, p.dst, '-v')
  t.equal(v.code, 0, v.stderr)
  t.match(v.stderr, /^blockpair: connecting to 127\.0\.0\.1:\d+\n/)
  t.match(v.stderr, /blockpair: push .*talk\.src -> /)
  const bar = await push(p.src, p.dst, '-P')
  t.equal(bar.code, 0, bar.stderr)
  t.match(bar.stderr, /connecting to 127\.0\.0\.1/)
  t.match(bar.stderr, /push talk\.src +\d+% +[\d.]+ \S+\/s ETA/, 'a progress line: the rate of what moved and ETA')
  const quiet = await push(p.src, p.dst)
  t.equal(quiet.stderr, '', 'without a terminal and without -P or -v: nothing on stderr')
})

t.test('regression (issue 14, item 11): rsync\'s -v, -P and --stats are accepted; --stats adds the figures', async t => {
  const p = pair('stats', [0])
  const r = await push(p.src, p.dst, '--stats')
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /on the wire [\d.]+ \S+ \(both ways, all frames\)\n  written 4\.00 KiB/)
})
