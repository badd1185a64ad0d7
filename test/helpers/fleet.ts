// A fleet of "hypervisors" for the Ansible tests: network namespaces on one
// bridge, each with its own address and its own sshd (test/helpers/sshd.ts),
// reached from this namespace (the controller) over the bridge. The hosts share
// this machine's file system, so each gets a root folder of its own for its
// prefix, images and state.
//
// Names carry this process's id, so that two runs never share a namespace; all
// of it (sshd, any process left in a namespace, the namespaces, the bridge) is
// removed in t.teardown, whatever the test's outcome.

import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync} from 'node:fs'
import path from 'node:path'
import type {Test} from 'tap'
import {startSshd, sshdSkipReason, type Sshd} from './sshd.js'

export interface FleetHost {
  name: string
  netns: string
  address: string
  /** This host's own folder: prefix, images and state go below it. */
  root: string
  sshd: Sshd
}

export interface Fleet {
  hosts: FleetHost[]
  /** The controller's address on the bridge. */
  gateway: string
}

const SSH_PORT = 2222

function ip(args: readonly string[]): {ok: boolean, out: string} {
  const r = spawnSync('ip', args, {encoding: 'utf8', timeout: 30_000})
  return {ok: r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim()}
}

function must(args: readonly string[]): void {
  const r = ip(args)
  if (!r.ok) throw new Error(`ip ${args.join(' ')}: ${r.out || 'failed'}`)
}

/** Why a fleet cannot be built here, or false. */
export function fleetSkipReason(): string | false {
  if (process.platform !== 'linux') return 'network namespaces need Linux'
  if (process.getuid?.() !== 0) return 'network namespaces need root (ip netns add)'
  if (!ip(['netns', 'list']).ok) return 'ip netns does not work here (iproute2 missing?)'
  return sshdSkipReason()
}

/** `n` hosts named hv1..hvN under `base`; torn down when `t` ends. */
export async function startFleet(t: Test, base: string, n: number): Promise<Fleet> {
  const tag = String(process.pid % 100000)
  const subnet = freeSubnet()
  const bridge = `bpfl${tag}`
  const namespaces: string[] = []
  // Also on exit: a file that hits tap's timeout exits without its teardowns, and left
  // the namespaces, their sshd and agents, and the bridge behind (fleetDown is synchronous).
  const down = (): void => fleetDown(bridge, namespaces)
  process.once('exit', down)
  t.teardown(() => {
    process.removeListener('exit', down)
    down()
  })

  must(['link', 'add', bridge, 'type', 'bridge'])
  must(['addr', 'add', `${subnet}.1/24`, 'dev', bridge])
  must(['link', 'set', bridge, 'up'])
  const hosts: FleetHost[] = []
  for (let i = 1; i <= n; i++) {
    const name = `hv${i}`
    const netns = `bp-fleet-${tag}-${i}`
    const outer = `bpf${tag}h${i}`
    const address = `${subnet}.${10 + i}`
    must(['netns', 'add', netns])
    namespaces.push(netns)
    must(['link', 'add', outer, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns])
    must(['link', 'set', outer, 'master', bridge, 'up'])
    must(['-n', netns, 'link', 'set', 'lo', 'up'])
    must(['-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'eth0'])
    must(['-n', netns, 'link', 'set', 'eth0', 'up'])
    const root = path.join(base, name)
    mkdirSync(root, {recursive: true})
    hosts.push({name, netns, address, root, sshd: await startSshd(t, {netns, address, port: SSH_PORT})})
  }
  return {hosts, gateway: `${subnet}.1`}
}

/**
 * A /24 for the bridge that no address here is in yet: two fleets can be up at once (the
 * two Ansible test files, other worktrees' runs), and the pid alone gave two processes
 * whose ids differ by 500 the same subnet.
 */
function freeSubnet(): string {
  const used = ip(['-4', '-o', 'addr', 'show']).out
  for (let i = 0; i < 20 * 250; i++) {
    const n = (process.pid + i) % (20 * 250)
    const subnet = `10.${232 + Math.floor(n / 250)}.${n % 250}`
    if (!used.includes(` ${subnet}.`)) return subnet
  }
  throw new Error('no free 10.232-251.x.0/24 for a fleet')
}

function fleetDown(bridge: string, namespaces: readonly string[]): void {
  for (const ns of namespaces) {
    // Only this test starts processes in its namespaces (sshd, agents, syncs).
    const pids = ip(['netns', 'pids', ns])
    for (const pid of (pids.ok ? pids.out : '').split(/\s+/).filter(p => /^\d+$/.test(p)).map(Number)) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {}
    }
    ip(['netns', 'del', ns])
  }
  if (existsSync(`/sys/class/net/${bridge}`)) ip(['link', 'del', bridge])
}
