// The Ansible collection (ansible/) driven by real ansible-playbook against three
// "hypervisors": network namespaces on a bridge, each with its own address, sshd
// and root folder (test/helpers/fleet.ts). The agents run as plain processes
// (blockpair_service_manager: process): no systemd runs here.
//
// One fleet for the whole file, as the steps build on each other: the role
// (twice, then check mode, and state: absent at the end), stage.yml over six
// pairs (first copies, an incremental pass after two sources change, a final
// pass with --verify), then a pair whose agent is killed mid-sync, and the re-run
// that finishes it. Plus ansible-lint and --syntax-check.

import t from 'tap'
import {execFile, spawn, spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, openSync, writeSync, closeSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import {ensureBuilt, REPO_ROOT} from '../helpers/cli.js'
import {fleetSkipReason, startFleet, type FleetHost} from '../helpers/fleet.js'

const run = promisify(execFile)
const COLLECTION = path.join(REPO_ROOT, 'ansible')
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0

function skipReason(): string | false {
  if (!has('ansible-playbook')) return 'ansible-playbook is missing (apt-get install ansible-core; .ci/run does)'
  return fleetSkipReason()
}

interface Pair {src_host: string, src: string, dest_host: string, dest: string, bwlimit?: string}
interface Row {id: number, label: string, result: string, code?: string, rc?: number, resumable?: boolean, resumed: boolean,
  bytes_read_source: number | null, bytes_read_dest: number | null, bytes_sent: number | null, duration_ms: number | null, verified?: boolean}
interface PlayRun {code: number, stdout: string, stderr: string}

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

t.test('a fleet of three', {skip: skipReason()}, async t => {
  ensureBuilt()
  const base = mkdtempSync(path.join(os.tmpdir(), 'blockpair-ansible-'))
  t.teardown(() => rmSync(base, {recursive: true, force: true}))
  const fleet = await startFleet(t, base, 3)
  const [hv1, , hv3] = fleet.hosts as [FleetHost, FleetHost, FleetHost]
  const images = (h: FleetHost) => path.join(h.root, 'images')
  for (const h of fleet.hosts) mkdirSync(images(h), {recursive: true})

  const controller = path.join(base, 'controller')
  const collections = path.join(controller, 'collections/ansible_collections/blockpair')
  mkdirSync(collections, {recursive: true})
  symlinkSync(COLLECTION, path.join(collections, 'hypervisor'))
  const inventory = path.join(controller, 'inventory.json')
  writeFileSync(inventory, JSON.stringify({all: {
    vars: {
      ansible_user: 'root',
      ansible_python_interpreter: '/usr/bin/python3',
      blockpair_service_manager: 'process',
      blockpair_node: process.execPath,
      blockpair_source_root: REPO_ROOT,
      blockpair_controller_node: process.execPath,
      blockpair_bundle_dir: path.join(controller, 'bundles'),
      blockpair_key_store: path.join(controller, 'keys'),
    },
    hosts: Object.fromEntries(fleet.hosts.map(h => [h.name, {
      ansible_host: h.address,
      ansible_port: h.sshd.port,
      ansible_ssh_private_key_file: h.sshd.keyFile,
      blockpair_prefix: path.join(h.root, 'opt/blockpair'),
      blockpair_unit_dir: path.join(h.root, 'etc/systemd/system'),
      blockpair_state_home: path.join(h.root, 'state'),
      blockpair_allow: [images(h)],
    }])),
  }}))
  const controlDir = path.join(controller, 'cp')
  t.teardown(() => closeSshMasters(controlDir))
  const env = {
    ...process.env,
    HOME: controller,
    ANSIBLE_HOME: path.join(controller, 'ansible'),
    ANSIBLE_COLLECTIONS_PATH: path.join(controller, 'collections'),
    ANSIBLE_INVENTORY: inventory,
    ANSIBLE_HOST_KEY_CHECKING: 'False',
    ANSIBLE_SSH_ARGS: '-o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes',
    ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
  }
  const playbook = async (name: string, args: string[] = []): Promise<PlayRun> => {
    const child = spawn('ansible-playbook', [`blockpair.hypervisor.${name}`, ...args], {cwd: controller, env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d })
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
    const code = await new Promise<number>(r => child.once('close', c => r(c ?? -1)))
    return {code, stdout, stderr}
  }
  // From the PLAY RECAP: `hv1 : ok=11 changed=2 unreachable=0 failed=0 ...` (ansible-core has no json callback).
  const changedHosts = (r: PlayRun) => [...r.stdout.matchAll(/^(\S+)\s+: ok=\d+\s+changed=(\d+)/gm)]
    .filter(m => m[2] !== '0').map(m => m[1] as string).sort()

  await t.test('role agent: installs, then a second run changes nothing; check mode changes nothing', async t => {
    const first = await playbook('agent')
    t.equal(first.code, 0, first.stdout.slice(-3000) + first.stderr)
    for (const h of fleet.hosts) {
      const prefix = path.join(h.root, 'opt/blockpair')
      t.ok(existsSync(path.join(prefix, 'bin/run.js')), `${h.name}: blockpair in its prefix`)
      t.equal(statSync(path.join(prefix, 'etc/psk')).mode & 0o777, 0o600, `${h.name}: agent key 0600`)
      t.equal(readFileSync(path.join(prefix, 'etc/psk'), 'utf8').trim().split('\n').length, 2, `${h.name}: one key per peer`)
      t.same(readdirSync(path.join(prefix, 'etc/peers')).sort(), fleet.hosts.filter(o => o !== h).map(o => `${o.name}.psk`))
      t.match(readFileSync(path.join(prefix, 'run/agent.log'), 'utf8'), `listening ${h.address}:7373`)
    }
    for (const key of readdirSync(path.join(controller, 'keys'))) {
      const secret = readFileSync(path.join(controller, 'keys', key), 'utf8').trim().split(/\s+/)[1] as string
      t.notOk(first.stdout.includes(secret) || first.stderr.includes(secret), `key ${key} never printed`)
    }
    const second = await playbook('agent')
    t.equal(second.code, 0, second.stderr)
    t.same(changedHosts(second), [], 'second run: no change')
    const args = path.join(hv1.root, 'opt/blockpair/etc/agent.args')
    const before = readFileSync(args, 'utf8')
    const check = await playbook('agent', ['--check', '-e', 'blockpair_workers=2'])
    t.equal(check.code, 0, check.stderr)
    t.same(changedHosts(check), ['hv1', 'hv2', 'hv3'], 'check mode reports the change')
    t.equal(readFileSync(args, 'utf8'), before, 'and makes none')
  })

  // Six pairs: each host sends one image to each other host.
  const pairs: Pair[] = []
  for (const s of fleet.hosts) {
    for (const d of fleet.hosts) {
      if (s === d) continue
      const file = `${s.name}-to-${d.name}.img`
      writeFileSync(path.join(images(s), file), randomBytes(3 << 20))
      pairs.push({src_host: s.name, src: path.join(images(s), file), dest_host: d.name, dest: path.join(images(d), file)})
    }
  }
  const report = path.join(controller, 'report')
  const stage = (ps: Pair[], extra: string[] = []) => {
    const vars = path.join(controller, 'pairs.json')
    writeFileSync(vars, JSON.stringify({blockpair_pairs: ps, blockpair_report: report}))
    return playbook('stage', ['-e', `@${vars}`, ...extra])
  }
  const rows = (): Row[] => JSON.parse(readFileSync(`${report}.json`, 'utf8')).pairs
  const identical = (p: Pair) => spawnSync('cmp', [p.src, p.dest]).status === 0

  await t.test('stage.yml: first copies, then only the two changed pairs, then the final pass', async t => {
    const first = await stage(pairs)
    t.equal(first.code, 0, first.stdout.slice(-3000) + first.stderr)
    t.match(first.stdout, /TASK \[Sync \| wait \| incremental pass, wave 1 of \d+\]/, 'tasks named for profile_tasks')
    for (const p of pairs) t.ok(identical(p), `${p.dest_host}:${p.dest} identical`)
    t.same(rows().map(r => r.result), pairs.map(() => 'changed'))

    for (const i of [1, 4]) {
      const fd = openSync(pairs[i]!.src, 'r+')
      writeSync(fd, randomBytes(4096), 0, 4096, 1 << 20)
      closeSync(fd)
    }
    const second = await stage(pairs)
    t.equal(second.code, 0, second.stderr)
    t.same(rows().map(r => r.result), pairs.map((_, i) => (i === 1 || i === 4 ? 'changed' : 'unchanged')), 'changed: exactly the two')
    for (const p of pairs) t.ok(identical(p))

    const final = await stage(pairs, ['-e', 'final=true'])
    t.equal(final.code, 0, final.stderr)
    const md = readFileSync(`${report}.md`, 'utf8')
    t.match(md, /# blockpair final pass/)
    const last = rows()
    t.equal(last.length, 6, 'the report lists all six')
    for (const r of last) {
      t.equal(r.verified, true, `${r.label} verified`)
      t.ok(md.includes(r.label), `${r.label} in the Markdown table`)
      t.type(r.bytes_read_source, 'number')
      t.type(r.bytes_read_dest, 'number')
    }
  })

  await t.test('a pair whose agent is killed mid-sync fails with its code; a re-run finishes it', async t => {
    // Alone in its wave (one sync per host at a time puts every pair of three hosts in a wave of its own)
    // and last, so killing hv3's agent touches no other pair.
    const big: Pair = {src_host: 'hv1', src: path.join(images(hv1), 'big.img'), dest_host: 'hv3', dest: path.join(images(hv3), 'big.img'), bwlimit: '2M'}
    writeFileSync(big.src, randomBytes(16 << 20))
    const all = [...pairs, big]
    const running = stage(all, ['-e', 'blockpair_max_syncs_per_host=1'])
    // The big pair runs in the play's last wave: on a loaded machine the waves before it
    // have taken more than a minute, so the play's own end, not a clock, bounds the wait.
    let playEnded = false
    running.finally(() => { playEnded = true }).catch(() => {})
    const filling = (): boolean => existsSync(big.dest) && statSync(big.dest).blocks * 512 >= 2 << 20
    await until(() => playEnded || filling(), Infinity)
    t.ok(filling(), 'the big pair was under way before the play ended')
    const pid = Number(readFileSync(path.join(hv3.root, 'opt/blockpair/run/agent.pid'), 'utf8'))
    process.kill(pid, 'SIGKILL')
    const failed = await running
    t.not(failed.code, 0, 'the play fails')
    const r = rows()
    t.same(r.slice(0, 6).map(x => x.result), pairs.map(() => 'unchanged'), 'the others are done')
    const bad = r[6]!
    t.equal(bad.result, 'failed')
    t.match(bad, {code: /^E_[A-Z_]+$/, rc: 6, resumable: true})
    t.match(failed.stdout, bad.code as string, 'the play names the code')

    const agents = await playbook('agent')
    t.same(changedHosts(agents), ['hv3'], 'the role restarts the killed agent, nothing else')
    const again = await stage(all)
    t.equal(again.code, 0, again.stderr)
    const done = rows()[6]!
    // `blockpair resume` ran; whether it could keep the checkpoint is blockpair's decision (it restarts if an end changed).
    t.match(done, {result: 'changed', resumed: true})
    t.ok(identical(big))
  })

  await t.test('role agent with state: absent removes it all', async t => {
    const r = await playbook('agent', ['-e', 'blockpair_state=absent'])
    t.equal(r.code, 0, r.stderr)
    for (const h of fleet.hosts) t.notOk(existsSync(path.join(h.root, 'opt/blockpair')), `${h.name}: prefix gone`)
    for (const h of fleet.hosts) {
      const pids = spawnSync('ip', ['netns', 'pids', h.netns], {encoding: 'utf8'}).stdout.trim().split('\n')
      const agents = pids.filter(pid => existsSync(`/proc/${pid}`) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('bin/run.js'))
      t.same(agents, [], `${h.name}: no blockpair process left`)
    }
  })

  await t.test('playbooks pass --syntax-check', async t => {
    for (const name of ['agent', 'stage']) {
      const r = await playbook(name, ['--syntax-check', '-e', 'blockpair_pairs=[]'])
      t.equal(r.code, 0, r.stderr)
    }
  })
})

/** Waits for a condition on the file system (a sync's progress), checking as often as it can change. */
async function until(cond: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise(r => setTimeout(r, 20))
  }
}

function closeSshMasters(dir: string): void {
  if (!existsSync(dir)) return
  for (const sock of readdirSync(dir)) spawnSync('ssh', ['-o', `ControlPath=${path.join(dir, sock)}`, '-O', 'exit', 'x'], {stdio: 'ignore'})
}
