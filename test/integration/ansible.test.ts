// The Ansible collection (ansible/) driven by real ansible-playbook against three
// "hypervisors": network namespaces on a bridge, each with its own address, sshd
// and root folder (test/helpers/ansible.ts, test/helpers/fleet.ts).
//
// This file: ansible-lint, the plugins' unit tests, and the role on one fleet, as
// the steps build on each other: installed, run again (no change), check mode,
// then state: absent; and --syntax-check. stage.yml has its own fleet, in
// ansible-stage.test.ts, so the two run side by side.

import t from 'tap'
import {execFile, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync} from 'node:fs'
import path from 'node:path'
import {promisify} from 'node:util'
import {ansibleSkipReason, ansibleWorld, changedHosts, COLLECTION, has} from '../helpers/ansible.js'

const run = promisify(execFile)

t.test('the collection lints clean', {skip: has('ansible-lint') ? false : 'ansible-lint is missing (apt-get install ansible-lint)'}, async t => {
  // As installed (ansible_collections/blockpair/hypervisor), so that its own role, module and
  // filters resolve; the folders named, since a worktree's git may not list them for ansible-lint.
  const home = t.testdir()
  mkdirSync(path.join(home, 'c/ansible_collections/blockpair'), {recursive: true})
  symlinkSync(COLLECTION, path.join(home, 'c/ansible_collections/blockpair/hypervisor'))
  const r = await run('ansible-lint', ['--offline', '-q', 'roles', 'playbooks', 'plugins', 'meta', 'galaxy.yml'],
    {cwd: COLLECTION, env: {...process.env, HOME: home, ANSIBLE_HOME: home, ANSIBLE_COLLECTIONS_PATH: path.join(home, 'c')}})
    .then(r => ({code: 0, out: r.stdout + r.stderr}), (e: {code: number, stdout: string, stderr: string}) => ({code: e.code, out: e.stdout + e.stderr}))
  t.equal(r.code, 0, r.out)
})

t.test('the python plugins pass their unit tests', {skip: has('ansible-playbook') ? false : 'ansible is missing'}, async t => {
  const r = spawnSync(existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3', ['-m', 'unittest', 'discover', '-s', 'tests/unit', '-t', '.'], {cwd: COLLECTION, encoding: 'utf8',
    env: {...process.env, PYTHONDONTWRITEBYTECODE: '1'}})
  t.equal(r.status, 0, r.stderr)
})

t.test('a fleet of three: the agent role', {skip: ansibleSkipReason()}, async t => {
  const w = await ansibleWorld(t)

  await t.test('role agent: installs, then a second run changes nothing; check mode changes nothing', async t => {
    const first = await w.playbook('agent')
    t.equal(first.code, 0, first.stdout.slice(-3000) + first.stderr)
    for (const h of w.hosts) {
      const prefix = path.join(h.root, 'opt/blockpair')
      t.ok(existsSync(path.join(prefix, 'bin/run.js')), `${h.name}: blockpair in its prefix`)
      t.equal(statSync(path.join(prefix, 'etc/psk')).mode & 0o777, 0o600, `${h.name}: agent key 0600`)
      t.equal(readFileSync(path.join(prefix, 'etc/psk'), 'utf8').trim().split('\n').length, 2, `${h.name}: one key per peer`)
      t.same(readdirSync(path.join(prefix, 'etc/peers')).sort(), w.hosts.filter(o => o !== h).map(o => `${o.name}.psk`))
      t.match(readFileSync(path.join(prefix, 'run/agent.log'), 'utf8'), `listening ${h.address}:7373`)
    }
    for (const key of readdirSync(path.join(w.controller, 'keys'))) {
      const secret = readFileSync(path.join(w.controller, 'keys', key), 'utf8').trim().split(/\s+/)[1] as string
      t.notOk(first.stdout.includes(secret) || first.stderr.includes(secret), `key ${key} never printed`)
    }
    const second = await w.playbook('agent')
    t.equal(second.code, 0, second.stderr)
    t.same(changedHosts(second), [], 'second run: no change')
    const args = path.join(w.hosts[0].root, 'opt/blockpair/etc/agent.args')
    const before = readFileSync(args, 'utf8')
    const check = await w.playbook('agent', ['--check', '-e', 'blockpair_workers=2'])
    t.equal(check.code, 0, check.stderr)
    t.same(changedHosts(check), ['hv1', 'hv2', 'hv3'], 'check mode reports the change')
    t.equal(readFileSync(args, 'utf8'), before, 'and makes none')
  })

  await t.test('role agent with state: absent removes it all', async t => {
    const r = await w.playbook('agent', ['-e', 'blockpair_state=absent'])
    t.equal(r.code, 0, r.stderr)
    for (const h of w.hosts) t.notOk(existsSync(path.join(h.root, 'opt/blockpair')), `${h.name}: prefix gone`)
    for (const h of w.hosts) {
      const pids = spawnSync('ip', ['netns', 'pids', h.netns], {encoding: 'utf8'}).stdout.trim().split('\n')
      const agents = pids.filter(pid => existsSync(`/proc/${pid}`) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('bin/run.js'))
      t.same(agents, [], `${h.name}: no blockpair process left`)
    }
  })

  await t.test('playbooks pass --syntax-check', async t => {
    for (const name of ['agent', 'stage']) {
      const r = await w.playbook(name, ['--syntax-check', '-e', 'blockpair_pairs=[]'])
      t.equal(r.code, 0, r.stderr)
    }
  })
})
