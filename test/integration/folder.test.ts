// rsync's habit (issue 14, item 12): a remote destination that is an existing
// folder, named without a trailing '/', receives the source under its own
// name, through a running agent and over ssh.

import t from 'tap'
import {randomBytes} from 'node:crypto'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {cli, keygen, startAgent} from '../helpers/cli.js'
import {REMOTE_BIN, sshdSkipReason, startSshd} from '../helpers/sshd.js'

t.test('regression (issue 14, item 12): push into an existing remote folder named without a trailing /', async t => {
  const dir = t.testdir({local: {}, remote: {images: {}}})
  const src = path.join(dir, 'local', 'vm.img')
  writeFileSync(src, randomBytes(300_000))
  const folder = path.join(dir, 'remote', 'images')
  const psk = await keygen(dir)
  const agent = await startAgent(t, {allow: [path.join(dir, 'remote')], keyFile: psk})
  const r = await cli(['push', src, agent.url(folder), '--psk-file', psk])
  t.equal(r.code, 0, r.stderr)
  t.ok(readFileSync(path.join(folder, 'vm.img')).equals(readFileSync(src)), 'the file is in the folder, under its own name')
  const again = await cli(['push', src, agent.url(folder), '--psk-file', psk, '--json'])
  t.equal(again.code, 0, again.stderr)
  t.equal(JSON.parse(again.stdout).destination, path.join(folder, 'vm.img'), 'regression: the summary names the file synced, not the folder')

  t.test('over ssh', {skip: sshdSkipReason()}, async t => {
    const sshd = await startSshd(t)
    writeFileSync(src, randomBytes(200_000))
    const s = await cli(['push', src, `${sshd.target}:${folder}`, '--ssh', sshd.sshCommand, '--remote-bin', REMOTE_BIN])
    t.equal(s.code, 0, s.stderr)
    t.ok(readFileSync(path.join(folder, 'vm.img')).equals(readFileSync(src)), 'into the folder over ssh too')
  })
})
