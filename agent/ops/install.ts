// `blockpair install HOST`: a self-contained blockpair and its agent service on
// a host, over ssh. The host needs sshd and node (same platform and CPU as
// here, for the native modules), nothing else: no network, no npm.
//
// On the host (PREFIX default /opt/blockpair, UNIT_DIR default /etc/systemd/system):
//   PREFIX/package.json, bin/, dist/, ...   this package's own files (package.json "files")
//   PREFIX/node_modules/                    its production dependencies, native binaries included
//   PREFIX/etc/psk                          the agent's key file (0600)
//   PREFIX/.blockpair-install               stamp: version and content hash of the copied files;
//                                           also what makes --uninstall trust PREFIX as ours
//   UNIT_DIR/blockpair-agent.service        from the template agent/ops/blockpair-agent.service
// and here, a copy of the key (default ~/.config/blockpair/HOST.psk) for push and pull.
//
// Steps, each skipped when the host already has what it would write, so that
// a second run changes nothing:
//   probe   one ssh call: node's path, version, platform; the stamp, unit and key there
//   files   tar of the files above, gzip, streamed into `tar -x` on ssh's stdin, unpacked
//           into a staging folder, then moved into place; the stamp is written last
//   key     kept when the host has one (and copied here if this side lacks it); else
//           made here and sent on ssh's stdin
//   unit    rewritten when its text differs
//   start   `systemctl daemon-reload`, `enable`, then `restart` if anything changed or
//           `start`; skipped with --no-start or when systemd is not running there

import {spawn} from 'node:child_process'
import {createHash} from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {createGzip} from 'node:zlib'
import {BlockpairError, ConnectError, EXIT, IoError, UsageError, type CodeFor} from '../errors.js'
import {formatKey, newKey, parseKeys, type Key} from '../wire/keys.js'
import {shellQuote, sshExec, sshHostname, targetHost, type SshExecResult} from '../run/ssh.js'
import {formatBytes} from '../run/units.js'
import {parseListen} from './serve.js'

export const UNIT_NAME = 'blockpair-agent.service'
export const DEFAULT_PREFIX = '/opt/blockpair'
export const DEFAULT_UNIT_DIR = '/etc/systemd/system'
export const DEFAULT_LISTEN = '0.0.0.0:7373'
const STAMP = '.blockpair-install'

export interface InstallOptions {
  /** `[user@]host`, as for ssh. */
  target: string
  /** The ssh command, like rsync -e. */
  ssh?: string
  prefix?: string
  unitDir?: string
  /** ADDR:PORT the agent listens on. */
  listen?: string
  /** Folders the agent may use (--allow). */
  allow: string[]
  /** Block devices the agent may use, by exact path (--allow-device). At least one of these or `allow`. */
  allowDevices?: string[]
  /** node on the host (absolute path); default: `node` on its PATH. */
  node?: string
  /** Worker processes of the agent (`agent --workers`); default 1. */
  workers?: number
  /** Where the key is kept on this side. Default: defaultKeyFile(target). */
  keyFile?: string
  /** Run systemctl on the host (false: --no-start). Default true. */
  start?: boolean
  /** The package to install. Default: the one this module belongs to. */
  root?: string
}

export interface InstallResult {
  host: string
  /** agent://HOST:PORT/ */
  address: string
  prefix: string
  unit: string
  keyFile: string
  remoteKeyFile: string
  /** What was written on the host: 'files', 'key', 'unit' (empty: nothing changed there). */
  changed: string[]
  /** The local key file was written (new key, or copied from the host). */
  keySaved: boolean
  /** 'started', 'restarted', 'running', 'no-start' (--no-start) or 'no-systemd'. */
  service: 'started' | 'restarted' | 'running' | 'no-start' | 'no-systemd'
  /** The agent's command line (the unit's ExecStart), to run it without systemd. */
  command: string[]
  version: string
  bytes: number
}

