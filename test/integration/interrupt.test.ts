// Runs stopped from outside (issue 14): a kill before the remote end is
// reached still leaves the run's own job to resume; SIGINT, SIGTERM and SIGHUP
// end a run with exit 6 and the command that continues it; a remote agent
// told to stop cuts its session instead of syncing on.
//
// The points where a run is stopped are fixed by events (a marker file the
// ssh wrapper writes, a checkpoint in the job file), never by elapsed time.

import t, {type Test} from 'tap'
import {randomBytes} from 'node:crypto'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type {JobRecord} from '../../agent/run/jobs.js'
import {shellQuote} from '../../agent/run/ssh.js'
import {cli, ensureBuilt, keygen, startCli} from '../helpers/cli.js'
import {until} from '../helpers/hostile.js'
import {REMOTE_BIN, sshdSkipReason, startSshd} from '../helpers/sshd.js'

const MiB = 1 << 20
/** A bound on waiting for an event, so a broken run fails the test instead of hanging it. */
const WAIT_MS = 60_000

function jobs(stateDir: string): JobRecord[] {
  if (!existsSync(stateDir)) return []
  return readdirSync(stateDir).filter(n => n.endsWith('.json')).map(n => JSON.parse(readFileSync(path.join(stateDir, n), 'utf8')) as JobRecord)
}

function same(a: string, b: string): boolean {
  return existsSync(b) && readFileSync(a).equals(readFileSync(b))
}

/** A folder of its own under /tmp whose name marks every process of the test (for pgrep). */
function workdir(t: Test): string {
  const work = mkdtempSync(path.join(os.tmpdir(), 'bp-interrupt-'))
  t.teardown(() => rmSync(work, {recursive: true, force: true}))
  mkdirSync(path.join(work, 'local'))
  mkdirSync(path.join(work, 'remote'))
  return work
}

t.test('regression (issue 14, item 6): a run killed while ssh starts leaves its own job, and resume continues that one', {skip: sshdSkipReason()}, async t => {
  ensureBuilt()
  const sshd = await startSshd(t)
  const work = workdir(t)
  const state = path.join(work, 'state')
  const src = path.join(work, 'local', 'new.img')
  writeFileSync(src, randomBytes(MiB))

  // An older unfinished job: a push to an agent that is not there.
  const psk = await keygen(work)
  const older = await cli(['push', src, `agent://127.0.0.1:1${path.join(work, 'remote', 'old.img')}`, '--psk-file', psk, '--state-dir', state])
  t.equal(older.code, 3, 'the older push could not connect')

  // ssh through a wrapper that says it started, then waits for a go (or for its parent to die).
  const started = path.join(work, 'ssh-started')
  const go = path.join(work, 'ssh-go')
  const wrapper = path.join(work, 'ssh-wrapper.sh')
  writeFileSync(wrapper, `#!/bin/sh\ntouch ${shellQuote(started)}\n` +
    `while [ ! -e ${shellQuote(go)} ]; do kill -0 $PPID 2>/dev/null || exit 1; sleep 0.05; done\nexec ssh "$@"\n`)
  chmodSync(wrapper, 0o755)
  const dst = path.join(work, 'remote', 'new.img')
  const push = startCli(['push', src, `${sshd.target}:${dst}`, '--state-dir', state,
    '--ssh', sshd.sshCommand.replace(/^ssh /, `${wrapper} `), '--remote-bin', REMOTE_BIN])
  await until(() => existsSync(started), WAIT_MS, 'ssh to start')
  push.kill('SIGKILL')
  await push.done
  const mine = jobs(state).find(j => j.to.endsWith('new.img'))
  t.ok(mine, 'the killed push recorded its job before it connected')

  writeFileSync(go, '')
  const r = await cli(['resume', '--state-dir', state])
  t.equal(r.code, 0, r.stderr)
  t.match(r.stderr, `resuming job ${mine?.id ?? '?'}`, 'resume says which job it continues')
  t.ok(same(src, dst), 'and the destination the user meant is synced')
})
