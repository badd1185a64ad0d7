// SSH bootstrap: start `blockpair agent` on another host and learn where it listens.
//
// SSH only starts the agent and carries a fresh key to it; the data then flows
// over blockpair's own TLS-PSK connection, so this module never touches data.
//
// The contract with the remote agent (cli `agent`, see DESIGN.md):
//   REMOTE_BIN agent --once --psk-stdin --listen HOST:0 --identity NAME [--allow DIR]... [--allow-device DEV]... [EXTRA]...
//   (`--sessions N` instead of `--once` when one run syncs N files, one session each)
//   - stdin: the first line is the 32-byte key as 64 hex digits. Stdin then stays
//     open for as long as the SSH connection lives. The agent MUST treat EOF on
//     stdin as "the SSH connection is gone" and exit. That is the only thing that
//     stops orphan agents: without a pty, sshd does not signal the command when
//     the connection drops, it only closes the command's pipes. (A remote command
//     that never reads stdin, like `sleep`, survives the connection.)
//   - stdout: exactly one line `listening HOST:PORT` once it accepts connections
//     (HOST may be `[v6addr]`). Lines before it are skipped (a chatty shell rc).
//   - stderr: free text; its last line goes into our error messages.
//   - By default HOST is the address the SSH connection arrived on (the 3rd field
//     of $SSH_CONNECTION on the remote side), so the agent is reachable exactly
//     where sshd was, and is not exposed on other interfaces. Behind a ProxyJump
//     that address is the one the jump host sees: pass `listen` then.
//
// The remote command runs through `/bin/sh -c` so that it does not depend on the
// user's login shell (zsh does not word-split `$SSH_CONNECTION`, fish and csh are
// not POSIX). `remoteBin` is shell text, like rsync's --rsync-path: it may carry
// arguments (`/usr/bin/node /opt/blockpair/bin/run.js`) and is not quoted by us.
//
// Our side keeps ssh's stdin open until close(); when this process dies, the pipe
// closes, ssh sends EOF, and the remote agent exits too.

import {spawn, type ChildProcess} from 'node:child_process'
import type {Readable} from 'node:stream'
import {ConnectError, UsageError} from '../errors.js'

export interface RemoteAgentOptions {
  /** `[user@]host`, as for ssh. */
  target: string
  /** The ssh command and its options, split on whitespace like rsync -e. Default `ssh`. */
  ssh?: string
  /** How to run blockpair on the remote host (shell text). Default `blockpair`. */
  remoteBin?: string
  /** 32 random bytes; sent on ssh's stdin, never on a command line. */
  psk: Buffer
  /** Passed to the agent as `--identity`. */
  identity: string
  /** Address the remote agent binds (`HOST` or `HOST:PORT`). Default: where the SSH connection arrived. */
  listen?: string
  /** Folders the remote agent may open (`--allow`). */
  allow: string[]
  /** Block devices the remote agent may open, by exact path (`--allow-device`). */
  allowDevices?: string[]
  /** Until the agent reports its port, connecting included. Default 20 s. */
  timeoutMs?: number
  /** More arguments for the remote `agent` command (quoted for the remote shell). */
  extraArgs?: string[]
  /** Sessions the agent serves before it exits (one per file). Default 1 (`--once`). */
  sessions?: number
}

export interface RemoteAgent {
  /** Where to connect: the host from the agent's `listening` line. */
  host: string
  port: number
  /** The local ssh process. */
  child: ChildProcess
  /** Resolves when ssh exits (the remote agent ended, or the connection dropped). */
  exited: Promise<{code: number | null, signal: NodeJS.Signals | null}>
  /** The last few KiB ssh wrote to stderr (remote agent's stderr included). */
  stderrTail(): string
  /** End ssh's stdin (the agent exits on EOF), wait for ssh to exit, kill it if it does not. */
  close(): Promise<void>
}

const DEFAULT_TIMEOUT_MS = 20_000
const CLOSE_GRACE_MS = 5_000
const KILL_GRACE_MS = 2_000
const STDERR_KEEP = 8192

