// --changed-ranges through the CLI and a real agent: a first plain sync
// records the pair's lineage at both ends, then a list of what changed is all
// that is read at either end; every broken lineage falls back to the full
// compare and says why; the QEMU path for real (a dirty bitmap over NBD from
// qemu-storage-daemon, listed by qemu-img map); a loop device as destination
// with and without --trust-destination, and as source; SIGKILL mid-sync then
// `resume`. Every sync ends identical (cmp).

import {execFileSync, spawn, type ChildProcess} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import t, {type Test} from 'tap'
import type {JobRecord} from '../../agent/run/jobs.js'
import {pairDir, pairKey} from '../../agent/track/state.js'
import {cli, keygen, REPO_ROOT, startAgent, type Agent} from '../helpers/cli.js'
import {KiB, MiB, attachLoop, loopSkipReason} from '../helpers/disks.js'
import {until} from '../helpers/hostile.js'
import {relay} from '../helpers/relay.js'

const BIN = path.join(REPO_ROOT, 'bin/run.js')
const BLOCK = 64 * KiB
const SIZE = 16 * MiB

/** A pair of files in a test's folder (dir: src/, dst/ and state/ in it), the jobs' --state-dir, and the agent serving both folders. */
type World = Record<'dir' | 'src' | 'dst' | 'state' | 'psk', string> & {agent: Agent}

// One agent for the file, serving every test's folder below `base`: each test has its own pair
// (lineage records are per pair), and an agent start per test cost more than most of its syncs.
const base = t.testdir()
const sharedKey = await keygen(base)
const sharedAgent = await startAgent(t, {allow: [base], keyFile: sharedKey})
let worlds = 0

async function world(): Promise<World> {
  const dir = path.join(base, `world-${++worlds}`)
  for (const d of ['src', 'dst', 'state']) fs.mkdirSync(path.join(dir, d), {recursive: true})
  const src = path.join(dir, 'src', 'disk.img')
  fs.writeFileSync(src, randomBytes(SIZE))
  return {dir, src, dst: path.join(dir, 'dst', 'disk.img'), state: path.join(dir, 'state'), psk: sharedKey, agent: sharedAgent}
}

function syncArgs(w: World, verb: 'push' | 'pull', extra: string[], port = w.agent.port): string[] {
  const ends = verb === 'push' ? [w.src, `agent://127.0.0.1:${port}${w.dst}`] : [`agent://127.0.0.1:${port}${w.src}`, w.dst]
  return [verb, ...ends, '--psk-file', w.psk, '--state-dir', w.state, '--block-size', '64K', '--json', ...extra]
}

interface Result {
  bytesReadSource: number
  bytesReadDest: number
  changeTracking: {method: string | null; used: boolean; reason: string | null; bytesSkipped: number}
  code?: string
}

async function sync(t: Test, w: World, verb: 'push' | 'pull', extra: string[] = [], want = 0): Promise<Result> {
  const r = await cli(syncArgs(w, verb, extra))
  t.equal(r.code, want, r.stderr)
  return r.json() as unknown as Result
}

