// A throwaway OpenSSH server for tests: its own host key, one authorized client
// key and config in a temp folder, listening on 127.0.0.1 on a free high port.
//
//   t.test('push over ssh', {skip: sshdSkipReason()}, async t => {
//     const sshd = await startSshd(t)
//     // CLI:       --ssh sshd.sshCommand   root@127.0.0.1:/path   --remote-bin sshd.remoteBin
//     // bootstrap: startRemoteAgent({target: sshd.target, ssh: sshd.sshCommand, remoteBin: sshd.remoteBin, ...})
//   })
//
// Remote commands run as the current user (root in CI) with the environment
// sshd gives a login, whose PATH is sshd's compiled-in default
// (/usr/local/bin:/usr/bin:/bin:/usr/games), not this process's PATH. So tests
// name the remote blockpair by absolute path: `remoteBin` is
// "<process.execPath> <repo>/bin/run.js", shell-quoted, for `--remote-bin`.

import {spawn, execFile, type ChildProcess} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import type {Test} from 'tap'
import {shellQuote} from '../../agent/run/ssh.js'

const execFileP = promisify(execFile)

export const SSHD = '/usr/sbin/sshd'
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
/** The remote blockpair for `--remote-bin`: this node and the repo's bin/run.js, by absolute path. */
export const REMOTE_BIN = `${shellQuote(process.execPath)} ${shellQuote(path.join(REPO_ROOT, 'bin/run.js'))}`

export interface Sshd {
  port: number
  /** 127.0.0.1, or the address given to startSshd. */
  host: string
  user: string
  /** `user@HOST`, the ssh target. */
  target: string
  /** Private key authorized for `user`. */
  keyFile: string
  /** For `--ssh` / `startRemoteAgent({ssh})`: whitespace-separated, like rsync -e. */
  sshCommand: string
  /** known_hosts line for this server's host key (for tests of strict checking). */
  knownHosts: string
  /** Same as REMOTE_BIN. */
  remoteBin: string
  /** The temp folder with keys, config and pid file. */
  dir: string
  /** ssh-keygen a fresh ed25519 key in the temp folder, NOT authorized. */
  newKey(name: string): Promise<string>
  stop(): Promise<void>
}

/** Why sshd tests cannot run here, or false when they can. For `{skip: sshdSkipReason()}`. */
export function sshdSkipReason(): string | false {
  if (!existsSync(SSHD)) return `${SSHD} is missing (apt-get install openssh-server; .ci/run does)`
  if (!existsSync('/usr/bin/ssh') && !existsSync('/usr/local/bin/ssh')) return 'ssh client is missing (apt-get install openssh-client)'
  if (process.getuid?.() !== 0) return 'sshd tests need root (sshd privilege separation and logins)'
  return false
}

/** Where sshd runs: by default on 127.0.0.1 here; or in a network namespace, on its address. */
export interface SshdPlace {
  /** `ip netns exec NETNS sshd ...`; the namespace must reach `address` from here. */
  netns: string
  address: string
  /** A namespace of its own has every port free. */
  port: number
}

