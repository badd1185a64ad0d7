// blockpair agent --workers N (agent/session/workers.ts): connections go to the
// workers in turn, one writer per target across all of them, a SIGTERM stops
// every worker, a worker that dies is replaced, and bad flags are refused.
import t from 'tap'
import {spawn, execFileSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {cli, keygen, REPO_ROOT, startAgent, type Agent} from '../helpers/cli.js'
import {MiB} from '../helpers/disks.js'

const BIN = path.join(REPO_ROOT, 'bin/run.js')

function workerPids(agent: Agent): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(agent.pid)], {encoding: 'utf8'}).split('\n').filter(Boolean).map(Number)
  } catch {
    return []
  }
}

// The bound only turns a hang into a failure: 10 s was missed on a loaded machine
// (regression: "the slow job is writing" failed at load 20 while the job was starting).
async function until(cond: () => boolean, ms = 120_000): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (cond()) return true
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  return cond()
}

t.test('agent --workers 2', async t => {
  const dir = t.testdir({dst: {}})
  const psk = await keygen(dir)
  const agent = await startAgent(t, {allow: [path.join(dir, 'dst')], keyFile: psk, extra: ['--workers', '2', '--json']})
  const src = path.join(dir, 'src.img')
  const data = randomBytes(16 * MiB)
  fs.writeFileSync(src, data)
  const dst = path.join(dir, 'dst', 'disk.img')
  const workers = workerPids(agent)
  t.equal(workers.length, 2, 'two worker processes under the agent')

  t.test('the two streams of a push are served by the two workers', async t => {
    const r = await cli(['push', src, agent.url(dst), '--psk-file', psk, '--streams', '2', '--json'])
    t.equal(r.code, 0, r.stderr)
    t.ok(fs.readFileSync(dst).equals(data), 'identical')
    const sessions = agent.log().filter(e => e.event === 'session')
    t.equal(sessions.length, 2)
    t.same(new Set(sessions.map(e => e.worker)), new Set(workers), 'one session in each worker, each logged with its pid')
  })

  t.test('one writer per target across the workers: a second job is refused while the first writes', async t => {
    // A slow job holds the target (its one connection lands in one worker);
    // the next connection lands in the other worker, which must still see the lock.
    const target = path.join(dir, 'dst', 'busy.img')
    const slow = spawn(process.execPath, [BIN, 'push', src, agent.url(target), '--psk-file', psk, '--bwlimit', '2M', '--json'], {stdio: 'ignore'})
    const slowDone = new Promise(resolve => slow.once('close', resolve))
    t.teardown(() => { slow.kill('SIGKILL') })
    // Sized at Start, after the lock was taken.
    t.ok(await until(() => fs.existsSync(target) && fs.statSync(target).size === data.length), 'the slow job is writing')
    const busy = await cli(['push', src, agent.url(target), '--psk-file', psk, '--json'])
    t.equal(busy.code, 7, busy.stderr)
    t.equal(busy.json().code, 'E_BUSY')
    slow.kill('SIGKILL')
    await slowDone
    // The slow job's session ends (its peer is gone) and its lock goes with it.
    t.ok(await until(() => agent.log().some(e => e.event === 'session' && e.path === target && e.result !== 'ok' && e.code !== 'E_BUSY')), 'the cut session ended')
    const again = await cli(['push', src, agent.url(target), '--psk-file', psk, '--json'])
    t.equal(again.code, 0, `free again once the writer is gone: ${again.stderr}`)
  })

  t.test('a worker that dies is replaced; the agent keeps serving', async t => {
    const [victim] = workerPids(agent)
    process.kill(victim as number, 'SIGKILL')
    t.ok(await until(() => workerPids(agent).length === 2 && !workerPids(agent).includes(victim as number)), 'a new worker took its place')
    t.ok(await until(() => agent.log().some(e => e.event === 'worker' && String(e.result).includes(`worker ${victim} ended`))), 'and the log says so')
    const r = await cli(['push', src, agent.url(dst), '--psk-file', psk, '--streams', '2', '--json'])
    t.equal(r.code, 0, r.stderr)
  })

  t.test('SIGTERM stops the primary and every worker', async t => {
    const pids = workerPids(agent)
    agent.kill('SIGTERM')
    t.ok(await until(() => !agent.alive()), 'the agent exited')
    t.ok(await until(() => pids.every(p => !fs.existsSync(`/proc/${p}`))), 'no worker left')
  })
})

t.test('bad --workers values and combinations are refused', async t => {
  const dir = t.testdir({dst: {}})
  const psk = await keygen(dir)
  const base = ['agent', '--listen', '127.0.0.1:0', '--psk-file', psk, '--allow', path.join(dir, 'dst')]
  for (const extra of [['--workers', '0'], ['--workers', '65'], ['--workers', '2', '--once'], ['--workers', '2', '--sessions', '3']]) {
    const r = await cli([...base, ...extra, '--json'], {timeoutMs: 15_000})
    t.equal(r.code, 2, `${extra.join(' ')}: ${r.stderr.trim().split('\n')[0]}`)
  }
  const none = await cli(['agent', '--listen', '127.0.0.1:0', '--psk-file', psk, '--workers', '2', '--json'], {timeoutMs: 15_000})
  t.equal(none.code, 2, 'no --allow: refused by the primary, before any worker starts')
  t.match(none.stdout + none.stderr, /E_NO_ALLOW/)
})
