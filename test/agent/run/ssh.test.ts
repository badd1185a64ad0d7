import t, {type Test} from 'tap'
import {execFile} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import {ConnectError, EXIT} from '../../../agent/errors.js'
import {classifySshFailure, remoteCommand, shellQuote, splitCommand, sshArgv, startRemoteAgent} from '../../../agent/run/ssh.js'
import {REMOTE_BIN, REPO_ROOT, sshdSkipReason, startSshd} from '../../helpers/sshd.js'

const run = promisify(execFile)

t.test('shellQuote survives a real shell', async t => {
  t.equal(shellQuote('/images/disk.img'), '/images/disk.img', 'plain words stay readable')
  t.equal(shellQuote(''), "''")
  for (const s of ['a b', "it's", "''", '$HOME `id` "x" \\ ; & | * ?', 'new\nline', '-n']) {
    const {stdout} = await run('sh', ['-c', `printf %s ${shellQuote(s)}`])
    t.equal(stdout, s, JSON.stringify(s))
  }
})

t.test('splitCommand splits like rsync -e', async t => {
  t.same(splitCommand('ssh'), ['ssh'])
  t.same(splitCommand('  ssh  -p 2222\t-i key '), ['ssh', '-p', '2222', '-i', 'key'])
  t.same(splitCommand(`ssh -i "/my keys/id" -o 'ProxyCommand=nc %h %p'`), ['ssh', '-i', '/my keys/id', '-o', 'ProxyCommand=nc %h %p'])
  t.same(splitCommand(`ssh -o "a""b" ''`), ['ssh', '-o', 'a"b', ''])
  t.same(splitCommand(''), [])
  t.throws(() => splitCommand('ssh -i "key'), {code: 'E_BAD_SSH_COMMAND'})
})

t.test('remoteCommand listens where the SSH connection arrived', async t => {
  const cmd = remoteCommand({
    remoteBin: 'printf "%s\\n"', identity: 'me', allow: ['/a b', "/it's"], extraArgs: ['--json'],
  })
  const argv = async (conn: string) => (await run('sh', ['-c', cmd], {env: {...process.env, SSH_CONNECTION: conn}})).stdout.split('\n').slice(0, -1)
  t.same(await argv('10.0.0.1 50000 10.0.0.2 22'),
    ['agent', '--once', '--psk-stdin', '--identity', 'me', '--allow', '/a b', '--allow', "/it's", '--json', '--listen', '10.0.0.2:0'])
  t.equal((await argv('::1 50000 fd00::2 22')).at(-1), '[fd00::2]:0', 'IPv6 in brackets')
  await t.rejects(run('sh', ['-c', cmd], {env: {...process.env, SSH_CONNECTION: ''}}), {code: 2}, 'no SSH_CONNECTION: clear failure, not a wildcard bind')

  const fixed = remoteCommand({remoteBin: 'printf "%s\\n"', identity: 'me', allow: [], listen: '0.0.0.0'})
  t.match((await run('sh', ['-c', fixed])).stdout, /--listen\n0\.0\.0\.0:0\n$/)
})

t.test('classifySshFailure names the cause and keeps the last ssh line', async t => {
  const c = (code: number | null, stderr: string, signal: NodeJS.Signals | null = null) =>
    classifySshFailure({code, signal, stderr, host: 'hv1'})
  const cases: Array<[ConnectError, string]> = [
    [c(255, 'ssh: Could not resolve hostname hv1: Name or service not known\n'), 'E_SSH_UNKNOWN_HOST'],
    [c(255, 'root@hv1: Permission denied (publickey).\n'), 'E_SSH_AUTH'],
    [c(255, 'Host key verification failed.\r\n'), 'E_SSH_HOSTKEY'],
    [c(255, 'ssh: connect to host hv1 port 22: Connection refused\n'), 'E_SSH_CONNECT'],
    [c(255, 'ssh: connect to host hv1 port 22: Connection timed out\n'), 'E_SSH_CONNECT'],
    [c(null, '', 'SIGINT'), 'E_SSH_CONNECT'],
    [c(127, 'sh: 1: exec: /x/blockpair: not found\n'), 'E_SSH_NO_REMOTE_BIN'],
    [c(126, 'sh: 1: exec: /x/blockpair: Permission denied\n'), 'E_SSH_NO_REMOTE_BIN'],
    [c(1, "Error: Cannot find module '/x/run.js'\n"), 'E_SSH_NO_REMOTE_BIN'],
    [c(5, 'blockpair: /images: permission denied\n'), 'E_SSH_AGENT_EXIT'],
  ]
  for (const [e, code] of cases) {
    t.equal(e.code, code, e.message)
    t.equal(e.exit, EXIT.CONNECT)
  }
  t.match(c(255, 'noise\nroot@hv1: Permission denied (publickey).\n\n').message,
    /^authentication refused by hv1; .*\(ssh: root@hv1: Permission denied \(publickey\)\.\)$/)
})