/** The folder of the package this module belongs to (holds its package.json). */
export function appRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const pkg = path.join(dir, 'package.json')
    if (fs.existsSync(pkg) && (readJson(pkg) as {name?: string}).name === 'blockpair') return dir
    const up = path.dirname(dir)
    if (up === dir) throw new IoError('E_INSTALL_SOURCE', 'cannot find the blockpair package this program runs from')
    dir = up
  }
}

export function unitTemplatePath(root = appRoot()): string {
  return path.join(root, 'agent', 'ops', UNIT_NAME)
}

/** `$XDG_CONFIG_HOME/blockpair/HOST.psk` (default ~/.config). */
export function defaultKeyFile(target: string): string {
  const base = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config')
  return path.join(base, 'blockpair', `${targetHost(target).replace(/[^A-Za-z0-9._-]/g, '_')}.psk`)
}

// ---- what gets copied ------------------------------------------------------

export interface Payload {
  root: string
  version: string
  /** Node major version the package needs (package.json engines.node). */
  nodeMajor: number
  /** Paths relative to root that go into the tarball (folders whole). */
  entries: string[]
  /** sha256 over every file's path, mode (executable or not) and content. */
  hash: string
  files: number
  bytes: number
}

/** The package's own files and its production dependencies, found the way Node resolves them. */
export function collectPayload(root = appRoot()): Payload {
  const pkg = readJson(path.join(root, 'package.json')) as PackageJson & {version?: string, files?: string[], engines?: {node?: string}}
  // oclif.manifest.json (made by the build) spares the agent loading every command at start.
  const own = ['package.json', 'oclif.manifest.json', ...(pkg.files ?? ['bin', 'dist'])]
    .map(f => path.normalize(f).replace(/\/+$/, ''))
    .filter(f => fs.existsSync(path.join(root, f)))
  const deps = productionDependencies(root, pkg)
  const entries = [...new Set([...own, ...deps])].sort()
  const {hash, files, bytes} = hashTree(root, entries)
  return {
    root,
    version: pkg.version ?? '0.0.0',
    nodeMajor: Number(/(\d+)/.exec(pkg.engines?.node ?? '')?.[1] ?? 20),
    entries,
    hash,
    files,
    bytes,
  }
}

interface PackageJson {
  name?: string
  dependencies?: Record<string, string>
  optionalDependencies?: Record<string, string>
}

/** node_modules/... folders (relative to root) of every production dependency, nested ones inside their parent. */
function productionDependencies(root: string, pkg: PackageJson): string[] {
  const found = new Set<string>()
  const queue: Array<{from: string, name: string, optional: boolean, by: string}> = []
  const want = (from: string, p: PackageJson, by: string): void => {
    const optional = new Set(Object.keys(p.optionalDependencies ?? {}))
    for (const name of new Set([...Object.keys(p.dependencies ?? {}), ...optional])) queue.push({from, name, optional: optional.has(name), by})
  }
  want(root, pkg, pkg.name ?? 'blockpair')
  for (let next = queue.shift(); next; next = queue.shift()) {
    const dir = resolvePackage(next.from, next.name)
    // Optional dependencies for other platforms (koffi's) are not installed here.
    if (!dir) {
      if (next.optional) continue
      throw new IoError('E_INSTALL_SOURCE', `cannot find ${next.name} (needed by ${next.by}) in ${path.join(root, 'node_modules')}; run 'npm install' there first`)
    }
    if (found.has(dir)) continue
    const rel = path.relative(root, dir)
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new IoError('E_INSTALL_SOURCE', `${next.name} is installed outside ${root} (${dir}); install blockpair with its own node_modules (npm install)`)
    }
    if (fs.lstatSync(dir).isSymbolicLink()) {
      throw new IoError('E_INSTALL_SOURCE', `${dir} is a symbolic link (npm link?); install blockpair with a plain 'npm install'`)
    }
    found.add(dir)
    want(dir, readJson(path.join(dir, 'package.json')) as PackageJson, next.name)
  }
  const rels = [...found].map(d => path.relative(root, d)).sort()
  // A package nested in another one's node_modules travels with its parent.
  return rels.filter(r => !rels.some(o => o !== r && r.startsWith(o + path.sep)))
}

