// --streams N through the CLI against a real agent (TLS on loopback): push
// and pull over N connections, the agent's log of them, bad values, and a
// SIGKILL in the middle followed by a resume that continues every stream
// from its own checkpoint.
import t, {type Test} from 'tap'
import {spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import {cli, keygen, REPO_ROOT, startAgent} from '../helpers/cli.js'
import {MiB} from '../helpers/disks.js'
import type {JobRecord} from '../../agent/run/jobs.js'
import {LINGERED} from '../../agent/session/stream-thread.js'

const SIZE = 24 * MiB

async function world(t: Test) {
  const dir = t.testdir({dst: {}})
  const src = path.join(dir, 'src.img')
  const data = randomBytes(SIZE)
  fs.writeFileSync(src, data)
  const psk = await keygen(dir)
  const agent = await startAgent(t, {allow: [path.join(dir, 'dst')], keyFile: psk, extra: ['--json']})
  return {dir, src, data, psk, agent, dst: path.join(dir, 'dst', 'disk.img'), state: path.join(dir, 'state')}
}

function jobs(stateDir: string): JobRecord[] {
  if (!fs.existsSync(stateDir)) return []
  return fs.readdirSync(stateDir).filter(n => n.endsWith('.json')).map(n => JSON.parse(fs.readFileSync(path.join(stateDir, n), 'utf8')) as JobRecord)
}

t.test('push and pull with --streams 3: identical files, three sessions each at the agent', async t => {
  const w = await world(t)
  const pushed = await cli(['push', w.src, w.agent.url(w.dst), '--psk-file', w.psk, '--streams', '3', '--json', '--state-dir', w.state])
  t.equal(pushed.code, 0, pushed.stderr)
  t.match(pushed.json(), {ok: true, size: SIZE, bytesSent: SIZE, bytesWritten: SIZE, bytesReadSource: SIZE, destinationCreated: true})
  t.ok(fs.readFileSync(w.dst).equals(w.data), 'identical')
  const sessions = w.agent.log().filter(e => e.event === 'session')
  t.equal(sessions.length, 3, 'three sessions')
  t.same(sessions.map(e => e.result), ['ok', 'ok', 'ok'])
  t.equal(sessions.reduce((a, e) => a + (e.bytesWritten as number), 0), SIZE, 'each wrote its own part')
  const job = jobs(w.state)[0] as JobRecord
  t.equal(job.state, 'done')
  t.equal(job.options.streams, 3, 'the job remembers its streams for a resume')

  fs.writeFileSync(path.join(w.dir, 'back.img'), '')
  const pulled = await cli(['pull', w.agent.url(w.dst), path.join(w.dir, 'back.img'), '--psk-file', w.psk, '--streams', '2', '--json', '--state-dir', w.state])
  t.equal(pulled.code, 0, pulled.stderr)
  t.match(pulled.json(), {ok: true, size: SIZE, bytesSent: SIZE})
  t.ok(fs.readFileSync(path.join(w.dir, 'back.img')).equals(w.data), 'pulled back identical')
})

t.test('regression: the CLI exits as soon as its streams are done', async t => {
  // The threads of the streams once stayed alive (their message port held
  // them) until a 5 s fallback ended them, and the CLI waited for them.
  // A lingering thread is stopped after 5 s with a process warning: its code on
  // stderr is the event to look for (a clock would fail on a loaded machine).
  const w = await world(t)
  const r = await cli(['push', w.src, w.agent.url(w.dst), '--psk-file', w.psk, '--streams', '2', '--json', '--state-dir', w.state])
  t.equal(r.code, 0, r.stderr)
  t.notMatch(r.stderr, LINGERED, 'no stream thread had to be stopped')
})

t.test('bad --streams values: exit 2, E_STREAMS, no connection, nothing created', async t => {
  const w = await world(t)
  for (const v of ['0', '9', 'two', '1.5', '-1']) {
    const r = await cli(['push', w.src, w.agent.url(w.dst), '--psk-file', w.psk, `--streams=${v}`, '--json', '--state-dir', w.state])
    t.equal(r.code, 2, `--streams ${v}: ${r.stderr.trim()}`)
    t.match(r.json(), {ok: false, code: 'E_STREAMS', message: /from 1 to 8/})
  }
  t.notOk(fs.existsSync(w.dst), 'no destination')
  t.same(w.agent.log(), [], 'the agent saw nothing')
  t.same(jobs(w.state), [], 'no job')
})

t.test('SIGKILL of a push with --streams 2 after a checkpoint, then resume: every stream continues', async t => {
  const w = await world(t)
  const push = spawn(process.execPath, [path.join(REPO_ROOT, 'bin/run.js'), 'push', w.src, w.agent.url(w.dst), '--psk-file', w.psk,
    '--streams', '2', '--bwlimit', '4M', '--state-dir', w.state, '--json'], {stdio: 'ignore'})
  const exited = new Promise(resolve => push.once('close', resolve))
  // Both streams past a checkpoint (one a second; 2 MiB/s each: about 6 s per 12 MiB range).
  const until = Date.now() + 20_000
  let job: JobRecord | undefined
  while (Date.now() < until) {
    job = jobs(w.state)[0]
    if (job?.checkpoints && job.checkpoints[0]! > 0 && job.checkpoints[1]! > SIZE / 2) break
    await new Promise(resolve => setTimeout(resolve, 50))
  }
  push.kill('SIGKILL')
  await exited
  t.ok(job?.checkpoints, 'the job records a checkpoint per stream')
  const [a, b] = job?.checkpoints ?? [0, 0]
  t.ok(a! > 0 && a! <= SIZE / 2 && b! > SIZE / 2 && b! <= SIZE, `checkpoints ${a} and ${b} lie in their own ranges`)
  t.equal(job?.checkpoint, a! + b! - SIZE / 2, 'checkpoint: bytes durable over both streams')

  // A streamed checkpoint has no destination stamp (the streams write one file): without
  // --trust-checkpoint every stream would compare its synced part again.
  const r = await cli(['resume', '--trust-checkpoint', '--state-dir', w.state, '--json'])
  t.equal(r.code, 0, r.stderr)
  const s = r.json()
  t.ok((s.resumedFrom as number) >= a! + b! - SIZE / 2, `resumed past ${s.resumedFrom} bytes`)
  t.ok((s.bytesReadSource as number) <= SIZE - (s.resumedFrom as number), 'the parts below the checkpoints were not read again')
  t.ok(fs.readFileSync(w.dst).equals(w.data), 'identical after the resume')
  t.equal(jobs(w.state)[0]?.state, 'done')
})
