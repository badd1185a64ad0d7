import t from 'tap'
import {execFile} from 'node:child_process'
import {promisify} from 'node:util'
import {splitCommand} from '../../agent/run/ssh.js'
import {startSshd, sshdSkipReason} from '../helpers/sshd.js'

const run = promisify(execFile)

t.test('the harness sshd runs commands for its key and refuses others', {skip: sshdSkipReason()}, async t => {
  const sshd = await startSshd(t)
  t.ok(sshd.port > 1024, 'high port')

  const [ssh, ...args] = splitCommand(sshd.sshCommand)
  const ok = await run(ssh!, [...args, sshd.target, 'echo ok'])
  t.equal(ok.stdout, 'ok\n')

  const wrong = await sshd.newKey('wrong_ed25519')
  const bad = splitCommand(sshd.sshCommand.replace(sshd.keyFile, wrong))
  const err = await run(bad[0]!, [...bad.slice(1), sshd.target, 'echo ok']).then(
    () => undefined, (e: {code: number, stderr: string}) => e)
  t.equal(err?.code, 255, 'ssh fails')
  t.match(err?.stderr, /Permission denied/)

  await sshd.stop()
  const after = await run(ssh!, [...args, sshd.target, 'true']).then(() => 0, (e: {code: number}) => e.code)
  t.equal(after, 255, 'stopped sshd no longer accepts')
})
