// An emulated 1 Gbit/s LAN for the link cases: two network namespaces joined by
// a veth pair, a token-bucket (tbf) rate limit of 1 Gbit/s on both ends, and
// optionally netem delay for a LAN round trip. Addresses are a private /30 that
// exists only inside these two namespaces: they have no other interface than
// the veth and loopback and no default route, so nothing leaves them.
//
// Everything here is synchronous (spawnSync) so that tear-down also works from
// an 'exit' handler. lanUp() first removes what a crashed run may have left.

import {spawnSync} from 'node:child_process'
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {lastLines, run, spawnTracked} from './proc.js'

export const NS_A = 'bp-bench-a'
export const NS_B = 'bp-bench-b'
const VETH_A = 'bpbench-a'
const VETH_B = 'bpbench-b'
export const ADDR_A = '10.203.0.1'
export const ADDR_B = '10.203.0.2'
const PREFIX = 30
/** The emulated link's rate: tc's "1gbit" is 10^9 bit/s. */
export const LINK_BITS_PER_S = 1e9
export const LINK_BYTES_PER_S = LINK_BITS_PER_S / 8
const TBF = ['tbf', 'rate', '1gbit', 'burst', '256kb', 'latency', '50ms']
/** One-way delay added at each end when netem exists (a LAN round trip of about 0.2 ms). */
const NETEM_DELAY = '0.1ms'
/** Port of the plain TCP stream's receiver in namespace B (nothing else listens there). */
export const TCP_PORT = 5201
/** Port of the namespace's sshd. */
export const SSH_PORT = 22

/**
 * Bytes the link carries per byte of TCP payload: a full-size segment at MTU 1500
 * carries 1448 B of payload (20 B IP, 20 B TCP, 12 B timestamps) in a 1514 B frame
 * (14 B Ethernet header), which is what tbf counts. So the most a TCP stream can
 * move through this link is 1448/1514 = 95.6% of 1 Gbit/s; on a real Gigabit
 * Ethernet (preamble, FCS and gap too: 1538 B per frame) 94.1%.
 */
export const TCP_FRAME_OVERHEAD = 1514 / 1448
/** TLS 1.3 record overhead: 5 B header, 16 B tag, 1 B content type per record of up to 16 KiB. */
export const TLS_RECORD_OVERHEAD = 1 + 22 / 16384

export const inNs = (ns: string, argv: readonly string[]): string[] => ['ip', 'netns', 'exec', ns, ...argv]

function sh(argv: readonly string[]): {ok: boolean, out: string, stdout: string} {
  const r = spawnSync(argv[0]!, argv.slice(1), {encoding: 'utf8', timeout: 30_000})
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}`
  return {ok: r.status === 0 && !r.error, out, stdout: r.stdout ?? ''}
}

function must(argv: readonly string[]): void {
  const r = sh(argv)
  if (!r.ok) throw new Error(`${argv.join(' ')}: ${lastLines(r.out, 2) || 'failed'}`)
}

/** Why the link cannot be emulated here, or undefined when it (probably) can. */
export function lanUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux'
  if (process.getuid?.() !== 0) return 'network namespaces need root (ip netns add)'
  if (!sh(['ip', '-V']).ok) return 'ip (iproute2) is not installed'
  if (!sh(['tc', '-V']).ok) return 'tc (iproute2) is not installed'
  if (!sh(['ip', 'netns', 'list']).ok) return `ip netns does not work: ${lastLines(sh(['ip', 'netns', 'list']).out, 1)}`
  return undefined
}

function nsExists(ns: string): boolean {
  return sh(['ip', 'netns', 'list']).stdout.split('\n').some(l => l.split(/\s/)[0] === ns)
}

/**
 * Remove the namespaces (which removes the veth pair) and a stray veth end. Idempotent.
 * Processes still inside them (an agent or sshd left by a run that was killed) are
 * killed first: only this benchmark starts processes in these namespaces.
 */
export function lanDown(): void {
  for (const ns of [NS_A, NS_B]) {
    if (!nsExists(ns)) continue
    const pids = sh(['ip', 'netns', 'pids', ns])
    for (const pid of (pids.ok ? pids.stdout : '').split(/\s+/).filter(p => /^\d+$/.test(p)).map(Number)) {
      if (pid === process.pid) continue
      try {
        process.kill(pid, 'SIGKILL')
      } catch {}
    }
    sh(['ip', 'netns', 'del', ns])
  }
  // A crash between "link add" and "link set netns" leaves the pair in this namespace.
  for (const dev of [VETH_A, VETH_B]) {
    if (sh(['ip', 'link', 'show', 'dev', dev]).ok) sh(['ip', 'link', 'del', 'dev', dev])
  }
}

export interface Lan {
  notes: string[]
}

/** Build the link; throws with the failing command when it cannot. */
export function lanUp(): Lan {
  lanDown()
  try {
    must(['ip', 'netns', 'add', NS_A])
    must(['ip', 'netns', 'add', NS_B])
    must(['ip', 'link', 'add', VETH_A, 'type', 'veth', 'peer', 'name', VETH_B])
    must(['ip', 'link', 'set', VETH_A, 'netns', NS_A])
    must(['ip', 'link', 'set', VETH_B, 'netns', NS_B])
    const notes: string[] = []
    let netem = true
    for (const [ns, dev, addr] of [[NS_A, VETH_A, ADDR_A], [NS_B, VETH_B, ADDR_B]] as const) {
      must(['ip', '-n', ns, 'link', 'set', 'lo', 'up'])
      must(['ip', '-n', ns, 'addr', 'add', `${addr}/${PREFIX}`, 'dev', dev])
      must(['ip', '-n', ns, 'link', 'set', dev, 'up'])
      // tbf (rate) as the root, netem (delay) in its class when the kernel has netem.
      must(inNs(ns, ['tc', 'qdisc', 'add', 'dev', dev, 'root', 'handle', '1:', ...TBF]))
      if (netem) netem = sh(inNs(ns, ['tc', 'qdisc', 'add', 'dev', dev, 'parent', '1:1', 'handle', '10:', 'netem', 'delay', NETEM_DELAY])).ok
      // Both ends or neither: drop A's delay if B could not have one.
      if (!netem && ns === NS_B) sh(inNs(NS_A, ['tc', 'qdisc', 'del', 'dev', VETH_A, 'parent', '1:1', 'handle', '10:']))
    }
    // Only the connected /30 route exists in A; refuse to run if anything else is routable.
    const routes = sh(['ip', '-n', NS_A, '-4', 'route', 'show']).out.trim().split('\n').filter(Boolean)
    if (routes.some(r => !r.startsWith(`10.203.0.0/${PREFIX}`))) throw new Error(`unexpected routes in ${NS_A}: ${routes.join('; ')}`)
    notes.push(`veth pair ${NS_A} (${ADDR_A}) ⇄ ${NS_B} (${ADDR_B}), MTU 1500, \`tc qdisc … ${TBF.join(' ')}\` on both ends` +
      (netem ? `, netem delay ${NETEM_DELAY} each way` : '; no added delay (the kernel has no netem qdisc), so the round trip is veth\'s, tens of µs'))
    return {notes}
  } catch (e) {
    lanDown()
    throw e
  }
}