export async function startRemoteAgent(opts: RemoteAgentOptions): Promise<RemoteAgent> {
  if (opts.psk.length !== 32) throw new TypeError('psk must be 32 bytes')
  const target = opts.target
  // A target starting with '-' would be read by ssh as an option (-oProxyCommand=...).
  if (!target || target.startsWith('-') || /\s/.test(target)) {
    throw new UsageError('E_BAD_TARGET', `invalid ssh target '${target}'; expected [USER@]HOST`)
  }
  const host = targetHost(target)
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS
  const {cmd, args} = sshArgv(opts.ssh, target, timeoutMs, remoteCommand(opts))
  const child = spawn(cmd, args, {stdio: ['pipe', 'pipe', 'pipe']})

  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-STDERR_KEEP)
  })
  const exited = new Promise<{code: number | null, signal: NodeJS.Signals | null}>(resolve => {
    child.once('exit', (code, signal) => resolve({code, signal}))
    // spawn failure (ssh not installed): 'exit' never comes.
    child.once('error', () => resolve({code: null, signal: null}))
  })
  // 'exit' can come before the last stderr bytes are read; 'close' may never come if
  // ssh left a ControlPersist master holding the pipe. Wait for it, briefly.
  const closed = new Promise<void>(resolve => child.once('close', () => resolve()))
  const settledOutput = () => Promise.race([closed, delay(300)])

  // EPIPE when ssh exits before reading the key: the exit is what we report.
  child.stdin!.on('error', () => {})
  child.stdin!.write(opts.psk.toString('hex') + '\n')

  let closing: Promise<void> | undefined
  const close = () => (closing ??= stop(child, exited, CLOSE_GRACE_MS))

  let timer: NodeJS.Timeout | undefined
  try {
    const where = await new Promise<{host: string, port: number}>((resolve, reject) => {
      void listeningLine(child.stdout!).then(resolve)
      child.once('error', (e: NodeJS.ErrnoException) => {
        reject(new ConnectError('E_SSH_MISSING', e.code === 'ENOENT'
          ? `cannot run '${cmd}': not found; install the OpenSSH client or pass --ssh CMD`
          : `cannot run '${cmd}': ${e.message}`, {cause: e}))
      })
      void exited.then(async ({code, signal}) => {
        await settledOutput()
        reject(classifySshFailure({code, signal, stderr, host, command: sshLine(opts.ssh, target)}))
      })
      timer = setTimeout(() => {
        reject(new ConnectError('E_SSH_TIMEOUT',
          `the blockpair agent on ${host} did not report its port within ${timeoutMs / 1000} s; ` +
          `check that --remote-bin runs blockpair there${lastLineNote(stderr)}`))
      }, timeoutMs)
    })
    return {
      host: isUnspecified(where.host) ? host : where.host,
      port: where.port,
      child,
      exited,
      stderrTail: () => stderr,
      close,
    }
  } catch (e) {
    // No ssh (and so, by the stdin contract, no remote agent) outlives a failed start.
    await stop(child, exited, 0)
    throw e
  } finally {
    clearTimeout(timer)
  }
}

/** The address of the agent's `listening` line; stdout keeps draining after it, so the agent never blocks on a full pipe. */
function listeningLine(stdout: Readable): Promise<{host: string, port: number}> {
  return new Promise(resolve => {
    let buf = ''
    const onData = (d: string) => {
      buf += d
      let nl: number
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).replace(/\r$/, '')
        buf = buf.slice(nl + 1)
        const addr = parseListening(line)
        if (addr) {
          stdout.off('data', onData)
          stdout.resume()
          resolve(addr)
          return
        }
      }
      if (buf.length > 4096) buf = buf.slice(-4096)
    }
    stdout.setEncoding('utf8').on('data', onData)
  })
}

/** What the user runs to reach `target` as blockpair does: their -e command (port, key, options) and the target. */
function sshLine(ssh: string | undefined, target: string): string {
  return `${ssh ?? 'ssh'} ${target}`
}

/** A person at a terminal, who can answer ssh's question about a new host key (ssh asks on /dev/tty). */
function atTerminal(): boolean {
  return !!process.stdin.isTTY && !!process.stderr.isTTY
}