t.test('startRemoteAgent rejects a target ssh would read as an option', async t => {
  await t.rejects(startRemoteAgent({target: '-oProxyCommand=touch /tmp/x', psk: randomBytes(32), identity: 'x', allow: []}),
    {code: 'E_BAD_TARGET'})
})

t.test('startRemoteAgent reports a missing ssh command', async t => {
  await t.rejects(startRemoteAgent({target: 'h', ssh: '/nonexistent/ssh', psk: randomBytes(32), identity: 'x', allow: []}),
    {code: 'E_SSH_MISSING', exit: EXIT.CONNECT})
})

t.test('startRemoteAgent with a fake ssh: options, wildcard address, stubborn ssh', async t => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'blockpair-fakessh-'))
  t.teardown(() => rmSync(dir, {recursive: true, force: true}))
  // Records the arguments it got, answers like an agent on 0.0.0.0, or (stubborn)
  // ignores SIGTERM and never answers.
  const fake = path.join(dir, 'fake-ssh.mjs')
  writeFileSync(fake, `
    import {writeFileSync} from 'node:fs'
    const [mode, out, ...argv] = process.argv.slice(2)
    if (mode === 'stubborn') { process.on('SIGTERM', () => {}); setInterval(() => {}, 1000) }
    else {
      process.stdin.once('data', () => {
        writeFileSync(out, JSON.stringify(argv))
        process.stdout.write('listening 0.0.0.0:5555\\n')
      })
      process.stdin.on('end', () => process.exit(0))
    }
  `)
  const ssh = (mode: string, out = '-') => `${process.execPath} ${fake} ${mode} ${out} -p 2222`
  const out = path.join(dir, 'argv.json')
  const base = {target: 'me@hv1', psk: randomBytes(32), identity: 'x', allow: []}

  const agent = await startRemoteAgent({...base, ssh: ssh('record', out) + ' -o BatchMode=no'})
  t.equal(agent.host, 'hv1', 'a wildcard listen address means: the host we ssh-ed to')
  t.equal(agent.port, 5555)
  const argv = JSON.parse(readFileSync(out, 'utf8')) as string[]
  t.same(argv.slice(0, -1), ['-p', '2222', '-o', 'BatchMode=no', '-o', 'ConnectTimeout=10', '-T', 'me@hv1'],
    'user options kept and not overridden; ours added after them')
  t.match(argv.at(-1), /^exec \/bin\/sh -c /)
  await agent.close()

  const started = Date.now()
  await t.rejects(startRemoteAgent({...base, ssh: ssh('stubborn'), timeoutMs: 300}), {code: 'E_SSH_TIMEOUT'})
  t.ok(Date.now() - started < 5000, 'an ssh that ignores SIGTERM is killed')
})