function resolvePackage(from: string, name: string): string | null {
  for (let d = from; ; d = path.dirname(d)) {
    const dir = path.join(d, 'node_modules', name)
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir
    if (path.dirname(d) === d) return null
  }
}

function hashTree(root: string, entries: readonly string[]): {hash: string, files: number, bytes: number} {
  const h = createHash('sha256')
  let files = 0
  let bytes = 0
  const walk = (rel: string): void => {
    const abs = path.join(root, rel)
    const st = fs.lstatSync(abs)
    if (st.isSymbolicLink()) {
      h.update(`l ${rel}\0${fs.readlinkSync(abs)}\0`)
    } else if (st.isDirectory()) {
      h.update(`d ${rel}\0`)
      for (const name of fs.readdirSync(abs).sort()) walk(path.join(rel, name))
    } else if (st.isFile()) {
      const data = fs.readFileSync(abs)
      h.update(`f ${rel}\0${st.mode & 0o111 ? 'x' : '-'} ${data.length}\0`)
      h.update(data)
      files++
      bytes += data.length
    }
  }
  for (const e of entries) walk(e)
  return {hash: h.digest('hex'), files, bytes}
}

// ---- the unit --------------------------------------------------------------

export interface UnitParams {
  node: string
  prefix: string
  listen: string
  allow: readonly string[]
  allowDevices?: readonly string[]
  /** More than 1: `--workers N`. */
  workers?: number
}

/** The agent's command line, as the unit runs it. */
export function agentCommand(p: UnitParams): string[] {
  return [p.node, path.posix.join(p.prefix, 'bin/run.js'), 'agent', '--listen', p.listen,
    '--psk-file', path.posix.join(p.prefix, 'etc/psk'), ...p.allow.flatMap(d => ['--allow', d]),
    ...(p.allowDevices ?? []).flatMap(d => ['--allow-device', d]), ...((p.workers ?? 1) > 1 ? ['--workers', String(p.workers)] : [])]
}

export function renderUnit(p: UnitParams, template = fs.readFileSync(unitTemplatePath(), 'utf8')): string {
  const fill: Record<string, string> = {
    EXEC_START: agentCommand(p).map(systemdQuote).join(' '),
    READ_WRITE_PATHS: p.allow.map(d => `ReadWritePaths=${systemdQuote('-' + d)}`).join('\n'),
  }
  return template.replace(/@([A-Z_]+)@/g, (m, name: string) => fill[name] ?? m)
}

/**
 * One word for a unit file: specifiers (%) and variables ($) escaped, and
 * C-style double quotes when it holds anything but plain path characters.
 */
