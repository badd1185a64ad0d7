// What a new destination takes from its source (issue 14, item 14): like
// cp -p, its permission bits, owner and group (the writing end runs as root
// here) and mtime, after a push and after a pull through a real agent; and
// --no-perms, --no-owner, --no-times to leave each part as a plain create.

import t, {type Test} from 'tap'
import {randomBytes} from 'node:crypto'
import {chmodSync, chownSync, statSync, utimesSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {cli, keygen, startAgent, type Agent} from '../helpers/cli.js'

const MiB = 1 << 20
const MTIME = new Date('2020-01-02T03:04:05.678Z')
const root = process.getuid?.() === 0

interface World {
  dir: string
  src: string
  psk: string
  agent: Agent
}

async function world(t: Test): Promise<World> {
  const dir = t.testdir({remote: {}, local: {}})
  const src = path.join(dir, 'local', 'vm.img')
  writeFileSync(src, randomBytes(MiB + 123))
  chmodSync(src, 0o640)
  if (root) chownSync(src, 1234, 2345)
  utimesSync(src, new Date(), MTIME)
  const psk = await keygen(dir)
  return {dir, src, psk, agent: await startAgent(t, {allow: [path.join(dir, 'remote')], keyFile: psk})}
}

function carried(t: Test, file: string, how: string): void {
  const st = statSync(file)
  t.equal(st.mode & 0o7777, 0o640, `${how}: the source's mode`)
  if (root) t.same([st.uid, st.gid], [1234, 2345], `${how}: the source's owner and group`)
  t.equal(Math.round(st.mtimeMs), MTIME.getTime(), `${how}: the source's mtime`)
}

t.test('regression (issue 14, item 14): a new destination takes mode, owner, group and mtime, by push and by pull', async t => {
  const w = await world(t)
  const pushed = path.join(w.dir, 'remote', 'pushed.img')
  const p = await cli(['push', w.src, w.agent.url(pushed), '--psk-file', w.psk])
  t.equal(p.code, 0, p.stderr)
  carried(t, pushed, 'push')

  const pulled = path.join(w.dir, 'local', 'pulled.img')
  const l = await cli(['pull', w.agent.url(pushed), pulled, '--psk-file', w.psk])
  t.equal(l.code, 0, l.stderr)
  carried(t, pulled, 'pull')
})

t.test('regression (issue 14, item 14): --no-perms, --no-owner and --no-times leave a plain new file', async t => {
  const w = await world(t)
  const began = Date.now()
  const dst = path.join(w.dir, 'remote', 'plain.img')
  const p = await cli(['push', w.src, w.agent.url(dst), '--psk-file', w.psk, '--no-perms', '--no-owner', '--no-times'])
  t.equal(p.code, 0, p.stderr)
  const st = statSync(dst)
  t.equal(st.mode & 0o7777, 0o600, 'created 0600')
  t.same([st.uid, st.gid], [process.getuid?.(), process.getgid?.()], "owned by the agent's user")
  t.ok(st.mtimeMs >= began - 1000, 'the mtime of its writes')
})

t.test('regression (issue 14, item 14): an existing destination keeps its mode and owner, and takes the mtime', async t => {
  const w = await world(t)
  const dst = path.join(w.dir, 'remote', 'existing.img')
  writeFileSync(dst, 'old')
  chmodSync(dst, 0o604)
  const p = await cli(['push', w.src, w.agent.url(dst), '--psk-file', w.psk])
  t.equal(p.code, 0, p.stderr)
  const st = statSync(dst)
  t.equal(st.mode & 0o7777, 0o604, 'its own mode')
  t.equal(Math.round(st.mtimeMs), MTIME.getTime(), "the source's mtime: it holds the source's data now")
})

t.test('a new destination never takes setuid, setgid or sticky: the mode comes from the peer', async t => {
  const w = await world(t)
  chmodSync(w.src, 0o7750)
  const dst = path.join(w.dir, 'remote', 'suid.img')
  const p = await cli(['push', w.src, w.agent.url(dst), '--psk-file', w.psk])
  t.equal(p.code, 0, p.stderr)
  t.equal(statSync(dst).mode & 0o7777, 0o750)
})