t.test('against a real sshd', {skip: sshdSkipReason()}, async t => {
  const sshd = await startSshd(t)
  // A folder per test run, so that pgrep -f finds only our processes.
  const work = mkdtempSync(path.join(os.tmpdir(), 'blockpair-sshtest-'))
  t.teardown(() => rmSync(work, {recursive: true, force: true}))
  const base = {target: sshd.target, ssh: sshd.sshCommand, psk: randomBytes(32), identity: 'test', allow: [work]}

  // Stands in for `blockpair agent` and keeps its stdin contract: prints the
  // listening line (unless silent), exits on stdin EOF, and records what it got.
  const stub = path.join(work, 'stub-agent.mjs')
  writeFileSync(stub, `
    import {writeFileSync} from 'node:fs'
    const [mode, out, ...argv] = process.argv.slice(2)
    let buf = '', done = false
    process.stdin.setEncoding('utf8')
    process.stdin.on('data', d => {
      buf += d
      const nl = buf.indexOf('\\n')
      if (mode !== 'listen' || done || nl < 0) return
      done = true
      writeFileSync(out, JSON.stringify({argv, psk: buf.slice(0, nl)}))
      const listen = argv[argv.indexOf('--listen') + 1]
      process.stdout.write('motd noise\\nlistening ' + listen.replace(/:0$/, ':40001') + '\\n')
    })
    process.stdin.on('end', () => process.exit(0))
  `)
  const stubBin = (mode: string, out = '-') => `${shellQuote(process.execPath)} ${shellQuote(stub)} ${mode} ${shellQuote(out)}`

  // Every process whose command line names `marker` (the local ssh included) is gone.
  const gone = async (t: Test, marker: string, what: string) => {
    let left = ''
    for (let i = 0; i < 50; i++) {
      left = await run('pgrep', ['-af', marker]).then(r => r.stdout, () => '')
      if (!left) break
      await new Promise(r => setTimeout(r, 100))
    }
    t.equal(left, '', what)
  }

  t.test('unknown host', async t => {
    const e = await startRemoteAgent({...base, target: 'root@nosuchhost.invalid'}).catch((e: ConnectError) => e)
    t.match(e, {code: 'E_SSH_UNKNOWN_HOST', exit: EXIT.CONNECT, message: /nosuchhost\.invalid: unknown host; .*\(ssh: .*Could not resolve hostname/})
  })

  t.test('refused key', async t => {
    const wrong = await sshd.newKey('wrong_ed25519')
    const e = await startRemoteAgent({...base, ssh: sshd.sshCommand.replace(sshd.keyFile, wrong)}).catch((e: ConnectError) => e)
    t.match(e, {code: 'E_SSH_AUTH', message: /authentication refused by 127\.0\.0\.1; load your key with ssh-add .*Permission denied/})
  })

  t.test('nothing listening on the port', async t => {
    const e = await startRemoteAgent({...base, ssh: sshd.sshCommand.replace(`-p ${sshd.port}`, '-p 1')}).catch((e: ConnectError) => e)
    t.match(e, {code: 'E_SSH_CONNECT', message: /Connection refused/})
  })

  t.test('missing remote binary', async t => {
    const e = await startRemoteAgent({...base, remoteBin: '/nonexistent/blockpair'}).catch((e: ConnectError) => e)
    t.match(e, {code: 'E_SSH_NO_REMOTE_BIN', message: /blockpair was not found on 127\.0\.0\.1; install it with 'blockpair install 127\.0\.0\.1' or pass --remote-bin PATH \(ssh: .*nonexistent/})
  })

  t.test('an agent that never reports a port times out and leaves nothing behind', async t => {
    const started = Date.now()
    const e = await startRemoteAgent({...base, remoteBin: stubBin('silent'), timeoutMs: 1500}).catch((e: ConnectError) => e)
    t.match(e, {code: 'E_SSH_TIMEOUT', exit: EXIT.CONNECT, message: /did not report its port within 1\.5 s/})
    t.ok(Date.now() - started < 6000, 'bounded')
    await gone(t, stub, 'no ssh and no remote agent left')
  })

  t.test('happy path with a stand-in agent', async t => {
    const out = path.join(work, 'got.json')
    const odd = path.join(work, "it's a dir")
    mkdirSync(odd)
    const psk = randomBytes(32)
    const agent = await startRemoteAgent({...base, psk, allow: [work, odd], identity: 'src host', remoteBin: stubBin('listen', out)})
    t.equal(agent.host, '127.0.0.1', 'listens where the SSH connection arrived')
    t.equal(agent.port, 40001)
    const got = JSON.parse(readFileSync(out, 'utf8')) as {argv: string[], psk: string}
    t.equal(got.psk, psk.toString('hex'), 'key arrives on stdin')
    t.same(got.argv, ['agent', '--once', '--psk-stdin', '--identity', 'src host', '--allow', work, '--allow', odd, '--listen', '127.0.0.1:0'])
    t.notOk(readFileSync(`/proc/${agent.child.pid}/cmdline`, 'utf8').includes(psk.toString('hex')), 'key is not on the ssh command line')
    await agent.close()
    t.equal((await agent.exited).code, 0, 'ssh ended cleanly on EOF')
    await gone(t, stub, 'remote agent exited after close()')
  })

  t.test('the remote agent goes away when the ssh client is killed', async t => {
    const agent = await startRemoteAgent({...base, remoteBin: stubBin('listen', path.join(work, 'kill.json'))})
    agent.child.kill('SIGKILL')
    await agent.exited
    await gone(t, stub, 'no orphan agent')
    await agent.close()
  })

  const built = path.join(REPO_ROOT, 'dist/cli/commands/agent.js')
  t.test('happy path with the real blockpair agent', {skip: existsSync(built) && existsSync(path.join(REPO_ROOT, 'bin/run.js')) ? false : `${built} is not built yet (npm run build)`}, async t => {
    const allow = mkdtempSync(path.join(work, 'real-'))
    const agent = await startRemoteAgent({...base, allow: [allow], remoteBin: REMOTE_BIN})
    t.equal(agent.host, '127.0.0.1')
    t.ok(agent.port > 0)
    await new Promise<void>((resolve, reject) => {
      const s = net.connect(agent.port, agent.host, () => { s.destroy(); resolve() }).once('error', reject)
    })
    t.pass('the agent accepts TCP connections on the reported port')
    await agent.close()
    await gone(t, allow, 'remote agent exited after close()')

    // Issue 4, done-when: killing the ssh client makes the remote agent exit.
    const killed = mkdtempSync(path.join(work, 'real-kill-'))
    const again = await startRemoteAgent({...base, allow: [killed], remoteBin: REMOTE_BIN})
    again.child.kill('SIGKILL')
    await again.exited
    await gone(t, killed, 'remote agent exited after the ssh client was killed')
    await again.close()
  })
})

t.test('regression (issue 14, item 13): at a terminal ssh may ask about a new host key; elsewhere the hint is the exact ssh command', async t => {
  const batch = (interactive: boolean) => sshArgv('ssh -p 2222 -i /k', 'root@hv2', 20_000, 'true', interactive).args.includes('BatchMode=yes')
  t.equal(batch(true), false, 'a terminal: no BatchMode, so ssh can ask (on /dev/tty; the key goes on stdin)')
  t.equal(batch(false), true, 'no terminal: BatchMode, so nothing hangs on a question')
  const e = classifySshFailure({code: 255, signal: null, stderr: 'Host key verification failed.\n', host: 'hv2', command: 'ssh -p 2222 -i /k root@hv2'})
  t.equal(e.code, 'E_SSH_HOSTKEY')
  t.match(e.message, "run 'ssh -p 2222 -i /k root@hv2' once in a terminal")
})

t.test('regression (issue 14, item 13): an unknown host key against a real sshd names the command with its port and key', {skip: sshdSkipReason()}, async t => {
  const sshd = await startSshd(t)
  const empty = path.join(t.testdir(), 'known_hosts')
  writeFileSync(empty, '')
  const ssh = `ssh -p ${sshd.port} -i ${sshd.keyFile} -o IdentitiesOnly=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${empty}`
  const err = await startRemoteAgent({target: sshd.target, ssh, psk: randomBytes(32), identity: 'test', allow: ['/tmp'], remoteBin: REMOTE_BIN}).catch((e: unknown) => e)
  t.match(err, {code: 'E_SSH_HOSTKEY'})
  t.match((err as Error).message, `run '${ssh} ${sshd.target}' once`)
})