export function systemdQuote(word: string): string {
  const w = word.replace(/%/g, '%%').replace(/\$/g, '$$$$')
  if (/^[A-Za-z0-9_\/.,:@+=%$-]+$/.test(w)) return w
  return `"${w.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

// ---- the host --------------------------------------------------------------

interface Probe {
  node: string | null
  version: string | null
  platform?: string
  arch?: string
  stamp?: string | null
  unit?: string | null
  key?: string | null
  systemd?: boolean
}

const PROBE_SH = `
prefix=$1 unit=$2 node=$3 js=$4
if [ -z "$node" ]; then node=$(command -v node 2>/dev/null) || node=; fi
if [ -z "$node" ] || [ ! -x "$node" ]; then echo nonode; exit 0; fi
echo "version $("$node" --version 2>/dev/null)"
if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then sd=1; else sd=0; fi
exec "$node" -e "$js" "$node" "$prefix" "$unit" "$sd"
`

// Plain old JavaScript: it must at least run on a node too old for blockpair, to say so.
const PROBE_JS = `
var fs = require("fs");
var a = process.argv.slice(1);
function read(f) { try { return fs.readFileSync(f, "utf8"); } catch (e) { return null; } }
process.stdout.write(JSON.stringify({node: a[0], version: process.version, platform: process.platform, arch: process.arch,
  stamp: read(a[1] + "/${STAMP}"), unit: read(a[2]), key: read(a[1] + "/etc/psk"), systemd: a[3] === "1"}) + "\\n");
`

async function probe(o: Resolved): Promise<Probe> {
  const r = await sshExec({target: o.target, ssh: o.ssh, script: PROBE_SH, args: [o.prefix, o.unit, o.node ?? '', PROBE_JS]})
  const lines = r.stdout.split('\n').map(l => l.trim()).filter(Boolean)
  if (lines[0] === 'nonode') return {node: null, version: null}
  const version = /^version\s+(\S*)/.exec(lines[0] ?? '')?.[1] || null
  try {
    return JSON.parse(lines[1] ?? '') as Probe
  } catch {
    if (version) return {node: o.node ?? 'node', version}
    throw remoteFailure('E_INSTALL_PROBE', `cannot inspect ${o.host}`, r)
  }
}

function remoteFailure(code: CodeFor<typeof EXIT.IO>, what: string, r: SshExecResult): BlockpairError {
  const last = r.stderr.split('\n').map(l => l.trim()).filter(Boolean).pop()
  return new IoError(code, `${what} (exit ${r.code}${last ? `: ${last}` : ''})`)
}

interface Resolved {
  target: string
  host: string
  ssh?: string
  prefix: string
  unitDir: string
  unit: string
  node?: string
  keyFile: string
}

function resolveOptions(o: Pick<InstallOptions, 'target' | 'ssh' | 'prefix' | 'unitDir' | 'node' | 'keyFile'>): Resolved {
  if (!o.target || o.target.startsWith('-') || /[\s:/]/.test(o.target.replace(/^\[[^\]]*\]$/, '').replace(/@\[[^\]]*\]$/, ''))) {
    throw new UsageError('E_BAD_TARGET', `invalid host '${o.target}'; expected [USER@]HOST, without a path`)
  }
  const prefix = absolute(o.prefix ?? DEFAULT_PREFIX, '--prefix')
  if (prefix === '/') throw new UsageError('E_INSTALL_PREFIX', '--prefix must not be /')
  const unitDir = absolute(o.unitDir ?? DEFAULT_UNIT_DIR, '--unit-dir')
  if (o.node !== undefined) absolute(o.node, '--node')
  return {
    target: o.target,
    host: targetHost(o.target),
    ssh: o.ssh,
    prefix,
    unitDir,
    unit: path.posix.join(unitDir, UNIT_NAME),
    node: o.node,
    keyFile: path.resolve(o.keyFile ?? defaultKeyFile(o.target)),
  }
}

function absolute(p: string, what: string): string {
  if (!path.posix.isAbsolute(p) || /[\n\0]/.test(p)) throw new UsageError('E_INSTALL_PATH', `${what} '${p}' must be an absolute path`)
  return path.posix.normalize(p).replace(/(.)\/+$/, '$1')
}

function readLocalKey(file: string): Key | null {
  let text: string
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new UsageError('E_KEY_FILE', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  return parseKeys(text, file).keys[0] ?? null
}

function writeLocalKey(file: string, k: Key): void {
  try {
    fs.mkdirSync(path.dirname(file), {recursive: true, mode: 0o700})
    const tmp = `${file}.${process.pid}.tmp`
    fs.writeFileSync(tmp, formatKey(k), {mode: 0o600})
    fs.renameSync(tmp, file)
  } catch (err) {
    throw new IoError('E_KEY_WRITE', `cannot write the key to ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
}

const UPLOAD_SH = `
set -e
prefix=$1 stamp=$2
umask 022
mkdir -p "$prefix"
tmp=$(mktemp -d "$prefix/.staging.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
tar -C "$tmp" -xzf -
for e in "$tmp"/*; do
  n=\${e##*/}
  [ "$n" = etc ] && continue
  rm -rf "$prefix/$n"
  mv "$e" "$prefix/$n"
done
printf '%s\\n' "$stamp" > "$prefix/${STAMP}.tmp"
mv "$prefix/${STAMP}.tmp" "$prefix/${STAMP}"
`