/**
 * The ssh command line: the user's command and options, then ours, the target and the remote command.
 * `interactive`: ssh may ask its questions (a new host key; a password) on the terminal.
 */
export function sshArgv(ssh: string | undefined, target: string, timeoutMs: number, remote: string,
  interactive = atTerminal()): {cmd: string, args: string[]} {
  const [cmd, ...args] = splitCommand(ssh ?? 'ssh')
  if (!cmd) throw new UsageError('E_BAD_SSH_COMMAND', '--ssh is empty')
  // With no one to answer, a host key question or a password prompt would hang until the timeout.
  if (!interactive && !hasSshOption(args, 'BatchMode')) args.push('-o', 'BatchMode=yes')
  // Fail an unreachable host as a connect error, not as a silent agent timeout.
  if (!hasSshOption(args, 'ConnectTimeout')) {
    args.push('-o', `ConnectTimeout=${Math.max(1, Math.ceil(Math.min(timeoutMs / 2, 10_000) / 1000))}`)
  }
  // A pty would echo the key, mangle stdin and merge stderr into stdout. Last -T/-t wins.
  args.push('-T', target, remote)
  return {cmd, args}
}

export interface SshExecOptions {
  /** `[user@]host`, as for ssh. */
  target: string
  /** The ssh command and its options, like rsync -e. Default `ssh`. */
  ssh?: string
  /** A script for /bin/sh on the remote host. */
  script: string
  /** Arguments for the script (`$1`...), quoted for the remote shell. */
  args?: string[]
  /** Fed to the script's stdin, which is then closed. Default: nothing. */
  input?: string | Buffer | NodeJS.ReadableStream
}

export interface SshExecResult {
  /** The remote script's exit status (ssh's own failures are thrown instead). */
  code: number
  stdout: string
  stderr: string
}

/**
 * Run a short script on a host over ssh (for `install`). ssh's own failures
 * (unknown host, refused key, no connection) become the same ConnectErrors as
 * the bootstrap's; the script's exit status is the caller's to judge, so
 * scripts must not use 255, which is ssh's.
 */
export async function sshExec(opts: SshExecOptions): Promise<SshExecResult> {
  const target = opts.target
  if (!target || target.startsWith('-') || /\s/.test(target)) {
    throw new UsageError('E_BAD_TARGET', `invalid ssh target '${target}'; expected [USER@]HOST`)
  }
  const host = targetHost(target)
  const remote = `exec /bin/sh -c ${shellQuote(opts.script)} sh ${(opts.args ?? []).map(shellQuote).join(' ')}`.trimEnd()
  const {cmd, args} = sshArgv(opts.ssh, target, DEFAULT_TIMEOUT_MS, remote)
  const child = spawn(cmd, args, {stdio: ['pipe', 'pipe', 'pipe']})
  const closed = new Promise(r => child.once('close', r))
  let stdout = ''
  let stderr = ''
  child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d })
  child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr = (stderr + d).slice(-STDERR_KEEP) })
  // EPIPE when the script exits without reading all of its input: its status says why.
  child.stdin!.on('error', () => {})
  const input = opts.input
  if (input === undefined) child.stdin!.end()
  else if (typeof input === 'string' || Buffer.isBuffer(input)) child.stdin!.end(input)
  else {
    input.on('error', () => child.kill('SIGTERM'))
    input.pipe(child.stdin!)
  }
  const {code, signal} = await new Promise<{code: number | null, signal: NodeJS.Signals | null}>((resolve, reject) => {
    child.once('error', (e: NodeJS.ErrnoException) => {
      reject(new ConnectError('E_SSH_MISSING', e.code === 'ENOENT'
        ? `cannot run '${cmd}': not found; install the OpenSSH client or pass --ssh CMD`
        : `cannot run '${cmd}': ${e.message}`, {cause: e}))
    })
    child.once('exit', (code, signal) => resolve({code, signal}))
  })
  // The last output can come after 'exit'; 'close' may never come when a
  // ControlPersist master holds the pipes.
  await Promise.race([closed, delay(2000)])
  if (code === 255 || signal || code === null) throw classifySshFailure({code: code ?? 255, signal, stderr, host, command: sshLine(opts.ssh, target)})
  return {code, stdout, stderr}
}