/** `cmp`: an independent check that two files (or the first `n` bytes) are equal. */
function identical(a: string, b: string, n?: number): boolean {
  try {
    execFileSync('cmp', [...(n === undefined ? [] : ['-n', String(n)]), a, b], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}

/** Write 4 KiB of new data at each offset of `file` (a file or a device); the list in bytes, as a script would write it. */
function scribble(file: string, offsets: readonly number[]): string {
  const fd = fs.openSync(file, 'r+')
  for (const o of offsets) fs.writeSync(fd, randomBytes(4 * KiB), 0, 4 * KiB, o)
  fs.fsyncSync(fd)
  fs.closeSync(fd)
  return offsets.map(o => `${o} ${4 * KiB}\n`).join('')
}

function listFile(w: World, text: string, name = 'changed.txt'): string {
  const file = path.join(w.dir, name)
  fs.writeFileSync(file, text)
  return file
}

const OFFSETS = [0, 3 * MiB + 4 * KiB, 7 * MiB + 60 * KiB, SIZE - 4 * KiB]

for (const verb of ['push', 'pull'] as const) {
  t.test(`${verb}: a plain sync, then only the listed ranges are read at either end`, async t => {
    const w = await world()
    const first = await sync(t, w, verb)
    t.match(first.changeTracking, {used: false})
    const list = listFile(w, scribble(w.src, OFFSETS))
    const s = await sync(t, w, verb, ['--changed-ranges', list])
    t.match(s.changeTracking, {method: 'ranges', used: true, reason: null})
    // Read in 4 KiB pieces, not whole --block-size blocks (the engine refines within a block).
    const bound = OFFSETS.length * 4 * KiB
    t.ok(s.bytesReadSource <= bound, `source read ${s.bytesReadSource} <= ${bound}`)
    t.ok(s.bytesReadDest <= bound, `destination read ${s.bytesReadDest} <= ${bound}`)
    t.equal(s.changeTracking.bytesSkipped, SIZE - bound)
    t.ok(identical(w.src, w.dst), 'identical')
    const none = await sync(t, w, verb, ['--changed-ranges', listFile(w, '# nothing changed\n')])
    t.match(none.changeTracking, {used: true, bytesSkipped: SIZE}, 'a list that says nothing changed: nothing read, still checked')
    t.equal(none.bytesReadSource + none.bytesReadDest, 0)
  })
}

t.test('growth past the last sync is read without being listed', async t => {
  const w = await world()
  await sync(t, w, 'push')
  fs.appendFileSync(w.src, randomBytes(MiB + 512))
  const s = await sync(t, w, 'push', ['--changed-ranges', listFile(w, '# nothing changed\n')])
  t.match(s.changeTracking, {used: true})
  t.ok(s.bytesReadSource <= MiB + BLOCK, `source read ${s.bytesReadSource}`)
  t.ok(identical(w.src, w.dst), 'identical')
})

t.test('every broken lineage falls back to the full compare and says why', async t => {
  const w = await world()
  const list = (): string => listFile(w, scribble(w.src, [MiB]))
  let s = await sync(t, w, 'push', ['--changed-ranges', list()])
  t.match(s.changeTracking, {method: 'ranges', used: false, reason: /first sync/})
  t.equal(s.bytesReadSource, SIZE)
  t.ok(identical(w.src, w.dst), 'identical after the first sync')

  // Something wrote to the destination: the list cannot know.
  scribble(w.dst, [5 * MiB])
  s = await sync(t, w, 'push', ['--changed-ranges', list()])
  t.match(s.changeTracking, {used: false, reason: /destination changed/})
  t.ok(identical(w.src, w.dst), 'the full compare repaired what the list did not name')

  // The same source to another destination: no lineage of that pair.
  const other = path.join(w.dir, 'dst', 'other.img')
  const r = await cli(['push', w.src, `agent://127.0.0.1:${w.agent.port}${other}`, '--psk-file', w.psk, '--state-dir', w.state, '--json', '--changed-ranges', list()])
  t.equal(r.code, 0, r.stderr)
  t.match((r.json() as unknown as Result).changeTracking, {used: false, reason: /first sync/})
  t.ok(identical(w.src, other))

  // The source's host came back from a backup with an older record: the two ends name different syncs.
  const record = path.join(pairDir(w.src, pairKey(w.src, `agent://127.0.0.1:${w.agent.port}${w.dst}`)), 'source.json')
  const old = fs.readFileSync(record)
  await sync(t, w, 'push', ['--changed-ranges', list()])
  fs.writeFileSync(record, old)
  s = await sync(t, w, 'push', ['--changed-ranges', list()])
  t.match(s.changeTracking, {used: false, reason: /different syncs/})
  t.ok(identical(w.src, w.dst), 'identical')

  // And the lineage holds again after that full compare.
  s = await sync(t, w, 'push', ['--changed-ranges', list()])
  t.match(s.changeTracking, {used: true})
  t.ok(identical(w.src, w.dst), 'identical')
})

t.test('bad lists and flag conflicts are usage errors before anything is written', async t => {
  const w = await world()
  for (const [text, code, extra] of [
    ['0 -1\n', 'E_RANGES_BAD', []],
    [`${SIZE} 1\n`, 'E_RANGES_PAST_END', []],
    ['<diff><different begin="0" length="1"/></diff>', 'E_THIN_BLOCK_SIZE', []],
    ['0 1\n', 'E_RANGES_CONFLICT', ['--track-changes']],
    ['0 1\n', 'E_RANGES_CONFLICT', ['--streams', '2']],
  ] as const) {
    const r = await cli(syncArgs(w, 'push', ['--changed-ranges', listFile(w, text), ...extra]))
    t.equal(r.code, 2, `${code}: ${r.stderr}`)
    t.equal(r.json().code, code)
    t.notOk(fs.existsSync(w.dst), 'nothing written')
  }
  const qcow = path.join(w.dir, 'src', 'vm.qcow2')
  fs.writeFileSync(qcow, Buffer.concat([Buffer.from('QFI\xfb', 'latin1'), Buffer.alloc(64 * KiB - 4)]))
  for (const verb of ['push', 'pull'] as const) {
    const ends = verb === 'push' ? [qcow, `agent://127.0.0.1:${w.agent.port}${w.dst}`] : [`agent://127.0.0.1:${w.agent.port}${qcow}`, path.join(w.dir, 'pulled.img')]
    const r = await cli([verb, ...ends, '--psk-file', w.psk, '--state-dir', w.state, '--json', '--changed-ranges', listFile(w, '# nothing changed\n')])
    t.equal(r.code, 2, r.stderr)
    t.equal(r.json().code, 'E_RANGES_QCOW2', `${verb}: a qcow2 source is refused`)
  }
  t.notOk(fs.existsSync(w.dst) || fs.existsSync(path.join(w.dir, 'pulled.img')), 'nothing written')
})

// ---- QEMU: a dirty bitmap, as a hypervisor keeps one -------------------------

function qemuSkipReason(): string | false {
  for (const bin of ['qemu-storage-daemon', 'qemu-io', 'qemu-img']) {
    try {
      execFileSync(bin, ['--version'], {stdio: 'ignore'})
    } catch {
      return `${bin} is not installed (Debian: qemu-utils, qemu-system-common)`
    }
  }
  return false
}

/** A QMP client on a unix socket: one command at a time, events skipped. */
async function qmp(socketPath: string): Promise<{cmd(execute: string, args?: object): Promise<unknown>; close(): void}> {
  const sock = net.connect(socketPath)
  let buf = ''
  const waiting: Array<(m: Record<string, unknown>) => void> = []
  sock.setEncoding('utf8').on('data', (d: string) => {
    buf += d
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const m = JSON.parse(buf.slice(0, nl)) as Record<string, unknown>
      buf = buf.slice(nl + 1)
      if (!('event' in m)) waiting.shift()?.(m)
    }
  })
  const next = (): Promise<Record<string, unknown>> => new Promise(resolve => waiting.push(resolve))
  await next() // the greeting
  const cmd = async (execute: string, args?: object): Promise<unknown> => {
    const reply = next()
    sock.write(JSON.stringify(args ? {execute, arguments: args} : {execute}) + '\n')
    const m = await reply
    if (m.error) throw new Error(`QMP ${execute}: ${JSON.stringify(m.error)}`)
    return m.return
  }
  await cmd('qmp_capabilities')
  return {cmd, close: () => sock.destroy()}
}

/** qemu-storage-daemon serving `image` (raw) over NBD on a unix socket, with a QMP monitor; stopped at teardown. */
async function storageDaemon(t: Test, image: string): Promise<{nbd: string; qmp: string; proc: ChildProcess}> {
  // A unix socket's path must fit in 108 bytes: not under the test's own folder.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'blockpair-qsd-'))
  t.teardown(() => fs.rmSync(dir, {recursive: true, force: true}))
  const nbd = path.join(dir, 'nbd.sock')
  const monitor = path.join(dir, 'qmp.sock')
  const proc = spawn('qemu-storage-daemon', [
    '--blockdev', `driver=file,node-name=file0,filename=${image}`, '--blockdev', 'driver=raw,node-name=disk0,file=file0',
    '--nbd-server', `addr.type=unix,addr.path=${nbd}`,
    '--chardev', `socket,id=qmp,path=${monitor},server=on,wait=off`, '--monitor', 'chardev=qmp',
  ], {stdio: 'ignore'})
  const exited = new Promise(resolve => proc.once('close', resolve))
  t.teardown(async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM')
    await exited
  })
  await until(() => fs.existsSync(monitor) && fs.existsSync(nbd), 30_000, 'qemu-storage-daemon to listen')
  return {nbd, qmp: monitor, proc}
}