const KEY_SH = `
set -e
umask 077
mkdir -p "$1/etc"
chmod 700 "$1/etc"
cat > "$1/etc/psk.tmp"
chmod 600 "$1/etc/psk.tmp"
mv "$1/etc/psk.tmp" "$1/etc/psk"
`

const UNIT_SH = `
set -e
mkdir -p "$(dirname "$1")"
umask 022
cat > "$1.tmp"
chmod 644 "$1.tmp"
mv "$1.tmp" "$1"
`

const START_SH = `
set -e
systemctl daemon-reload
systemctl enable --quiet ${UNIT_NAME}
systemctl "$1" ${UNIT_NAME}
systemctl is-active --quiet ${UNIT_NAME}
`

/** tar (uncompressed, owner root) of the payload, gzip-ed fast: the stream for the remote `tar -xzf -`. */
function tarStream(p: Payload): {stream: NodeJS.ReadableStream, done: Promise<void>} {
  const tar = spawn('tar', ['-c', '-f', '-', '--owner=0', '--group=0', '--numeric-owner', '-C', p.root, '--', ...p.entries],
    {stdio: ['ignore', 'pipe', 'pipe']})
  let stderr = ''
  tar.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d })
  const done = new Promise<void>((resolve, reject) => {
    tar.once('error', e => reject(new IoError('E_INSTALL_TAR', `cannot run tar here: ${e.message}`)))
    tar.once('close', code => code === 0 ? resolve() : reject(new IoError('E_INSTALL_TAR', `tar failed here (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}`)))
  })
  done.catch(() => {})
  return {stream: tar.stdout!.pipe(createGzip({level: 1})), done}
}

/** The node binary the host has, when it can run this blockpair's payload. */
function checkRemoteNode(p: Probe, host: string, payload: Payload): string {
  if (!p.node || !p.version) {
    throw new ConnectError('E_REMOTE_NODE', `node is not installed on ${host} (blockpair needs node ${payload.nodeMajor} or newer there); install it (apt-get install nodejs) or pass --node PATH`)
  }
  const major = Number(/^v(\d+)/.exec(p.version)?.[1] ?? 0)
  if (major < payload.nodeMajor) {
    throw new ConnectError('E_REMOTE_NODE', `node ${p.version} on ${host} (${p.node}) is too old: blockpair needs node ${payload.nodeMajor} or newer; install a newer one or pass --node PATH`)
  }
  if (p.platform !== process.platform || p.arch !== process.arch) {
    throw new ConnectError('E_REMOTE_PLATFORM', `${host} runs ${p.platform}-${p.arch}, and this blockpair carries native modules for ${process.platform}-${process.arch}; run install from a ${p.platform}-${p.arch} machine`)
  }
  return p.node
}

/**
 * The key: the host's, if it has one (saved here when this side's differs);
 * else this side's, or a new one, to send there.
 */
function chooseKey(p: Probe, o: Resolved): {key: Key, local: Key | null, keySaved: boolean, sendKey: boolean} {
  const local = readLocalKey(o.keyFile)
  if (p.key) {
    const key = parseKeys(p.key, `${o.host}:${o.prefix}/etc/psk`).keys[0] as Key
    const differs = !local || formatKey(local) !== formatKey(key)
    if (differs) writeLocalKey(o.keyFile, key)
    return {key, local, keySaved: differs, sendKey: false}
  }
  const key = local ?? newKey(os.hostname().replace(/[^A-Za-z0-9._@-]/g, '-').slice(0, 64) || 'blockpair')
  return {key, local, keySaved: false, sendKey: true}
}