// ---- an sshd inside namespace B, for the ssh stream and rsync over the link ----

export interface NsSshd {
  /** ssh from namespace A to B, without the remote command. */
  ssh: string[]
  /** The same for rsync -e (whitespace-separated). */
  rshell: string
  /** user@ADDR_B */
  target: string
  /** The listening sshd (ip netns exec execs it): its tree's CPU is the far end of a run over ssh. */
  pid?: number
  stop(): Promise<void>
}

/** Start sshd in namespace B; throws why it cannot. */
export async function startNsSshd(dir: string): Promise<NsSshd> {
  const sshd = '/usr/sbin/sshd'
  if (!sh(['test', '-x', sshd]).ok) throw new Error(`${sshd} is missing (apt-get install openssh-server)`)
  rmSync(dir, {recursive: true, force: true})
  mkdirSync(dir, {recursive: true, mode: 0o700})
  mkdirSync('/run/sshd', {recursive: true, mode: 0o755})
  const hostKey = path.join(dir, 'host_ed25519')
  const key = path.join(dir, 'client_ed25519')
  for (const f of [hostKey, key]) must(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', 'blockpair-bench', '-f', f])
  const authorized = path.join(dir, 'authorized_keys')
  writeFileSync(authorized, readFileSync(`${key}.pub`), {mode: 0o600})
  const lines = [
    `Port ${SSH_PORT}`, `ListenAddress ${ADDR_B}`, `HostKey ${hostKey}`, `AuthorizedKeysFile ${authorized}`,
    'PubkeyAuthentication yes', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password', 'StrictModes no', 'UsePAM no', `PidFile ${path.join(dir, 'sshd.pid')}`,
    'LogLevel ERROR', 'PrintMotd no', 'MaxStartups 100',
  ]
  const config = path.join(dir, 'sshd_config')
  writeFileSync(config, `${lines.join('\n')}\n`)
  const child = spawnTracked(inNs(NS_B, [sshd, '-D', '-e', '-f', config]))
  let stderr = ''
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-4000)
  })
  const opts = ['-p', String(SSH_PORT), '-i', key, '-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=no',
    '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', '-o', 'LogLevel=ERROR']
  const target = `${os.userInfo().username}@${ADDR_B}`
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>(r => child.once('exit', () => r()))
      child.kill('SIGTERM')
      const t = setTimeout(() => child.kill('SIGKILL'), 3000)
      await gone
      clearTimeout(t)
    }
    rmSync(dir, {recursive: true, force: true})
  }
  const deadline = Date.now() + 10_000
  let last = ''
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await stop()
      throw new Error(`sshd exited at start-up: ${lastLines(stderr, 2) || '(no output)'}`)
    }
    const r = await run(inNs(NS_A, ['ssh', ...opts, target, 'true']), {timeoutMs: 5000})
    if (r.code === 0) return {ssh: inNs(NS_A, ['ssh', ...opts, target]), rshell: ['ssh', ...opts].join(' '), target, pid: child.pid, stop}
    last = lastLines(r.stderr, 1)
    await new Promise(r => setTimeout(r, 100))
  }
  await stop()
  throw new Error(`ssh to the namespace's sshd failed: ${last}`)
}