t.test('qemu: a dirty bitmap over NBD, listed by qemu-img map, is what the sync reads', {skip: qemuSkipReason()}, async t => {
  const w = await world()
  await sync(t, w, 'push')
  const qsd = await storageDaemon(t, w.src)
  const mon = await qmp(qsd.qmp)
  await mon.cmd('block-dirty-bitmap-add', {node: 'disk0', name: 'since-sync', granularity: 4096})
  await mon.cmd('block-export-add', {type: 'nbd', id: 'export0', 'node-name': 'disk0', writable: true, bitmaps: ['since-sync']})
  // The guest's writes, through the export.
  const url = `nbd+unix:///disk0?socket=${qsd.nbd}`
  execFileSync('qemu-io', ['-f', 'raw', url, '-c', 'write -P 0x5a 70000 5000', '-c', `write -P 0xa5 ${9 * MiB} ${64 * KiB}`, '-c', `write -P 0x33 ${SIZE - 4096} 4096`], {stdio: 'ignore'})
  const map = execFileSync('qemu-img', ['map', '--output=json', '--image-opts',
    `driver=nbd,export=disk0,server.type=unix,server.path=${qsd.nbd},x-dirty-bitmap=qemu:dirty-bitmap:since-sync`], {encoding: 'utf8'})
  const exited = new Promise(resolve => qsd.proc.once('close', resolve))
  await mon.cmd('quit')
  mon.close()
  await exited
  const s = await sync(t, w, 'push', ['--changed-ranges', listFile(w, map, 'map.json')])
  t.match(s.changeTracking, {method: 'ranges', used: true, reason: null})
  // 70000+5000 spans two 4 KiB bitmap granules in one 64 KiB block; 64 KiB at 9 MiB; the last 4 KiB.
  t.ok(s.bytesReadSource <= 3 * BLOCK, `source read ${s.bytesReadSource}`)
  t.ok(s.bytesReadDest <= 3 * BLOCK, `destination read ${s.bytesReadDest}`)
  t.ok(identical(w.src, w.dst), 'identical')
})