export async function install(opts: InstallOptions): Promise<InstallResult> {
  const o = resolveOptions(opts)
  const listen = opts.listen ?? DEFAULT_LISTEN
  const [listenHost, port] = parseListen(listen, false)
  if (opts.allow.length === 0 && (opts.allowDevices ?? []).length === 0) {
    throw new UsageError('E_INSTALL_ALLOW', 'give at least one --allow DIR (or --allow-device DEV): what the agent may read and write')
  }
  const allow = opts.allow.map(d => absolute(d, '--allow'))
  const allowDevices = (opts.allowDevices ?? []).map(d => absolute(d, '--allow-device'))
  const payload = collectPayload(opts.root)
  const template = fs.readFileSync(unitTemplatePath(payload.root), 'utf8')

  const p = await probe(o)
  const node = checkRemoteNode(p, o.host, payload)
  const changed: string[] = []
  const {key, local, sendKey, ...chosen} = chooseKey(p, o)
  let keySaved = chosen.keySaved

  if (parseStamp(p.stamp)?.hash !== payload.hash) {
    const stamp = JSON.stringify({version: payload.version, hash: payload.hash, node})
    const tar = tarStream(payload)
    const r = await sshExec({target: o.target, ssh: o.ssh, script: UPLOAD_SH, args: [o.prefix, stamp], input: tar.stream})
    await tar.done
    if (r.code !== 0) throw remoteFailure('E_INSTALL_COPY', `copying blockpair to ${o.host}:${o.prefix} failed`, r)
    changed.push('files')
  }
  if (sendKey) {
    const r = await sshExec({target: o.target, ssh: o.ssh, script: KEY_SH, args: [o.prefix], input: formatKey(key)})
    if (r.code !== 0) throw remoteFailure('E_INSTALL_KEY', `writing the key to ${o.host}:${o.prefix}/etc/psk failed`, r)
    changed.push('key')
    if (!local) {
      writeLocalKey(o.keyFile, key)
      keySaved = true
    }
  }
  const params = {node, prefix: o.prefix, listen, allow, allowDevices, workers: opts.workers}
  const unitText = renderUnit(params, template)
  if (p.unit !== unitText) {
    const r = await sshExec({target: o.target, ssh: o.ssh, script: UNIT_SH, args: [o.unit], input: unitText})
    if (r.code !== 0) throw remoteFailure('E_INSTALL_UNIT', `writing ${o.host}:${o.unit} failed`, r)
    changed.push('unit')
  }

  let service: InstallResult['service']
  if (opts.start === false) service = 'no-start'
  else if (!p.systemd) service = 'no-systemd'
  else {
    const verb = changed.length > 0 ? 'restart' : 'start'
    const r = await sshExec({target: o.target, ssh: o.ssh, script: START_SH, args: [verb]})
    if (r.code !== 0) {
      throw remoteFailure('E_INSTALL_START', `the agent service did not start on ${o.host}; see 'journalctl -u ${UNIT_NAME}' there`, r)
    }
    service = verb === 'restart' ? (p.unit ? 'restarted' : 'started') : 'running'
  }

  const wildcard = ['0.0.0.0', '::', ''].includes(listenHost)
  const addrHost = wildcard ? await sshHostname(o.ssh, o.target) : listenHost
  return {
    host: o.host,
    address: `agent://${addrHost.includes(':') ? `[${addrHost}]` : addrHost}:${port}/`,
    prefix: o.prefix,
    unit: o.unit,
    keyFile: o.keyFile,
    remoteKeyFile: path.posix.join(o.prefix, 'etc/psk'),
    changed,
    keySaved,
    service,
    command: agentCommand(params),
    version: payload.version,
    bytes: changed.includes('files') ? payload.bytes : 0,
  }
}

function parseStamp(text: string | null | undefined): {hash?: string} | null {
  if (!text) return null
  try {
    return JSON.parse(text) as {hash?: string}
  } catch {
    return null
  }
}

export interface UninstallResult {
  host: string
  /** What was removed: 'service' (stopped and disabled), 'unit', 'prefix', 'local key'. */
  removed: string[]
  /** PREFIX exists but holds no install stamp: left as it was. */
  prefixKept: boolean
  prefix: string
  unit: string
  keyFile: string
}