/**
 * The host name ssh really connects to for `target` (`ssh -G`: its config's
 * HostName, aliases resolved), so an agent:// address made from it works
 * outside ssh too. Falls back to the host part of `target`.
 */
export async function sshHostname(ssh: string | undefined, target: string): Promise<string> {
  const fallback = targetHost(target)
  const [cmd, ...args] = splitCommand(ssh ?? 'ssh')
  if (!cmd || target.startsWith('-')) return fallback
  return new Promise(resolve => {
    const child = spawn(cmd, [...args, '-G', target], {stdio: ['ignore', 'pipe', 'ignore']})
    let out = ''
    child.stdout!.setEncoding('utf8').on('data', (d: string) => { out += d })
    child.once('error', () => resolve(fallback))
    child.once('close', code => {
      const m = /^hostname\s+(\S+)\s*$/m.exec(out)
      resolve(code === 0 && m ? m[1]! : fallback)
    })
  })
}

/** The remote command line, for a POSIX shell or any login shell that can `exec`. */
export function remoteCommand(opts: Pick<RemoteAgentOptions, 'remoteBin' | 'identity' | 'listen' | 'allow' | 'allowDevices' | 'extraArgs' | 'sessions'>): string {
  const bin = opts.remoteBin?.trim() || 'blockpair'
  const sessions = opts.sessions ?? 1
  if (!(Number.isInteger(sessions) && sessions >= 1)) throw new TypeError('sessions must be a positive integer')
  const args = [
    'agent', ...(sessions === 1 ? ['--once'] : ['--sessions', String(sessions)]), '--psk-stdin',
    '--identity', opts.identity,
    ...opts.allow.flatMap(d => ['--allow', d]),
    ...(opts.allowDevices ?? []).flatMap(d => ['--allow-device', d]),
    ...(opts.extraArgs ?? []),
  ].map(shellQuote).join(' ')
  let script: string
  if (opts.listen) {
    script = `exec ${bin} ${args} --listen ${shellQuote(withPort(opts.listen))}`
  } else {
    // $3 of SSH_CONNECTION ("client port server port") is our end of the connection.
    // No single quotes in here: they would need escaping in the outer quoting.
    script = 'set -- $SSH_CONNECTION; case $3 in ' +
      '"") echo "blockpair: SSH_CONNECTION is not set on the remote host; pass a listen address" >&2; exit 2;; ' +
      '*:*) h="[$3]:0";; *) h="$3:0";; esac; ' +
      `exec ${bin} ${args} --listen "$h"`
  }
  return `exec /bin/sh -c ${shellQuote(script)}`
}

/** Turn a failed ssh run (no `listening` line) into a ConnectError that says what to do. */
export function classifySshFailure(f: {code: number | null, signal: NodeJS.Signals | null, stderr: string, host: string, command?: string}): ConnectError {
  const {code, signal, stderr: s, host} = f
  const note = lastLineNote(s)
  // 255 is ssh's own failure; anything else is the remote command's exit status.
  const sshFailed = code === 255
  if (sshFailed && /Could not resolve hostname|Name or service not known|nodename nor servname/i.test(s)) {
    return new ConnectError('E_SSH_UNKNOWN_HOST', `${host}: unknown host; check the name or add it to ~/.ssh/config${note}`)
  }
  if (sshFailed && /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|host key .* (is not known|has changed)/i.test(s)) {
    return new ConnectError('E_SSH_HOSTKEY', `the host key of ${host} is unknown or has changed; run '${f.command ?? `ssh ${host}`}' once in a terminal to check and accept it${note}`)
  }
  if (sshFailed && /Permission denied|Too many authentication failures|no more authentication methods/i.test(s)) {
    return new ConnectError('E_SSH_AUTH', `authentication refused by ${host}; load your key with ssh-add or pass --ssh 'ssh -i KEY'${note}`)
  }
  if (sshFailed || signal) {
    const why = signal ? `ssh was ended by ${signal}` : `could not connect to ${host} over ssh`
    return new ConnectError('E_SSH_CONNECT', `${why}; check that ${host} is up and that sshd listens on the port you use${note}`)
  }
  // 127: the shell did not find the command; 126: found but not executable.
  // (Other text only when it is unmistakable: the agent's own startup errors
  // can mention missing files too.)
  if (code === 127 || code === 126 || /command not found|Cannot find module/i.test(s)) {
    return new ConnectError('E_SSH_NO_REMOTE_BIN', `blockpair was not found on ${host}; install it with 'blockpair install ${host}' or pass --remote-bin PATH${note}`)
  }
  return new ConnectError('E_SSH_AGENT_EXIT', `the blockpair agent on ${host} exited with code ${code} before reporting its port${note}`)
}

