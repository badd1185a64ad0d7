// Runs stopped from outside (issue 14): a kill before the remote end is
// reached still leaves the run's own job to resume; SIGINT, SIGTERM and SIGHUP
// end a run with exit 6 and the command that continues it; a remote agent
// told to stop cuts its session instead of syncing on.
//
// The points where a run is stopped are fixed by events (a marker file the
// ssh wrapper writes, a checkpoint in the job file), never by elapsed time.

import t, {type Test} from 'tap'
import {randomBytes} from 'node:crypto'
import {execFile} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import type {JobRecord} from '../../agent/run/jobs.js'
import {shellQuote} from '../../agent/run/ssh.js'
import {cli, ensureBuilt, keygen, startAgent, startCli} from '../helpers/cli.js'
import {until} from '../helpers/hostile.js'
import {REMOTE_BIN, sshdSkipReason, startSshd, type Sshd} from '../helpers/sshd.js'

const run = promisify(execFile)
const MiB = 1 << 20
const SIZE = 24 * MiB
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

/** sshd, a work folder with a random local source of `size` bytes, and a state folder for its jobs. */
async function sshWorld(t: Test, size: number): Promise<{sshd: Sshd; work: string; state: string; src: string}> {
  ensureBuilt()
  const sshd = await startSshd(t)
  const work = workdir(t)
  const src = path.join(work, 'local', 'disk.img')
  writeFileSync(src, randomBytes(size))
  return {sshd, work, state: path.join(work, 'state'), src}
}

t.test('regression (issue 14, item 6): a run killed while ssh starts leaves its own job, and resume continues that one', {skip: sshdSkipReason()}, async t => {
  const {sshd, work, state, src} = await sshWorld(t, MiB)

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
  const dst = path.join(work, 'remote', 'disk.img')
  const push = startCli(['push', src, `${sshd.target}:${dst}`, '--state-dir', state,
    '--ssh', sshd.sshCommand.replace(/^ssh /, `${wrapper} `), '--remote-bin', REMOTE_BIN])
  await until(() => existsSync(started), WAIT_MS, 'ssh to start')
  push.kill('SIGKILL')
  await push.done
  const mine = jobs(state).find(j => j.to.endsWith('disk.img'))
  t.ok(mine, 'the killed push recorded its job before it connected')

  writeFileSync(go, '')
  const r = await cli(['resume', '--state-dir', state])
  t.equal(r.code, 0, r.stderr)
  t.match(r.stderr, `resuming job ${mine?.id ?? '?'}`, 'resume says which job it continues')
  t.ok(same(src, dst), 'and the destination the user meant is synced')
})

/** Until the job in `state` has a checkpoint past 0: the sync is under way. */
async function underWay(state: string): Promise<JobRecord> {
  await until(() => (jobs(state)[0]?.checkpoint ?? 0) > 0, WAIT_MS, 'a checkpoint')
  return jobs(state)[0] as JobRecord
}

/** The pids of agents whose command line holds `marker` and that run the program `program`. */
async function pids(marker: string, program: string): Promise<number[]> {
  const out = await run('pgrep', ['-af', marker]).then(r => r.stdout, () => '')
  return out.split('\n').filter(l => l.split(' ')[1] === program && l.includes(' agent ')).map(l => Number(l.split(' ')[0])).filter(n => n > 0)
}

for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  t.test(`regression (issue 14, item 7): ${sig} ends a push with exit 6 and the command that continues it`, async t => {
    const work = workdir(t)
    const state = path.join(work, 'state')
    const src = path.join(work, 'local', 'disk.img')
    writeFileSync(src, randomBytes(SIZE))
    const psk = await keygen(work)
    const agent = await startAgent(t, {allow: [path.join(work, 'remote')], keyFile: psk, extra: ['--json']})
    const dst = path.join(work, 'remote', 'disk.img')
    const push = startCli(['push', src, agent.url(dst), '--psk-file', psk, '--bwlimit', '4M', '--state-dir', state, '--json'])
    const job = await underWay(state)
    push.kill(sig)
    const r = await push.done
    t.equal(r.code, 6, r.stderr)
    t.match(r.json(), {ok: false, code: 'E_SIGNAL', exit: 6})
    t.match(r.stderr, `blockpair resume ${job.id}`, 'names the command that continues it')
    t.equal(jobs(state)[0]?.state, 'interrupted')
    await agent.waitForLog(e => e.event === 'session' && e.code === 'E_SIGNAL', WAIT_MS)
    t.pass('the agent was told why the session ended')
    const again = await cli(['resume', '--state-dir', state])
    t.equal(again.code, 0, again.stderr)
    t.ok(same(src, dst), 'and resume finishes it')
  })
}

t.test('regression (issue 14, item 7): over ssh, a signal to either end stops both', {skip: sshdSkipReason()}, async t => {
  const {sshd, work, state, src} = await sshWorld(t, SIZE)
  const dst = path.join(work, 'remote', 'disk.img')
  const push = (): ReturnType<typeof startCli> => startCli(['push', src, `${sshd.target}:${dst}`, '--bwlimit', '4M', '--state-dir', state, '--json',
    '--ssh', sshd.sshCommand, '--remote-bin', REMOTE_BIN])
  // The agent's node process, not the shell sshd runs it with.
  const remoteAgents = (): Promise<number[]> => pids(work, process.execPath)

  // SIGTERM to the remote agent: it cuts its session and exits; the push says so.
  const first = push()
  await underWay(state)
  const [agentPid] = await remoteAgents()
  t.ok(agentPid, 'the remote agent runs')
  process.kill(agentPid as number, 'SIGTERM')
  const r = await first.done
  t.equal(r.code, 6, r.stderr)
  t.match(r.json(), {ok: false, code: 'E_AGENT_STOPPED'})
  t.match(r.stderr, 'blockpair resume')
  await until(() => !existsSync(`/proc/${agentPid}`), WAIT_MS, 'the remote agent to exit')

  // SIGINT to the pushing side: the remote agent goes too.
  rmSync(state, {recursive: true, force: true})
  const second = push()
  await underWay(state)
  second.kill('SIGINT')
  const r2 = await second.done
  t.equal(r2.code, 6, r2.stderr)
  t.match(r2.json(), {code: 'E_SIGNAL'})
  for (const end = Date.now() + WAIT_MS; (await remoteAgents()).length > 0 && Date.now() < end;) await new Promise(r => setTimeout(r, 100))
  t.same(await remoteAgents(), [], 'no remote agent left')
})