// ---- block devices -----------------------------------------------------------

const loopSkip = loopSkipReason()

t.test('a loop device as destination: read in full unless --trust-destination', {skip: loopSkip}, async t => {
  const w = await world()
  const backing = path.join(w.dir, 'dst', 'backing.img')
  fs.writeFileSync(backing, Buffer.alloc(0))
  fs.truncateSync(backing, SIZE)
  const dev = attachLoop(t, backing)
  const agent = await startAgent(t, {allow: [path.join(w.dir, 'src')], keyFile: w.psk, extra: ['--allow-device', dev]})
  const to = `agent://127.0.0.1:${agent.port}${dev}`
  const push = async (extra: string[]): Promise<Result> => {
    const r = await cli(['push', w.src, to, '--psk-file', w.psk, '--state-dir', w.state, '--block-size', '64K', '--json', ...extra])
    t.equal(r.code, 0, r.stderr)
    return r.json() as unknown as Result
  }
  await push([])
  let s = await push(['--changed-ranges', listFile(w, scribble(w.src, OFFSETS))])
  t.match(s.changeTracking, {method: 'ranges', used: false, reason: /block device.*--trust-destination/})
  t.equal(s.bytesReadDest, SIZE, 'the device was read in full')
  t.ok(identical(w.src, dev, SIZE), 'identical')
  s = await push(['--changed-ranges', listFile(w, scribble(w.src, OFFSETS)), '--trust-destination'])
  t.match(s.changeTracking, {method: 'ranges', used: true, reason: null})
  t.ok(s.bytesReadSource <= OFFSETS.length * BLOCK && s.bytesReadDest <= OFFSETS.length * BLOCK, `read ${s.bytesReadSource} + ${s.bytesReadDest}`)
  t.ok(identical(w.src, dev, SIZE), 'identical')
})