/** Start sshd and stop it when `t` ends. Throws when sshdSkipReason() is not false. */
export async function startSshd(t: Test, place?: SshdPlace): Promise<Sshd> {
  const reason = sshdSkipReason()
  if (reason) throw new Error(`cannot start sshd: ${reason}`)
  // sshd checks for its privilege-separation dir at startup; normally systemd makes it.
  mkdirSync('/run/sshd', {recursive: true, mode: 0o755})

  const host = place?.address ?? '127.0.0.1'
  const dir = mkdtempSync(path.join(os.tmpdir(), 'blockpair-sshd-'))
  const user = os.userInfo().username
  const hostKey = path.join(dir, 'host_ed25519')
  const keyFile = path.join(dir, 'client_ed25519')
  await keygen(hostKey)
  await keygen(keyFile)
  const authorized = path.join(dir, 'authorized_keys')
  writeFileSync(authorized, readFileSync(keyFile + '.pub'), {mode: 0o600})
  const hostPub = readFileSync(hostKey + '.pub', 'utf8').trim().split(/\s+/).slice(0, 2).join(' ')

  let sshd: {child: ChildProcess, port: number} | undefined
  let lastError: unknown
  // A port found free can be taken before sshd binds it: retry with another.
  for (let attempt = 0; attempt < 5 && !sshd; attempt++) {
    const port = place?.port ?? await freePort()
    const config = path.join(dir, 'sshd_config')
    writeFileSync(config, await sshdConfig({dir, host, port, hostKey, authorized}))
    try {
      sshd = await launch(config, host, port, place?.netns)
    } catch (e) {
      lastError = e
    }
  }
  if (!sshd) throw lastError
  const {child, port} = sshd

  let stopped: Promise<void> | undefined
  const stop = () => (stopped ??= (async () => {
    await kill(child)
    rmSync(dir, {recursive: true, force: true})
  })())
  t.teardown(stop)

  return {
    port,
    host,
    user,
    target: `${user}@${host}`,
    keyFile,
    // UserKnownHostsFile=/dev/null: the host key is new each run; never touch ~/.ssh.
    sshCommand: `ssh -p ${port} -i ${keyFile} -o IdentitiesOnly=yes -o StrictHostKeyChecking=no ` +
      `-o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR`,
    knownHosts: `[${host}]:${port} ${hostPub}\n`,
    remoteBin: REMOTE_BIN,
    dir,
    async newKey(name: string) {
      const f = path.join(dir, name)
      await keygen(f)
      return f
    },
    stop,
  }
}

async function keygen(file: string): Promise<void> {
  await execFileP('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'blockpair-test', '-f', file])
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))))
    })
  })
}

async function sshdConfig(o: {dir: string, host: string, port: number, hostKey: string, authorized: string}): Promise<string> {
  const lines = [
    `Port ${o.port}`,
    `ListenAddress ${o.host}`,
    `HostKey ${o.hostKey}`,
    `AuthorizedKeysFile ${o.authorized}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'StrictModes no',
    'UsePAM no',
    `PidFile ${path.join(o.dir, 'sshd.pid')}`,
    'LogLevel ERROR',
    'PrintMotd no',
    // The default (10:30:100) drops connections when several test files ssh at once.
    'MaxStartups 100',
    // `scp` speaks SFTP by default since OpenSSH 9.0 (install copies files this way).
    'Subsystem sftp internal-sftp',
  ]
  // OpenSSH >= 9.8 penalizes a source address after failed logins, which would
  // turn the refused-key tests into connection failures for later tests.
  // Older sshd rejects the unknown keyword, so only add it where it parses.
  const probe = path.join(o.dir, 'sshd_config.probe')
  writeFileSync(probe, [...lines, 'PerSourcePenalties no', ''].join('\n'))
  const ok = await execFileP(SSHD, ['-t', '-f', probe]).then(() => true, () => false)
  if (ok) lines.push('PerSourcePenalties no')
  return lines.join('\n') + '\n'
}

async function launch(config: string, host: string, port: number, netns?: string): Promise<{child: ChildProcess, port: number}> {
  // -D: stay in the foreground so the child is sshd itself; -e: log to stderr.
  // `ip netns exec` enters the namespace and execs sshd: the child is still sshd.
  const argv = [SSHD, '-D', '-e', '-f', config]
  const child = netns
    ? spawn('ip', ['netns', 'exec', netns, ...argv], {stdio: ['ignore', 'ignore', 'pipe']})
    : spawn(SSHD, argv.slice(1), {stdio: ['ignore', 'ignore', 'pipe']})
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-4000) })
  let exited = false
  child.once('exit', () => { exited = true })
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject))
  spawnError.catch(() => {})

  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    if (exited) throw new Error(`sshd exited at startup: ${stderr.trim() || '(no output)'}`)
    if (await accepts(host, port)) return {child, port}
    await Promise.race([new Promise(r => setTimeout(r, 50)), spawnError])
  }
  await kill(child)
  throw new Error(`sshd did not accept connections on ${host}:${port} within 10 s: ${stderr.trim()}`)
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise(resolve => {
    const s = net.connect(port, host)
    s.once('connect', () => { s.destroy(); resolve(true) })
    s.once('error', () => resolve(false))
  })
}

async function kill(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise<void>(r => child.once('exit', () => r()))
  child.kill('SIGTERM')
  const t = setTimeout(() => child.kill('SIGKILL'), 3000)
  await gone
  clearTimeout(t)
}
