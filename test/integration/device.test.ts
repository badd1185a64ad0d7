// Block devices (loop devices, detached at teardown) as source and as
// destination, at the local end and at the agent, through the CLI: sizes from
// BLKGETSIZE64, a larger destination said in the summary, a smaller one refused
// before anything is written, a mounted or exclusively held device refused
// (exit 7) unless --force.

import t, {type Test} from 'tap'
import {execFileSync} from 'node:child_process'
import {createHash, randomBytes} from 'node:crypto'
import {closeSync, constants, existsSync, fsyncSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync} from 'node:fs'
import {join} from 'node:path'
import {newKey, writeKeyFile} from '../../agent/wire/keys.js'
import type {Summary} from '../../agent/session/session.js'
import {cli, ensureBuilt, REPO_ROOT, startAgent, startCli, type Agent, type CliResult} from '../helpers/cli.js'
import {until} from '../helpers/hostile.js'
import type {JobRecord} from '../../agent/run/jobs.js'
import {KiB, MiB, allocated, attachLoop, isHole, loopDevice, loopSkipReason, mountExt4, put, sparseFile} from '../helpers/disks.js'

const skip = loopSkipReason()
const SLACK = 64 * KiB

/** True when the first `n` bytes of a and b are equal (cmp: an independent check). */
function same(a: string, b: string, n: number): boolean {
  try {
    execFileSync('cmp', ['-n', String(n), a, b], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}

function digest(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}

/** An agent that may use `dir` and the given devices (by --allow-device where it exists). */
async function agentFor(t: Test, dir: string, devices: string[]): Promise<{agent: Agent; key: string}> {
  const key = join(dir, 'psk')
  writeKeyFile(key, newKey('test'))
  ensureBuilt()
  const exact = readFileSync(join(REPO_ROOT, 'dist/cli/commands/agent.js'), 'utf8').includes("'allow-device'")
  const extra = exact ? devices.flatMap(d => ['--allow-device', d]) : ['--allow', '/dev']
  return {agent: await startAgent(t, {allow: [dir], keyFile: key, extra}), key}
}

async function run(t: Test, args: string[], want: number, what: string): Promise<CliResult & {summary: Summary & {code?: string; message?: string}}> {
  const r = await cli([...args, '--json'])
  t.equal(r.code, want, `${what}: exit ${want}${r.code === want ? '' : ` (${r.stderr.trim()})`}`)
  return {...r, summary: r.json() as unknown as Summary & {code?: string; message?: string}}
}

t.test('a loop device as the source', {skip}, async t => {
  const dir = t.testdir({dst: {}})
  const size = 48 * MiB
  const backing = join(dir, 'backing.img')
  const pieces: Array<[number, number]> = [[MiB, 4 * MiB], [20 * MiB + 12 * KiB, 300 * KiB], [47 * MiB, MiB]]
  sparseFile(backing, size, pieces)
  const dev = attachLoop(t, backing)
  const {agent, key} = await agentFor(t, dir, [dev])
  const dst = join(dir, 'dst/fromdev.img')

  const first = await run(t, ['push', dev, agent.url(dst), '--psk-file', key], 0, 'push from the device')
  const data = pieces.reduce((n, [, l]) => n + l, 0)
  t.equal(first.summary.size, size, 'size from BLKGETSIZE64')
  t.equal(first.summary.bytesReadSource, size, 'a device has no holes to skip: all of it is read')
  t.equal(first.summary.bytesSent, data, 'only the non-zero data is sent')
  t.ok(same(dev, dst, size) && statSync(dst).size === size, 'identical')
  t.ok(allocated(dst) <= data + SLACK, `the device's zeros are holes at the destination (${allocated(dst)} bytes allocated)`)

  // Change three 4 KiB pieces and zero 64 KiB, through the device.
  for (const at of [2 * MiB, 20 * MiB + 16 * KiB, 47 * MiB + 100 * 4 * KiB]) put(dev, at, randomBytes(4 * KiB))
  put(dev, 3 * MiB, Buffer.alloc(64 * KiB))
  const again = await run(t, ['push', dev, agent.url(dst), '--psk-file', key], 0, 'incremental push from the device')
  t.equal(again.summary.bytesSent, 3 * 4 * KiB, 'three 4 KiB pieces sent')
  t.ok(isHole(dst, 3 * MiB, 64 * KiB), 'the zeroed range is a hole at the destination')
  t.ok(same(dev, dst, size), 'identical again')

  // The device at the agent: pull it.
  const pulled = join(dir, 'dst/pulled.img')
  const p = await run(t, ['pull', agent.url(dev), pulled, '--psk-file', key], 0, 'pull from a device at the agent')
  t.equal(p.summary.size, size, 'the agent sized its device')
  t.ok(same(dev, pulled, size) && statSync(pulled).size === size, 'identical')
  t.ok(allocated(pulled) <= allocated(dst) + SLACK, 'and as sparse as the pushed copy')
})

t.test('a loop device as the destination, local and at the agent (larger than the source)', {skip}, async t => {
  const dir = t.testdir({src: {}})
  const devSize = 40 * MiB
  const size = 32 * MiB + 1234 // odd: its last piece is shorter than a sector
  const src = join(dir, 'src/vm.img')
  // A hole at the end: the device's 0xAA there must become zeros.
  sparseFile(src, size, [[0, 64 * KiB], [8 * MiB + 4 * KiB, MiB + 20 * KiB], [32 * MiB - 4 * KiB, 4 * KiB]])
  const local = loopDevice(t, dir, 'local.img', devSize, 0xaa)
  const remote = loopDevice(t, dir, 'remote.img', devSize, 0xaa)
  const {agent, key} = await agentFor(t, dir, [remote.dev])
  const tailIntact = (dev: string): boolean => readFileSync(dev).subarray(size).every(b => b === 0xaa)

  // Pull into the local device: the issue's "a loop device as destination ends identical to the source file".
  const p = await run(t, ['pull', agent.url(src), local.dev, '--psk-file', key], 0, 'pull into a device')
  t.ok(same(src, local.dev, size), 'the device holds the source')
  t.ok(tailIntact(local.dev), 'the device past the source size is left as it was')
  t.equal(p.summary.destinationLargerBy, devSize - size, 'the summary says the device is larger')
  t.equal(p.summary.bytesReadDest, size, 'the device is read up to the source size only')
  t.ok(p.summary.bytesZeroed >= size - allocated(src), 'the zeros of the source were zeroed on the device')
  const human = await cli(['pull', agent.url(src), local.dev, '--psk-file', key])
  t.match(human.stdout, /larger than the source/, 'and so does the human summary')

  // Incremental: three 4 KiB changes and a punched range.
  for (const at of [4 * KiB, 8 * MiB + 40 * KiB, 9 * MiB]) put(src, at, randomBytes(4 * KiB))
  execFileSync('fallocate', ['--punch-hole', '--offset', String(8 * MiB + 68 * KiB), '--length', String(128 * KiB), src])
  const inc = await run(t, ['pull', agent.url(src), local.dev, '--psk-file', key], 0, 'incremental pull into a device')
  t.equal(inc.summary.bytesSent, 3 * 4 * KiB, 'three 4 KiB pieces sent')
  t.ok(same(src, local.dev, size), 'identical after the incremental pull')

  // The device at the agent.
  const r = await run(t, ['push', src, agent.url(remote.dev), '--psk-file', key], 0, 'push to a device at the agent')
  t.ok(same(src, remote.dev, size), 'the remote device holds the source')
  t.ok(tailIntact(remote.dev), 'and its tail is left as it was')
  t.equal(r.summary.destinationLargerBy, devSize - size, 'the summary says the remote device is larger')
})

t.test('a device smaller than the source fails before anything is written', {skip}, async t => {
  const dir = t.testdir({src: {}})
  const src = join(dir, 'src/vm.img')
  const size = 32 * MiB
  sparseFile(src, size, [[0, MiB], [31 * MiB, MiB]])
  const local = loopDevice(t, dir, 'local.img', 16 * MiB, 0x5a)
  const remote = loopDevice(t, dir, 'remote.img', 16 * MiB, 0x5a)
  const before = digest(local.dev)
  const {agent, key} = await agentFor(t, dir, [remote.dev])

  for (const [what, args, dev] of [
    ['pull into a small local device', ['pull', agent.url(src), local.dev], local.dev],
    ['push to a small device at the agent', ['push', src, agent.url(remote.dev)], remote.dev],
  ] as const) {
    const r = await run(t, [...args, '--psk-file', key], 5, what)
    t.equal(r.summary.code, 'E_DEVICE_TOO_SMALL', `${what}: E_DEVICE_TOO_SMALL`)
    t.match(r.summary.message, new RegExp(`${16 * MiB} bytes but the source has ${size}`), `${what}: the message gives both sizes`)
    t.match(r.stderr, /at least as big as the source/, `${what}: and says what to do`)
    t.equal(digest(dev), before, `${what}: nothing was written`)
  }
})

t.test('a mounted or exclusively held device is refused unless --force', {skip}, async t => {
  const dir = t.testdir({src: {}})
  const src = join(dir, 'src/vm.img')
  const size = 8 * MiB
  // Zeros at the start: over the superblock of the mounted filesystem, which
  // the kernel will not let BLKZEROOUT drop from its cache (written instead).
  sparseFile(src, size, [[MiB, MiB], [6 * MiB + 4 * KiB, 8 * KiB]])
  const mounted = loopDevice(t, dir, 'mounted.img', 16 * MiB)
  const held = loopDevice(t, dir, 'held.img', 16 * MiB, 0x77)
  mountExt4(t, mounted.dev)
  const holder = openSync(held.dev, constants.O_RDONLY | constants.O_EXCL)
  t.teardown(() => closeSync(holder))
  const {agent, key} = await agentFor(t, dir, [mounted.dev, held.dev])

  for (const dev of [mounted.dev, held.dev]) {
    const what = dev === mounted.dev ? 'mounted' : 'held open exclusively'
    const before = digest(dev)
    for (const args of [['pull', agent.url(src), dev], ['push', src, agent.url(dev)]]) {
      const r = await run(t, [...args, '--psk-file', key], 7, `${what}: ${args[0]}`)
      t.equal(r.summary.code, 'E_DEVICE_BUSY', `${what}: ${args[0]}: E_DEVICE_BUSY`)
      // A mounted one is named with its mount point and never told to --force (that writes under a live file system).
      t.match(r.stderr, dev === mounted.dev ? /mounted at .*unmount it first/ : /in use by another program.*--force/, `${what}: ${args[0]}: says why and what to do`)
    }
    t.equal(digest(dev), before, `${what}: nothing was written`)
  }

  const forced = await run(t, ['pull', agent.url(src), held.dev, '--psk-file', key, '--force'], 0, 'held: pull --force')
  t.ok(same(src, held.dev, size), 'held: --force wrote it')
  t.equal(forced.summary.destinationLargerBy, 8 * MiB)
  const pushed = await run(t, ['push', src, agent.url(mounted.dev), '--psk-file', key, '--force'], 0, 'mounted: push --force to the agent')
  t.ok(pushed.summary.ok, 'mounted: --force overrides at the agent too')
  t.ok(same(src, mounted.dev, size), 'mounted: --force wrote it (zeros over the superblock included)')
})

t.test('regression (issue 14, item 1): a resume to a device compares the part already synced again', {skip}, async t => {
  const dir = t.testdir({dst: {}})
  const size = 24 * MiB
  const src = join(dir, 'src.img')
  writeFileSync(src, randomBytes(size))
  const {dev} = loopDevice(t, dir, 'dst.backing', size)
  const {agent, key} = await agentFor(t, dir, [dev])
  const state = join(dir, 'state')
  const push = startCli(['push', src, agent.url(dev), '--psk-file', key, '--bwlimit', '8M', '--state-dir', state])
  const job = (): JobRecord | undefined => {
    const names = existsSync(state) ? readdirSync(state).filter(n => n.endsWith('.json')) : []
    return names[0] ? JSON.parse(readFileSync(join(state, names[0]), 'utf8')) as JobRecord : undefined
  }
  await until(() => (job()?.checkpoint ?? 0) > 4 * MiB, 60_000, 'a checkpoint past 4 MiB')
  push.kill('SIGKILL')
  await push.done
  // A write below the checkpoint, which leaves no stamp on a device.
  const fd = openSync(dev, 'r+')
  writeSync(fd, Buffer.from('intruder!'), 0, 9, 4096)
  fsyncSync(fd)
  closeSync(fd)
  const r = await run(t, ['resume', '--state-dir', state], 0, 'resume')
  t.equal(r.summary.resumedFrom, 0, 'compared again from the start')
  t.ok(same(src, dev, size), 'and nothing was left behind')
})