const UNINSTALL_SH = `
prefix=$1 unit=$2 stop=$3
sd=0
if [ "$stop" = 1 ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then sd=1; fi
if [ $sd = 1 ]; then
  if systemctl is-enabled --quiet ${UNIT_NAME} 2>/dev/null || systemctl is-active --quiet ${UNIT_NAME}; then
    systemctl disable --now --quiet ${UNIT_NAME} && echo service
  fi
fi
if [ -e "$unit" ]; then rm -f "$unit" && echo unit; fi
if [ $sd = 1 ]; then systemctl daemon-reload; fi
if [ -f "$prefix/${STAMP}" ]; then rm -rf "$prefix" && echo prefix
elif [ -e "$prefix" ]; then echo kept; fi
exit 0
`

export async function uninstall(opts: Pick<InstallOptions, 'target' | 'ssh' | 'prefix' | 'unitDir' | 'keyFile' | 'start'>): Promise<UninstallResult> {
  const o = resolveOptions(opts)
  const r = await sshExec({target: o.target, ssh: o.ssh, script: UNINSTALL_SH, args: [o.prefix, o.unit, opts.start === false ? '0' : '1']})
  const said = r.stdout.split('\n').map(l => l.trim())
  const removed = ['service', 'unit', 'prefix'].filter(w => said.includes(w))
  if (r.code !== 0) throw remoteFailure('E_UNINSTALL', `removing blockpair from ${o.host} failed`, r)
  if (fs.existsSync(o.keyFile)) {
    try {
      fs.rmSync(o.keyFile)
      removed.push('local key')
    } catch (err) {
      throw new IoError('E_KEY_WRITE', `cannot remove ${o.keyFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    }
  }
  return {host: o.host, removed, prefixKept: said.includes('kept'), prefix: o.prefix, unit: o.unit, keyFile: o.keyFile}
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (err) {
    throw new IoError('E_INSTALL_SOURCE', `cannot read ${file}: ${(err as Error).message}`)
  }
}

/** For messages: the command line as one shell line. */
export function shellLine(words: readonly string[]): string {
  return words.map(shellQuote).join(' ')
}

/** What install did, in words; the last line is the agent:// address to use. */
export function describeInstall(r: InstallResult): string {
  const command = shellLine(r.command)
  const lines = [r.changed.length === 0
    ? `already installed, nothing changed on ${r.host} (blockpair ${r.version} in ${r.prefix})`
    : `installed blockpair ${r.version} in ${r.host}:${r.prefix}; wrote ${r.changed.join(', ')}${r.bytes ? ` (${formatBytes(r.bytes)} of files)` : ''}`]
  lines.push(`  unit:    ${r.unit} on ${r.host}`)
  if (r.service === 'no-start') {
    lines.push(`  service: not started (--no-start); with systemd: systemctl daemon-reload && systemctl enable --now ${UNIT_NAME}`,
      `           without systemd, run: ${command}`)
  } else if (r.service === 'no-systemd') {
    lines.push(`  service: not started: systemd is not running on ${r.host}; start the agent yourself: ${command}`)
  } else {
    lines.push(`  service: ${r.service} (systemctl status ${UNIT_NAME})`)
  }
  lines.push(`  key:     ${r.keyFile}${r.keySaved ? ' (saved now)' : ''}; the agent's copy is ${r.host}:${r.remoteKeyFile}`,
    `  push:    blockpair push FILE ${r.address.replace(/\/$/, '')}/PATH/IN/ALLOWED/FOLDER --psk-file ${r.keyFile}`,
    r.address)
  return lines.join('\n')
}

export function describeUninstall(r: UninstallResult): string {
  const lines = [r.removed.length === 0 && !r.prefixKept ? `blockpair is not installed on ${r.host}; nothing removed` : `removed from ${r.host}: ${r.removed.join(', ') || 'nothing'}`]
  if (r.prefixKept) lines.push(`  ${r.prefix} was left as it is: it holds no blockpair install stamp`)
  return lines.join('\n')
}
