// A cut cable, seen from the client (--timeout): a push whose agent goes
// silent mid-sync fails with E_PEER_SILENT (exit 6, resumable) soon after the
// timeout, and `resume` through a healthy path finishes identical; a peer that
// is silent only because it is busy (here: an agent holding the resume back
// for its 15-s lock wait) is not killed, since agents send keepalives.
//
// The cable is cut (or the agent frozen) once the job has recorded a
// checkpoint: a fixed point in the data, never a time. --bwlimit keeps the
// sync going past that point.

import {randomBytes} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import t, {type Test} from 'tap'
import type {JobRecord} from '../../agent/run/jobs.js'
import {cli, keygen, startAgent, startCli, type RunningCli} from '../helpers/cli.js'
import {firstDifference, MiB} from '../helpers/disks.js'
import {until} from '../helpers/hostile.js'
import {cable} from '../helpers/relay.js'
import {REMOTE_BIN, sshdSkipReason, startSshd} from '../helpers/sshd.js'

const SIZE = 32 * MiB
const TIMEOUT_S = 3
/** Past the timeout: the silence clock fires within TIMEOUT_S; the rest is the run closing its job and ssh. */
const SLACK_MS = 12_000

interface World {
  dir: string
  src: string
  dst: string
  state: string
}

function world(t: Test): World {
  const dir = t.testdir({src: {}, dst: {}})
  const src = path.join(dir, 'src', 'disk.img')
  fs.writeFileSync(src, randomBytes(SIZE))
  return {dir, src, dst: path.join(dir, 'dst', 'disk.img'), state: path.join(dir, 'state')}
}

function jobs(w: World): JobRecord[] {
  if (!fs.existsSync(w.state)) return []
  return fs.readdirSync(w.state).filter(n => n.endsWith('.json')).map(n => JSON.parse(fs.readFileSync(path.join(w.state, n), 'utf8')) as JobRecord)
}

async function checkpointed(w: World, push: RunningCli): Promise<void> {
  let exited = false
  void push.done.then(() => { exited = true })
  await until(() => exited || jobs(w).some(j => j.state === 'running' && j.checkpoint > 0), 60_000, 'a checkpoint')
  if (exited) throw new Error(`the push ended before its first checkpoint:\n${push.stderr()}`)
}

/** The push, cut off once it checkpointed: it must end with E_PEER_SILENT, exit 6, within the timeout (and its slack). */
async function silentEnd(t: Test, w: World, push: RunningCli, cut: () => void): Promise<void> {
  await checkpointed(w, push)
  const at = Date.now()
  cut()
  const r = await push.done
  const took = Date.now() - at
  t.equal(r.code, 6, 'exit 6: interrupted, resumable')
  t.match(r.json(), {ok: false, code: 'E_PEER_SILENT', resumable: true})
  t.ok(took >= TIMEOUT_S * 1000 - 100 && took < TIMEOUT_S * 1000 + SLACK_MS, `gave up ${took} ms after the cut (--timeout ${TIMEOUT_S}s)`)
  t.match(jobs(w), [{state: 'interrupted'}], 'the job is left resumable')
}

t.test('regression: a push through a cut cable gives up with E_PEER_SILENT; resume through a mended one finishes, its lock wait not taken for silence', async t => {
  const w = world(t)
  const psk = await keygen(w.dir)
  // The agent's own idle timeout stays long: its session on the dead cable
  // holds the target, so the resume waits for it (TargetLocks, 15 s), with
  // nothing but keepalives coming, far longer than --timeout.
  const agent = await startAgent(t, {allow: [path.dirname(w.dst)], keyFile: psk})
  const wire = await cable(t, agent.port)
  const push = startCli(['push', w.src, `agent://127.0.0.1:${wire.port}${w.dst}`, '--psk-file', psk, '--state-dir', w.state,
    '--timeout', `${TIMEOUT_S}s`, '--bwlimit', '4M', '--json'])
  await silentEnd(t, w, push, () => wire.cut())

  const began = Date.now()
  const r = await cli(['resume', '--state-dir', w.state, '--json'])
  t.equal(r.code, 0, r.stderr)
  t.ok(Date.now() - began > TIMEOUT_S * 1000, 'the resume was held back longer than --timeout, and lived')
  t.equal(firstDifference(w.src, w.dst), null, 'identical after the resume')
})

t.test('a busy agent is not silence: a slow link under --timeout 2s finishes', async t => {
  const w = world(t)
  const psk = await keygen(w.dir)
  const agent = await startAgent(t, {allow: [path.dirname(w.dst)], keyFile: psk})
  const r = await cli(['push', w.src, agent.url(w.dst), '--psk-file', psk, '--state-dir', w.state, '--timeout', '2s', '--verify', '--bwlimit', '16M', '--json'])
  t.equal(r.code, 0, r.stderr)
  t.equal(firstDifference(w.src, w.dst), null)
})

t.test('--timeout: a duration or 0; anything else is a usage error', async t => {
  const w = world(t)
  const psk = await keygen(w.dir)
  const agent = await startAgent(t, {allow: [path.dirname(w.dst)], keyFile: psk})
  for (const bad of ['soon', '1s', '-5']) {
    const r = await cli(['push', w.src, agent.url(w.dst), '--psk-file', psk, '--timeout', bad, '--json'])
    t.equal(r.code, 2, `--timeout ${bad}`)
    t.equal(r.json().code, 'E_DURATION')
  }
  const r = await cli(['push', w.src, agent.url(w.dst), '--psk-file', psk, '--timeout', '0', '--state-dir', w.state, '--json'])
  t.equal(r.code, 0, `--timeout 0 (never): ${r.stderr}`)
})

/** The pid of the agent the ssh bootstrap started for `dst`'s folder. */
function sshAgentPid(dst: string): number | null {
  for (const pid of fs.readdirSync('/proc').filter(n => /^\d+$/.test(n))) {
    let argv: string[]
    try {
      argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')
    } catch {
      continue
    }
    if (argv.includes('agent') && argv.includes('--psk-stdin') && argv.includes(path.dirname(dst))) return Number(pid)
  }
  return null
}

t.test('regression: over ssh, an agent that hangs (SIGSTOP) is given up on with E_PEER_SILENT; resume finishes', {skip: sshdSkipReason()}, async t => {
  const w = world(t)
  const sshd = await startSshd(t)
  const push = startCli(['push', w.src, `${sshd.target}:${w.dst}`, '--ssh', sshd.sshCommand, '--remote-bin', REMOTE_BIN, '--state-dir', w.state,
    '--timeout', `${TIMEOUT_S}s`, '--bwlimit', '4M', '--json'])
  let frozen: number | null = null
  t.teardown(() => {
    if (frozen !== null) try { process.kill(frozen, 'SIGKILL') } catch {}
  })
  await silentEnd(t, w, push, () => {
    frozen = sshAgentPid(w.dst)
    if (frozen === null) throw new Error('no ssh-started agent found')
    process.kill(frozen, 'SIGSTOP')
  })
  const r = await cli(['resume', '--state-dir', w.state, '--json'])
  t.equal(r.code, 0, r.stderr)
  t.equal(firstDifference(w.src, w.dst), null, 'identical after the resume')
})