t.test('a loop device as source reads only the listed ranges', {skip: loopSkip}, async t => {
  const w = await world()
  const dev = attachLoop(t, w.src)
  const r1 = await cli(['push', dev, `agent://127.0.0.1:${w.agent.port}${w.dst}`, '--psk-file', w.psk, '--state-dir', w.state, '--block-size', '64K', '--json'])
  t.equal(r1.code, 0, r1.stderr)
  // Written through the device, as a guest would (the backing file's page cache is not the device's).
  const list = listFile(w, scribble(dev, OFFSETS))
  const r = await cli(['push', dev, `agent://127.0.0.1:${w.agent.port}${w.dst}`, '--psk-file', w.psk, '--state-dir', w.state, '--block-size', '64K', '--json', '--changed-ranges', list])
  t.equal(r.code, 0, r.stderr)
  const s = r.json() as unknown as Result
  t.match(s.changeTracking, {method: 'ranges', used: true})
  t.ok(s.bytesReadSource <= OFFSETS.length * BLOCK, `source read ${s.bytesReadSource}`)
  t.ok(identical(dev, w.dst), 'identical')
})

// ---- SIGKILL mid-sync, then resume ----------------------------------------------

function runningJob(w: World): boolean {
  return fs.readdirSync(w.state).filter(n => n.endsWith('.json'))
    .some(n => {
      const j = JSON.parse(fs.readFileSync(path.join(w.state, n), 'utf8')) as JobRecord
      return j.state === 'running' && j.checkpoint > 0
    })
}

t.test('SIGKILL of the client mid-sync, then resume keeps the list and ends identical', async t => {
  const w = await world()
  await sync(t, w, 'push')
  // All of it changed, so the paced sync is long enough to be killed in its middle.
  fs.writeFileSync(w.src, randomBytes(SIZE))
  const list = listFile(w, `0 ${SIZE}\n`)
  const port = await relay(t, w.agent.port, 4 * MiB)
  const proc = spawn(process.execPath, [BIN, ...syncArgs(w, 'push', ['--changed-ranges', list], port)], {stdio: ['ignore', 'pipe', 'pipe'], env: {...process.env, NO_COLOR: '1'}})
  let output = ''
  proc.stdout?.setEncoding('utf8').on('data', (d: string) => { output += d })
  proc.stderr?.setEncoding('utf8').on('data', (d: string) => { output += d })
  const exited = new Promise(resolve => proc.once('close', resolve))
  await until(() => runningJob(w) || proc.exitCode !== null, 60_000, 'a checkpoint')
  t.equal(proc.exitCode, null, `killed in the middle, not after the end ${output}`)
  proc.kill('SIGKILL')
  await exited
  const r = await cli(['resume', '--state-dir', w.state, '--json'])
  t.equal(r.code, 0, r.stderr)
  const resumed = r.json() as unknown as Result
  t.equal(resumed.changeTracking.method, 'ranges', 'the job kept --changed-ranges')
  t.match(resumed.changeTracking, {used: true, reason: null}, 'the destination outlived the kill and restamped its record (written only within the list): the resume reads only the list again')
  t.ok(identical(w.src, w.dst), 'identical after the resume')
  const next = await sync(t, w, 'push', ['--changed-ranges', listFile(w, scribble(w.src, OFFSETS))])
  t.match(next.changeTracking, {used: true}, 'the lineage holds again')
  t.ok(identical(w.src, w.dst), 'identical after the next sync')
})