/** Quote one word for a POSIX shell. Plain words stay as they are, for readable logs. */
export function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_\/.,:@%+=-]+$/.test(s)) return s
  return `'${s.replace(/'/g, `'\\''`)}'`
}

/**
 * Split a command like rsync's -e does: on whitespace, with '...' and "..." keeping
 * spaces in a word, and a doubled quote inside quotes meaning one literal quote.
 * No backslash escapes, no variables: it is not a shell.
 */
export function splitCommand(s: string): string[] {
  const words: string[] = []
  let word = ''
  let inWord = false
  let quote: string | undefined
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (quote) {
      if (c !== quote) word += c
      else if (s[i + 1] === quote) { word += c; i++ }
      else quote = undefined
    } else if (c === "'" || c === '"') {
      quote = c
      inWord = true
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word)
      word = ''
      inWord = false
    } else {
      word += c
      inWord = true
    }
  }
  if (quote) throw new UsageError('E_BAD_SSH_COMMAND', `unterminated ${quote} in '${s}'`)
  if (inWord) words.push(word)
  return words
}

function hasSshOption(args: string[], name: string): boolean {
  const re = new RegExp(`^${name}\\s*(=|\\s)`, 'i')
  return args.some((a, i) => (a === '-o' && re.test(args[i + 1] ?? '')) || (a.startsWith('-o') && re.test(a.slice(2))))
}

/** The host part of `[user@]host`, without IPv6 brackets. */
export function targetHost(target: string): string {
  const h = target.slice(target.lastIndexOf('@') + 1)
  return h.replace(/^\[(.*)\]$/, '$1')
}

function withPort(listen: string): string {
  if (/^\[.*\]:\d+$/.test(listen) || /^[^:]*:\d+$/.test(listen)) return listen
  return listen.includes(':') ? `[${listen.replace(/^\[(.*)\]$/, '$1')}]:0` : `${listen}:0`
}

function parseListening(line: string): {host: string, port: number} | undefined {
  const m = /^listening\s+(?:\[([^\]]+)\]|([^\s:]+)):(\d+)\s*$/.exec(line)
  if (!m) return undefined
  const port = Number(m[3])
  if (!(port > 0 && port < 65536)) return undefined
  return {host: (m[1] ?? m[2])!, port}
}

function isUnspecified(h: string): boolean {
  return h === '0.0.0.0' || h === '::' || h === '' || h === '*'
}

function lastLineNote(stderr: string): string {
  const lines = stderr.split('\n').map(l => l.replace(/\r$/, '').trim()).filter(Boolean)
  const last = lines[lines.length - 1]
  return last ? ` (ssh: ${last})` : ''
}

function delay(ms: number): Promise<void> {
  return new Promise(r => setTimeout(r, ms).unref())
}

/** EOF first (lets the agent exit cleanly), then SIGTERM, then SIGKILL. */
async function stop(child: ChildProcess, exited: Promise<unknown>, graceMs: number): Promise<void> {
  if (child.pid === undefined) return
  const done = () => child.exitCode !== null || child.signalCode !== null
  child.stdin?.end()
  if (!done() && graceMs > 0) await Promise.race([exited, delay(graceMs)])
  if (!done()) {
    child.kill('SIGTERM')
    await Promise.race([exited, delay(KILL_GRACE_MS)])
  }
  if (!done()) {
    child.kill('SIGKILL')
    await exited
  }
}
