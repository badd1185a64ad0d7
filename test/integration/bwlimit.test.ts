// Regressions in --bwlimit's pacing, with a real agent:
// - a dry run was paced by the block data it would send (it sends none): a
//   `--dry-run --bwlimit 100K` of an image with 64 MiB of data took 11 minutes;
// - Ctrl-C or SIGTERM during a paced push waited out the pause the source was
//   in (a segment's worth: 4 MiB at 100 KiB/s is 40 s) before it stopped;
// - a pull ignored --bwlimit (the remote source was never told it, and the
//   protocol has no field for it): 64 MiB at `--bwlimit 20M` took 0.36 s. The
//   local destination now paces its reading, and TCP slows the source.
// Both are waited for by events (the command's exit, data at the destination);
// at the rate used here either old behaviour takes minutes, past the CLI's
// 60 s timeout in cli(), so the test fails instead of passing slowly.
import t, {type Test} from 'tap'
import {randomBytes} from 'node:crypto'
import {existsSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {EXIT} from '../../agent/errors.js'
import {cli, keygen, startAgent, startCli} from '../helpers/cli.js'
import {until} from '../helpers/hostile.js'
import {allocated, MiB} from '../helpers/blocks.js'

/** 16 KiB/s, as rsync reads a bare number: 8 MiB of data takes over 8 minutes at it. */
const SLOW = '16'

const dir = t.testdir({remote: {}, state: {}})
const remote = join(dir, 'remote')
const state = join(dir, 'state')
const src = join(dir, 'src.img')
writeFileSync(src, randomBytes(8 * MiB))
const psk = await keygen(dir)
const agent = await startAgent(t, {allow: [remote], keyFile: psk})

/**
 * `blockpair VERB ENDS` paced at SLOW, stopped with SIGTERM once block data has
 * reached `dst` (the first segment goes out at once; then a pause of minutes):
 * it must end with E_SIGNAL, not after the pause.
 */
async function stopsAtOnce(t: Test, ends: string[], dst: string): Promise<void> {
  const run = startCli([...ends, '--psk-file', psk, '--state-dir', state, '--bwlimit', SLOW, '--json'])
  await until(() => existsSync(dst) && allocated(dst) > 0, 60_000, 'block data at the destination')
  run.kill('SIGTERM')
  const r = await run.done
  t.equal(r.code, EXIT.INTERRUPTED, r.stderr)
  t.match(r.json(), {ok: false, code: 'E_SIGNAL', resumable: true})
}

t.test('regression (a dry run was paced by --bwlimit): it sends nothing, so it is not slowed', async t => {
  const r = await cli(['push', src, agent.url(join(remote, 'dry.img')), '--psk-file', psk, '--state-dir', state, '--bwlimit', SLOW, '--dry-run', '--json'])
  t.equal(r.code, 0, r.stderr)
  t.match(r.json(), {ok: true, dryRun: true, bytesSent: 8 * MiB})
  t.notOk(existsSync(join(remote, 'dry.img')), 'a dry run writes nothing')
})

t.test('regression (SIGTERM waited out a --bwlimit pause): a paced push stops at once with E_SIGNAL', async t => {
  const dst = join(remote, 'paced.img')
  await stopsAtOnce(t, ['push', src, agent.url(dst)], dst)
})

t.test('regression (a pull ignored --bwlimit): the destination paces its reading', async t => {
  const remoteSrc = join(remote, 'pulled-from.img')
  writeFileSync(remoteSrc, randomBytes(8 * MiB))
  const r = await cli(['pull', agent.url(remoteSrc), join(dir, 'pulled.img'), '--psk-file', psk, '--state-dir', state, '--bwlimit', '4M', '--json'])
  t.equal(r.code, 0, r.stderr)
  const s = r.json() as {bytesSent: number; durationMs: number}
  t.equal(s.bytesSent, 8 * MiB)
  // A lower bound only (a busy machine is slower, never faster): all but the last data frame (at most 512 KiB) waits for its turn.
  t.ok(s.durationMs >= ((8 * MiB - 512 * 1024) / (4 * MiB)) * 1000 * 0.95, `8 MiB at 4 MiB/s took ${s.durationMs} ms`)
})

t.test('regression (a pull ignored --bwlimit): a paced pull stops at once with E_SIGNAL', async t => {
  const remoteSrc = join(remote, 'pulled-slowly.img')
  writeFileSync(remoteSrc, randomBytes(8 * MiB))
  const dst = join(dir, 'pulled-slowly.img')
  await stopsAtOnce(t, ['pull', agent.url(remoteSrc), dst], dst)
})

