// push and pull through a real sshd (issue 4): the CLI runs `ssh` to start the
// remote agent with a fresh key, then syncs over TLS. Several files in one run
// share one ssh bootstrap. Every failure of the bootstrap exits 3, writes
// nothing, and leaves no process behind.
//
// "No process behind" is checked with pgrep -f on a folder name unique to the
// test: it is in the remote agent's --allow argument, the local ssh command
// line, and the CLI's own arguments.

import t, {type Test} from 'tap'
import {execFile, spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, closeSync, writeFileSync, writeSync, ftruncateSync, readdirSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import {PROTOCOL_VERSION} from '../../agent/session/session.js'
import {shellQuote} from '../../agent/run/ssh.js'
import {STATE_FOLDER} from '../../agent/track/state.js'
import {cli, ensureBuilt, REPO_ROOT} from '../helpers/cli.js'
import {loopDevice, loopSkipReason} from '../helpers/disks.js'
import {REMOTE_BIN, sshdSkipReason, startSshd, type Sshd} from '../helpers/sshd.js'

const run = promisify(execFile)
const BIN = path.join(REPO_ROOT, 'bin/run.js')

/** Wait until no process's command line contains `marker`; report what is left. */
async function gone(t: Test, marker: string, what: string, ms = 5000): Promise<void> {
  let left = ''
  for (const end = Date.now() + ms; Date.now() < end;) {
    left = await run('pgrep', ['-af', marker]).then(r => r.stdout, () => '')
    if (!left) break
    await new Promise(r => setTimeout(r, 100))
  }
  t.equal(left, '', what)
}

/** A file of `size` bytes with random data in `chunks` places (the rest a hole). */
function sparseFile(file: string, size: number, chunks: Array<[number, number]>): Buffer[] {
  const fd = openSync(file, 'w')
  const written: Buffer[] = []
  try {
    ftruncateSync(fd, size)
    for (const [offset, length] of chunks) {
      const b = randomBytes(length)
      writeSync(fd, b, 0, length, offset)
      written.push(b)
    }
  } finally {
    closeSync(fd)
  }
  return written
}

t.test('ssh bootstrap through the CLI', {skip: sshdSkipReason()}, async t => {
  ensureBuilt()
  const sshd = await startSshd(t)
  // One folder per test run; its name is the pgrep marker.
  const work = mkdtempSync(path.join(os.tmpdir(), 'bp-ssh-it-'))
  t.teardown(() => rmSync(work, {recursive: true, force: true}))
  const local = path.join(work, 'local')
  const remote = path.join(work, 'remote')
  mkdirSync(local)
  mkdirSync(remote)

  // --ssh through a wrapper that counts the ssh connections a run makes.
  const sshLog = path.join(work, 'ssh.log')
  const wrapper = path.join(work, 'ssh-wrapper.sh')
  writeFileSync(wrapper, `#!/bin/sh\necho "$$" >> ${shellQuote(sshLog)}\nexec ssh "$@"\n`)
  chmodSync(wrapper, 0o755)
  const sshRuns = (): number => existsSync(sshLog) ? readFileSync(sshLog, 'utf8').split('\n').filter(Boolean).length : 0
  const viaSsh = (s: Sshd): string[] => ['--ssh', s.sshCommand.replace(/^ssh /, `${wrapper} `), '--remote-bin', REMOTE_BIN]
  const at = (p: string): string => `${sshd.target}:${p}`

  t.test('push then pull leave identical files; one ssh connection each; no agent left', async t => {
    const src = path.join(local, 'one.img')
    sparseFile(src, 8 << 20, [[0, 100_000], [5 << 20, 300_000]])
    const dst = path.join(remote, 'one.img')
    rmSync(sshLog, {force: true})

    const pushed = await cli(['push', src, at(dst), '--json', ...viaSsh(sshd)])
    t.equal(pushed.code, 0, pushed.stderr)
    const s = pushed.json()
    t.match(s, {ok: true, size: 8 << 20, destination: dst, destinationCreated: true})
    t.notOk('files' in s, 'one source: the single-file JSON shape')
    t.ok(readFileSync(dst).equals(readFileSync(src)), 'remote copy is identical')
    t.equal(sshRuns(), 1, 'one ssh connection')

    // Change 4 KiB at the remote end; pull it back into the local file.
    const fd = openSync(dst, 'r+')
    writeSync(fd, randomBytes(4096), 0, 4096, 3 << 20)
    closeSync(fd)
    const pulled = await cli(['pull', at(dst), src, ...viaSsh(sshd)])
    t.equal(pulled.code, 0, pulled.stderr)
    t.match(pulled.stdout, /one\.img -> .*one\.img: 8\.00 MiB, 1 of 128 blocks differ/)
    t.ok(readFileSync(src).equals(readFileSync(dst)), 'local copy is identical after pull')
    t.equal(sshRuns(), 2)
    await gone(t, work, 'no agent or ssh process left')
  })

  t.test('--streams 3: one ssh connection and one remote agent per stream, push and pull', async t => {
    const src = path.join(local, 'streams.img')
    const data = randomBytes(20 << 20)
    writeFileSync(src, data)
    const dst = path.join(remote, 'streams.img')
    rmSync(sshLog, {force: true})
    const pushed = await cli(['push', src, at(dst), '--streams', '3', '--json', ...viaSsh(sshd)])
    t.equal(pushed.code, 0, pushed.stderr)
    t.match(pushed.json(), {ok: true, size: 20 << 20, bytesSent: 20 << 20, bytesReadSource: 20 << 20, destinationCreated: true})
    t.ok(readFileSync(dst).equals(data), 'remote copy is identical')
    t.equal(sshRuns(), 3, 'three ssh connections, one agent each')

    const fd = openSync(dst, 'r+')
    writeSync(fd, randomBytes(4096), 0, 4096, 17 << 20)
    closeSync(fd)
    const pulled = await cli(['pull', at(dst), src, '--streams', '3', '--json', ...viaSsh(sshd)])
    t.equal(pulled.code, 0, pulled.stderr)
    t.match(pulled.json(), {ok: true, bytesSent: 4096, blocksChanged: 1})
    t.ok(readFileSync(src).equals(readFileSync(dst)), 'local copy is identical after pull')
    t.equal(sshRuns(), 6)
    await gone(t, work, 'no agent or ssh process left')
  })

  t.test('several files in one run: one ssh connection, a summary per file, a total', async t => {
    const names = ['a.img', 'b.img', 'c.img']
    for (const [i, n] of names.entries()) sparseFile(path.join(local, n), (i + 1) << 20, [[0, 70_000 * (i + 1)]])
    const dir = path.join(remote, 'vm1')
    mkdirSync(dir)
    rmSync(sshLog, {force: true})

    const pushed = await cli(['push', ...names.map(n => path.join(local, n)), at(dir + '/'), '--json', ...viaSsh(sshd)])
    t.equal(pushed.code, 0, pushed.stderr)
    const j = pushed.json() as {ok: boolean, files: Array<Record<string, unknown>>, total: Record<string, number>}
    t.equal(j.ok, true)
    t.same(j.files.map(f => f.destination), names.map(n => path.join(dir, n)), 'each file keeps its name in the folder')
    t.equal(j.total.size, (1 + 2 + 3) << 20, 'total size is the sum')
    t.equal(j.total.bytesSent, j.files.reduce((a, f) => a + (f.bytesSent as number), 0), 'total bytesSent is the sum')
    for (const n of names) t.ok(readFileSync(path.join(dir, n)).equals(readFileSync(path.join(local, n))), `${n} identical`)
    t.equal(sshRuns(), 1, 'one ssh bootstrap for the whole run')

    // Pull them all back into a fresh local folder, text output this time.
    const back = path.join(local, 'back')
    mkdirSync(back)
    const pulled = await cli(['pull', ...names.map(n => at(path.join(dir, n))), back + '/', ...viaSsh(sshd)])
    t.equal(pulled.code, 0, pulled.stderr)
    for (const n of names) t.match(pulled.stdout, new RegExp(`${n} -> ${back}/${n}: `), `a summary for ${n}`)
    t.match(pulled.stdout, /^3 files, 6\.00 MiB: /m, 'a total line')
    for (const n of names) t.ok(readFileSync(path.join(back, n)).equals(readFileSync(path.join(local, n))), `${n} pulled identical`)
    t.equal(sshRuns(), 2, 'again one ssh bootstrap')
    await gone(t, work, 'no agent or ssh process left')
  })

  t.test('a block device named over ssh may be written (--allow-device for the named paths)', {skip: loopSkipReason()}, async t => {
    const src = path.join(local, 'dev-src.img')
    sparseFile(src, 4 << 20, [[0, 50_000], [3 << 20, 20_000]])
    const {dev, file} = loopDevice(t, work, 'loop-backing.img', 4 << 20, 0xaa)
    const r = await cli(['push', src, at(dev), '--json', ...viaSsh(sshd)])
    t.equal(r.code, 0, r.stderr)
    t.match(r.json(), {ok: true, destination: dev})
    const same = await run('cmp', ['-n', String(4 << 20), src, file]).then(() => true, () => false)
    t.ok(same, 'the device holds the source')
    await gone(t, work, 'no agent or ssh process left')
  })

  t.test('several files: a failing file stops the run and is named', async t => {
    const dir = path.join(remote, 'vm2')
    mkdirSync(dir)
    sparseFile(path.join(dir, 'ok.img'), 1 << 20, [[0, 10_000]])
    sparseFile(path.join(dir, 'later.img'), 1 << 20, [[0, 10_000]])
    const into = path.join(local, 'vm2')
    mkdirSync(into)
    const r = await cli(['pull', at(`${dir}/ok.img`), at(`${dir}/missing.img`), at(`${dir}/later.img`), into + '/', '--json', ...viaSsh(sshd)])
    t.equal(r.code, 5, 'the exit code of the failing file')
    const j = r.json() as {ok: boolean, code: string, file: string, message: string, files: unknown[]}
    t.match(j, {ok: false, code: 'E_NOT_FOUND', file: `${dir}/missing.img`})
    t.match(j.message, new RegExp(`^${dir}/missing\\.img: `), 'the message names the file')
    t.equal(j.files.length, 1, 'the file before it was done')
    t.match(r.stderr, /missing\.img: .*\[E_NOT_FOUND\]/s)
    // ok.img's sync recorded the pair's lineage and the destination's hash cache beside it (agent/track/state.ts, cache.ts): that folder is expected.
    t.same(readdirSync(into).filter(n => n !== STATE_FOLDER).sort(), ['ok.img'], 'nothing written for the failing file, nothing after it')
    await gone(t, work, 'no agent or ssh process left')
  })

  t.test('usage errors come before any ssh connection', async t => {
    rmSync(sshLog, {force: true})
    const a = path.join(local, 'a.img')
    const b = path.join(local, 'b.img')
    const cases: Array<[string[], number, string]> = [
      [['push', a, b, at(`${remote}/x`)], 2, 'E_DESTINATION_NOT_FOLDER'],
      [['push', a, path.join(local, 'nope.img'), at(`${remote}/`)], 5, 'E_NOT_FOUND'],
      [['push', a, a, at(`${remote}/`)], 2, 'E_DUPLICATE_DESTINATION'],
      [['pull', at(`${remote}/a.img`), at(`${remote}/b.img`), path.join(local, 'file.img')], 2, 'E_DESTINATION_NOT_FOLDER'],
      [['pull', at(`${remote}/a.img`), `root@elsewhere:${remote}/b.img`, local + '/'], 2, 'E_ADDRESS'],
      [['pull', at(`${remote}/a.img`), path.join(local, 'no-such-folder') + '/'], 5, 'E_NOT_FOUND'],
      [['pull', at('relative/a.img'), path.join(local, 'rel.img')], 2, 'E_PATH_RELATIVE'],
      [['push', a, at(`${remote}/a.img`), '--streams', '0'], 2, 'E_STREAMS'],
      [['pull', at(`${remote}/a.img`), path.join(local, 'a.img'), '--streams', '9'], 2, 'E_STREAMS'],
    ]
    for (const [args, exit, code] of cases) {
      const r = await cli([...args, '--json', ...viaSsh(sshd)])
      t.equal(r.code, exit, `${args.join(' ')}: ${r.stderr.trim()}`)
      t.equal(r.json().code, code)
    }
    t.equal(sshRuns(), 0, 'no ssh connection was made')
    t.notOk(existsSync(path.join(local, 'no-such-folder')))
  })

  t.test('bootstrap failures: exit 3, a message that says what to do, nothing written, nothing left', async t => {
    const dst = path.join(local, 'never.img')
    const wrongKey = await sshd.newKey('wrong_ed25519')
    // Reads the key, never says 'listening', exits on stdin EOF (the agent's contract).
    const silent = path.join(work, 'silent-agent.mjs')
    writeFileSync(silent, `process.stdin.resume(); process.stdin.on('end', () => process.exit(0))\n`)
    const cases: Array<{what: string, args: string[], code: string, message: RegExp}> = [
      {what: 'unknown host', args: ['pull', `root@nosuchhost.invalid:${remote}/a.img`, dst, '--ssh', sshd.sshCommand, '--remote-bin', REMOTE_BIN],
        code: 'E_SSH_UNKNOWN_HOST', message: /nosuchhost\.invalid: unknown host; check the name/},
      {what: 'refused authentication', args: ['pull', at(`${remote}/a.img`), dst, '--ssh', sshd.sshCommand.replace(sshd.keyFile, wrongKey), '--remote-bin', REMOTE_BIN],
        code: 'E_SSH_AUTH', message: /authentication refused by 127\.0\.0\.1; load your key with ssh-add or pass --ssh/},
      {what: 'missing remote binary', args: ['pull', at(`${remote}/a.img`), dst, '--ssh', sshd.sshCommand, '--remote-bin', `${work}/nonexistent/blockpair`],
        code: 'E_SSH_NO_REMOTE_BIN', message: /blockpair was not found on 127\.0\.0\.1; install it with 'blockpair install 127\.0\.0\.1' or pass --remote-bin PATH/},
      {what: 'an agent that never reports a port', args: ['pull', at(`${remote}/a.img`), dst, '--ssh', sshd.sshCommand, '--remote-bin', `${shellQuote(process.execPath)} ${shellQuote(silent)}`, '--ssh-timeout', '2'],
        code: 'E_SSH_TIMEOUT', message: /did not report its port within 2 s; check that --remote-bin runs blockpair there/},
    ]
    for (const c of cases) {
      const started = Date.now()
      const r = await cli([...c.args, '--json'])
      t.equal(r.code, 3, `${c.what}: exit 3`)
      t.match(r.json(), {ok: false, code: c.code, exit: 3, message: c.message}, c.what)
      t.match(r.stderr, new RegExp(`\\[${c.code}\\]`), `${c.what}: said on stderr`)
      t.notOk(existsSync(dst), `${c.what}: no local file created`)
      t.ok(Date.now() - started < 15_000, `${c.what}: bounded in time`)
      await gone(t, work, `${c.what}: no agent or ssh process left`)
    }
  })

  t.test('a protocol version mismatch names both versions', async t => {
    // A stand-in agent that answers Hello with protocol version 99.
    const stub = path.join(work, 'future-agent.mjs')
    const dist = (m: string) => JSON.stringify(path.join(REPO_ROOT, 'dist', m))
    writeFileSync(stub, `
      import {randomBytes} from 'node:crypto'
      import {listen} from ${dist('agent/wire/transport.js')}
      import {Channel} from ${dist('agent/wire/channel.js')}
      import {parseKeys} from ${dist('agent/wire/keys.js')}
      const argv = process.argv.slice(2)
      const [host] = argv[argv.indexOf('--listen') + 1].split(':')
      let buf = ''
      process.stdin.setEncoding('utf8')
      process.stdin.on('end', () => process.exit(0))
      process.stdin.on('data', async d => {
        if (buf.includes('\\n')) return
        buf += d
        if (!buf.includes('\\n')) return
        const keys = parseKeys(buf.split('\\n')[0], 'stdin')
        const {address} = await listen({host, port: 0, keys, onSession: async socket => {
          const ch = new Channel(socket)
          await ch.expect('hello')
          ch.send('hello', {version: 99, initiator: false, capabilities: [], hashAlgorithm: 'xxh3-128', seed: randomBytes(8), software: 'blockpair 9.9.9'})
        }})
        process.stdout.write('listening ' + address.host + ':' + address.port + '\\n')
      })
    `)
    const dst = path.join(local, 'future.img')
    const r = await cli(['pull', at(`${remote}/a.img`), dst, '--json', '--ssh', sshd.sshCommand, '--remote-bin', `${shellQuote(process.execPath)} ${shellQuote(stub)}`])
    t.equal(r.code, 4, r.stderr)
    t.match(r.json(), {ok: false, code: 'E_VERSION', message: new RegExp(`protocol version 99 \\(blockpair 9\\.9\\.9\\).* ${PROTOCOL_VERSION} \\(blockpair `)})
    t.notOk(existsSync(dst), 'nothing written')
    await gone(t, work, 'no agent or ssh process left')
  })

  t.test('killing the ssh client during a push stops the remote agent', async t => {
    // Big enough that the push is still running when we stop it: 64 MiB of
    // data spread over a 1 GiB sparse file.
    const src = path.join(local, 'big.img')
    const chunks: Array<[number, number]> = []
    for (let i = 0; i < 32; i++) chunks.push([i * (32 << 20), 2 << 20])
    sparseFile(src, 1 << 30, chunks)
    // The marker for this test alone: the remote agent's --allow names this folder.
    const dir = mkdtempSync(path.join(remote, 'kill-'))
    const child = spawn(process.execPath, [BIN, 'push', src, `${sshd.target}:${dir}/big.img`, '--ssh', sshd.sshCommand, '--remote-bin', REMOTE_BIN],
      {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, XDG_STATE_HOME: path.join(work, 'state')}})
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
    child.stdout.resume()
    const exited = new Promise<number | null>(r => child.once('close', code => r(code)))
    t.teardown(() => { child.kill('SIGKILL') })

    // Once the destination exists the session is running: freeze the CLI so it
    // stays mid-push, then kill its ssh.
    const deadline = Date.now() + 20_000
    while (!existsSync(`${dir}/big.img`) && Date.now() < deadline) await new Promise(r => setTimeout(r, 5))
    t.ok(existsSync(`${dir}/big.img`), 'the push started')
    child.kill('SIGSTOP')
    const agents = async (): Promise<string> => run('pgrep', ['-af', `^${process.execPath} ${BIN} agent .*--allow ${dir}`]).then(r => r.stdout, () => '')
    t.match(await agents(), /agent/, 'the remote agent is running, mid-session')
    const ssh = (await run('pgrep', ['-f', `^ssh .*${dir}`]).then(r => r.stdout, () => '')).trim().split('\n').filter(Boolean)
    t.equal(ssh.length, 1, 'one local ssh process')
    const killedAt = Date.now()
    process.kill(Number(ssh[0]), 'SIGKILL')
    let left = await agents()
    while (left && Date.now() - killedAt < 5000) {
      await new Promise(r => setTimeout(r, 50))
      left = await agents()
    }
    t.equal(left, '', `the remote agent exited (after ${Date.now() - killedAt} ms)`)

    child.kill('SIGCONT')
    const code = await exited
    t.equal(code, 6, 'the push reports an interrupted sync')
    t.match(stderr, /the ssh connection to 127\.0\.0\.1 ended during the sync \(ssh was ended by SIGKILL\).*run the same command again.*\[E_SSH_DROPPED\]/s)
    await gone(t, dir, 'nothing left behind')

    // The job was recorded; resume finishes it over a new ssh bootstrap.
    const resumed = await cli(['resume', '--json'], {env: {XDG_STATE_HOME: path.join(work, 'state')}})
    t.equal(resumed.code, 0, resumed.stderr)
    const same = await run('cmp', [src, `${dir}/big.img`]).then(() => true, () => false)
    t.ok(same, 'identical after resume')
    await gone(t, dir, 'nothing left behind after resume')
  })
})
