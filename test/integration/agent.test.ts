// Real agents on 127.0.0.1 over real TLS, driven through the built CLI
// exactly as a user would: `blockpair agent` as a child process, then
// `blockpair push|pull ... --json`. Needs a build (npm test builds first;
// test/helpers/cli.ts builds when dist/ is stale).
import t, {type Test} from 'tap'
import {randomBytes} from 'node:crypto'
import {closeSync, existsSync, ftruncateSync, openSync, readFileSync, readSync, statSync, utimesSync, writeFileSync, writeSync} from 'node:fs'
import net from 'node:net'
import {join} from 'node:path'
import tls from 'node:tls'
import {EXIT} from '../../agent/errors.js'
import {newKey, readKeyFile, writeKeyFile} from '../../agent/wire/keys.js'
import {expectedFigures, FINE, KiB, MiB, sampleData, scatterChanges, writeFixture} from '../helpers/blocks.js'
import {cli, startAgent, type Agent, type CliResult} from '../helpers/cli.js'

/** The fields DESIGN.md promises in every --json summary. */
const SUMMARY_FIELDS: Record<string, string> = {
  ok: 'boolean', size: 'number', blockSize: 'number', blocks: 'number', blocksChanged: 'number',
  bytesReadSource: 'number', bytesReadDest: 'number', bytesSent: 'number', bytesOnWire: 'number',
  bytesWritten: 'number', bytesZeroed: 'number', durationMs: 'number', resumedFrom: 'number', verified: 'boolean',
}

interface World {
  dir: string
  /** The agent's side (its --allow folder). */
  remote: string
  /** The CLI's side. */
  local: string
  keyFile: string
  agent: Agent
  /** What `blockpair keygen` said when it made keyFile. */
  keygen: CliResult
}

/**
 * One agent for the whole file, with a key made by `blockpair keygen`: every
 * case uses its own file names, so cases run in parallel (t.jobs) against it.
 */
async function world(t: Test): Promise<World> {
  const dir = t.testdir({remote: {}, local: {}})
  const keyFile = join(dir, 'psk')
  const k = await cli(['keygen', '--out', keyFile, '--identity', 'itest', '--json'])
  if (k.code !== 0) throw new Error(`keygen failed: ${k.stderr}`)
  const agent = await startAgent(t, {allow: [join(dir, 'remote')], keyFile, extra: ['--json']})
  return {dir, remote: join(dir, 'remote'), local: join(dir, 'local'), keyFile, agent, keygen: k}
}

const w = await world(t)
t.jobs = 4

function checkSummary(t: Test, r: CliResult): Record<string, unknown> {
  t.equal(r.code, 0, `exit 0 (stderr: ${r.stderr.trim()})`)
  const s = r.json()
  for (const [k, type] of Object.entries(SUMMARY_FIELDS)) t.equal(typeof s[k], type, `--json has ${k} (${type})`)
  t.ok('job' in s, '--json has job')
  t.equal(s.ok, true)
  return s
}

type Direction = 'push' | 'pull'

/** Sync `src` onto `dst` (null: missing) through the agent, and check everything. */
async function syncCase(t: Test, w: World, d: Direction, name: string, src: Buffer, dst: Buffer | null, blockSize = 64 * KiB): Promise<Record<string, unknown>> {
  const [srcPath, dstPath] = d === 'push'
    ? [join(w.local, `${name}.src`), join(w.remote, `${name}.dst`)]
    : [join(w.remote, `${name}.src`), join(w.local, `${name}.dst`)]
  writeFixture(srcPath, src, {sparse: true})
  if (dst) writeFixture(dstPath, dst)
  const want = expectedFigures(src, dst, blockSize)
  const args = d === 'push' ? ['push', srcPath, w.agent.url(dstPath)] : ['pull', w.agent.url(srcPath), dstPath]
  const r = await cli([...args, '--psk-file', w.keyFile, '--json', '--block-size', String(blockSize)])
  const s = checkSummary(t, r)
  t.ok(readFileSync(dstPath).equals(src), `${d} ${name}: destination identical to the source`)
  t.ok(readFileSync(srcPath).equals(src), `${d} ${name}: source untouched`)
  t.equal(s.size, src.length)
  t.equal(s.blockSize, blockSize)
  t.equal(s.bytesSent, want.bytesSent, `${d} ${name}: bytesSent is the non-zero 4 KiB pieces that differ`)
  t.equal(s.blocksChanged, want.blocksChanged, `${d} ${name}: blocksChanged`)
  t.equal(s.bytesWritten, want.bytesSent, `${d} ${name}: bytesWritten`)
  t.equal(s.bytesZeroed, want.bytesZeroed, `${d} ${name}: bytesZeroed`)
  t.ok((s.bytesOnWire as number) > (s.bytesSent as number), 'bytesOnWire counts the payload and the protocol')
  return s
}

const SIZE = 5 * MiB + 2 * FINE

for (const d of ['push', 'pull'] as const) {
  t.test(`${d}: identical`, async t => {
    const a = sampleData(SIZE)
    const s = await syncCase(t, w, d, 'identical', a, Buffer.from(a))
    t.equal(s.bytesSent, 0)
    t.equal(s.blocksChanged, 0)
  })
  t.test(`${d}: new destination`, async t => {
    const s = await syncCase(t, w, d, 'new', sampleData(SIZE), null)
    t.ok((s.bytesSent as number) > 0)
    t.equal(s.bytesReadDest, 0, 'a new destination is not read')
  })
  t.test(`${d}: grown destination`, async t => {
    const a = sampleData(SIZE)
    await syncCase(t, w, d, 'grown', a, scatterChanges(a, 20).subarray(0, 2 * MiB + 100))
  })
  t.test(`${d}: shrunk destination`, async t => {
    const a = sampleData(SIZE)
    await syncCase(t, w, d, 'shrunk', a, Buffer.concat([scatterChanges(a, 20), randomBytes(3 * MiB + 5)]))
  })
  t.test(`${d}: odd size`, async t => {
    const odd = sampleData(3 * MiB + 1234)
    const dst = scatterChanges(odd, 25)
    dst.writeUInt8(dst.readUInt8(dst.length - 1) ^ 1, dst.length - 1)
    await syncCase(t, w, d, 'odd', odd, dst)
  })
  t.test(`${d}: all blocks different`, async t => {
    const s = await syncCase(t, w, d, 'alldiff', randomBytes(SIZE), randomBytes(SIZE))
    t.equal(s.bytesSent, SIZE)
  })
  t.test(`${d}: empty source`, async t => {
    const s = await syncCase(t, w, d, 'empty', Buffer.alloc(0), randomBytes(MiB))
    t.equal(s.size, 0)
    t.equal(s.blocks, 0)
  })
}

// ------------------------------------------------- a big sparse image, 1% changed

const BIG = 256 * MiB

/** Compare two files without holding them in memory. */
function sameFile(a: string, b: string): boolean {
  if (statSync(a).size !== statSync(b).size) return false
  const fa = openSync(a, 'r')
  const fb = openSync(b, 'r')
  try {
    const ba = Buffer.alloc(4 * MiB)
    const bb = Buffer.alloc(4 * MiB)
    for (;;) {
      const na = readSync(fa, ba, 0, ba.length, null)
      const nb = readSync(fb, bb, 0, bb.length, null)
      if (na !== nb) return false
      if (na === 0) return true
      if (!ba.subarray(0, na).equals(bb.subarray(0, nb))) return false
    }
  } finally {
    closeSync(fa)
    closeSync(fb)
  }
}

/** Make the same 256 MiB sparse image at every path: 1 MiB of data every 8 MiB. */
function bigImage(paths: string[]): void {
  const fds = paths.map(p => openSync(p, 'w'))
  try {
    for (const fd of fds) ftruncateSync(fd, BIG)
    for (let at = 0; at < BIG; at += 8 * MiB) {
      const data = randomBytes(MiB)
      for (const fd of fds) writeSync(fd, data, 0, data.length, at)
    }
  } finally {
    fds.forEach(fd => closeSync(fd))
  }
}

/** Change 1% of the image's 4 KiB blocks (in data and in holes alike); returns how many. */
function changeOnePercent(path: string): number {
  const blocks = BIG / FINE
  const n = Math.round(blocks / 100)
  const chosen = new Set<number>()
  while (chosen.size < n) chosen.add(Math.floor(Math.random() * blocks))
  const fd = openSync(path, 'r+')
  try {
    for (const b of chosen) writeSync(fd, randomBytes(FINE), 0, FINE, b * FINE)
  } finally {
    closeSync(fd)
  }
  return n
}

t.test('a 256 MiB sparse image with 1% of its 4 KiB blocks changed: push, then pull', async t => {
  const local = join(w.local, 'vm.img')
  const remote = join(w.remote, 'vm.img')
  bigImage([local, remote])

  const pushed = changeOnePercent(local)
  const s = checkSummary(t, await cli(['push', local, w.agent.url(remote), '--psk-file', w.keyFile, '--json']))
  t.ok(sameFile(local, remote), 'identical after the push')
  t.ok((s.blocksChanged as number) > 0, `push: blocksChanged ${String(s.blocksChanged)} > 0`)
  t.ok((s.bytesSent as number) > 0)
  t.ok((s.bytesSent as number) <= pushed * FINE, `push: bytesSent ${String(s.bytesSent)} <= ${pushed} changed blocks x 4096`)
  t.equal(s.size, BIG)
  t.ok(statSync(remote).blocks * 512 < 64 * MiB, 'the destination stays sparse')

  const pulled = changeOnePercent(remote)
  const p = checkSummary(t, await cli(['pull', w.agent.url(remote), local, '--psk-file', w.keyFile, '--json']))
  t.ok(sameFile(local, remote), 'identical after the pull')
  t.ok((p.blocksChanged as number) > 0)
  t.ok((p.bytesSent as number) > 0)
  t.ok((p.bytesSent as number) <= pulled * FINE, `pull: bytesSent ${String(p.bytesSent)} <= ${pulled} changed blocks x 4096`)
})

// ------------------------------------------------------------------ failures

/** Bytes and mtime of a file, to show it was not touched. */
function snapshot(path: string): {bytes: Buffer; mtimeMs: number; size: number} {
  const st = statSync(path)
  return {bytes: readFileSync(path), mtimeMs: st.mtimeMs, size: st.size}
}

t.test('a wrong key: exit 3, the key named, nothing written or created', async t => {
  const dir = t.testdir()
  const src = join(w.local, 'wrongkey.src')
  writeFixture(src, randomBytes(MiB))
  const existing = join(w.remote, 'wrongkey.dst')
  writeFixture(existing, randomBytes(MiB))
  const past = new Date('2021-05-06T07:08:09Z')
  utimesSync(existing, past, past)
  const before = snapshot(existing)
  const missing = join(w.remote, 'wrongkey-missing.dst')

  const sameName = join(dir, 'wrong-key')
  writeKeyFile(sameName, newKey('itest')) // the agent's identity, another key
  const otherName = join(dir, 'wrong-identity')
  writeKeyFile(otherName, newKey('stranger'))

  const attempts: Array<[string, string]> = [[sameName, existing], [otherName, missing]]
  for (const [keyFile, target] of attempts) {
    const r = await cli(['push', src, w.agent.url(target), '--psk-file', keyFile, '--json'])
    t.equal(r.code, EXIT.CONNECT, `exit 3 (${keyFile}, ${target})`)
    t.match(r.json(), {ok: false, code: 'E_AUTH', exit: EXIT.CONNECT})
    t.match(r.stderr, /key/i, 'stderr says the key is the problem')
    t.match(r.stderr, /\[E_AUTH\]/)
  }
  const pulled = join(w.local, 'wrongkey.pulled')
  const p = await cli(['pull', w.agent.url(existing), pulled, '--psk-file', sameName])
  t.equal(p.code, EXIT.CONNECT, 'pull with a wrong key: exit 3')
  t.notOk(existsSync(pulled), 'pull with a wrong key creates nothing locally')

  const after = snapshot(existing)
  t.ok(after.bytes.equals(before.bytes), 'destination bytes untouched')
  t.equal(after.mtimeMs, before.mtimeMs, 'destination mtime untouched')
  t.notOk(existsSync(missing), 'a missing destination is not created')
  const refused = await w.agent.waitForLog(e => e.event === 'refused' && e.identity === 'stranger')
  t.match(refused, {event: 'refused', code: 'E_AUTH'}, 'the agent logs the refused connection, with a code')
  t.notMatch(w.agent.stderr(), readFileSync(otherName, 'utf8').split(' ')[1]?.trim() ?? 'x', 'and never the key')
})

t.test('a path outside --allow: exit 7, nothing created', async t => {
  const src = join(w.local, 'outside.src')
  writeFixture(src, randomBytes(MiB))
  const outside = join(w.dir, 'outside.img')
  const r = await cli(['push', src, w.agent.url(outside), '--psk-file', w.keyFile, '--json'])
  t.equal(r.code, EXIT.POLICY)
  t.match(r.json(), {ok: false, code: 'E_NOT_ALLOWED', exit: EXIT.POLICY})
  t.notOk(existsSync(outside))

  const sneaky = `${w.remote}/../sneaky.img`
  const r2 = await cli(['push', src, w.agent.url(sneaky), '--psk-file', w.keyFile])
  t.equal(r2.code, EXIT.POLICY, '.. out of the allowed folder')
  t.notOk(existsSync(join(w.dir, 'sneaky.img')))

  writeFixture(join(w.dir, 'secret.img'), randomBytes(FINE))
  const pulled = join(w.local, 'secret.img')
  const r3 = await cli(['pull', w.agent.url(join(w.dir, 'secret.img')), pulled, '--psk-file', w.keyFile])
  t.equal(r3.code, EXIT.POLICY, 'pull from outside --allow')
  t.notOk(existsSync(pulled), 'and nothing created locally')
})

t.test('a missing source: exit 5, nothing created', async t => {
  const dst = join(w.remote, 'nosrc.dst')
  const r = await cli(['push', join(w.local, 'nope.img'), w.agent.url(dst), '--psk-file', w.keyFile, '--json'])
  t.equal(r.code, EXIT.IO, 'push of a missing local source')
  t.match(r.json(), {ok: false, code: 'E_NOT_FOUND'})
  t.notOk(existsSync(dst))

  const local = join(w.local, 'nosrc.dst')
  const p = await cli(['pull', w.agent.url(join(w.remote, 'nope.img')), local, '--psk-file', w.keyFile, '--json'])
  t.equal(p.code, EXIT.IO, 'pull of a missing remote source')
  t.match(p.json(), {ok: false, code: 'E_NOT_FOUND'})
  t.notOk(existsSync(local))
})

t.test('a bad --block-size: exit 2 before anything moves', async t => {
  const src = join(w.local, 'badbs.src')
  writeFixture(src, randomBytes(MiB))
  const dst = join(w.remote, 'badbs.dst')
  for (const bs of ['3000', '8M']) {
    const r = await cli(['push', src, w.agent.url(dst), '--psk-file', w.keyFile, '--block-size', bs, '--json'])
    t.equal(r.code, EXIT.USAGE, `--block-size ${bs}`)
    t.match(r.json(), {ok: false, exit: EXIT.USAGE}, `--block-size ${bs}: the JSON error`)
  }
  t.notOk(existsSync(dst), 'nothing created')
})

t.test('a bad --block-size is a usage error even when the agent is unreachable', async t => {
  // Port 1 on loopback: nothing listens there. Flags are the user's to fix
  // first; a connection error here sends them after the wrong problem.
  const r = await cli(['push', join(w.local, 'badbs.src'), 'agent://127.0.0.1:1/tmp/x.img', '--psk-file', w.keyFile, '--block-size', '3000'])
  t.equal(r.code, EXIT.USAGE, 'flags are checked before connecting')
})

t.test('usage errors: exit 2', async t => {
  const dir = t.testdir()
  const loose = join(dir, 'psk')
  writeFileSync(loose, `itest ${'ab'.repeat(32)}\n`, {mode: 0o644})
  // A source that exists, so that the usage error is the only thing wrong.
  const a = join(dir, 'a.img')
  writeFixture(a, randomBytes(FINE))
  const to = w.agent.url(join(w.remote, 'usage.dst'))
  const cases: Array<[string, string[], string?]> = [
    ['no arguments', ['push']],
    ['two local paths', ['push', a, join(dir, 'b.img'), '--psk-file', w.keyFile], 'E_ADDRESS'],
    ['agent:// without a key file', ['push', a, to], 'E_NO_KEY'],
    ['an unknown flag', ['push', a, to, '--psk-file', w.keyFile, '--no-such-flag']],
    ['a key file others can read', ['push', a, to, '--psk-file', loose], 'E_KEY_FILE_MODE'],
  ]
  for (const [name, args, code] of cases) {
    const r = await cli([...args, '--json'])
    t.equal(r.code, EXIT.USAGE, name)
    if (code) t.match(r.json(), {ok: false, code}, `${name}: ${code}`)
  }
  t.notOk(existsSync(join(w.remote, 'usage.dst')), 'nothing created')
})

t.test('keygen made a 0600 key file and never overwrites one', async t => {
  t.equal(w.keygen.code, 0)
  t.match(w.keygen.json(), {ok: true, identity: 'itest'})
  t.equal(statSync(w.keyFile).mode & 0o777, 0o600)
  const before = readFileSync(w.keyFile)
  const again = await cli(['keygen', '--out', w.keyFile, '--json'])
  t.equal(again.code, EXIT.USAGE)
  t.match(again.json(), {ok: false, code: 'E_KEY_EXISTS'})
  t.ok(readFileSync(w.keyFile).equals(before), 'the key is unchanged')
})

t.test('a dry run through the agent writes nothing and reports what differs', async t => {
  const src = sampleData(3 * MiB)
  const dst = scatterChanges(src, 20)
  const srcPath = join(w.local, 'dry.src')
  const dstPath = join(w.remote, 'dry.dst')
  writeFixture(srcPath, src)
  writeFixture(dstPath, dst)
  const past = new Date('2021-05-06T07:08:09Z')
  utimesSync(dstPath, past, past)
  const before = snapshot(dstPath)
  const s = checkSummary(t, await cli(['push', srcPath, w.agent.url(dstPath), '--psk-file', w.keyFile, '--json', '--dry-run']))
  const after = snapshot(dstPath)
  t.ok(after.bytes.equals(before.bytes), 'bytes unchanged')
  t.equal(after.mtimeMs, before.mtimeMs, 'mtime unchanged')
  const want = expectedFigures(src, dst, 64 * KiB)
  t.equal(s.blocksChanged, want.blocksChanged)
  t.ok((s.blocksChanged as number) > 0)
  t.equal(s.bytesSent, want.bytesSent)
  t.equal(s.dryRun, true)
  const missing = join(w.remote, 'dry-missing.dst')
  const m = await cli(['push', srcPath, w.agent.url(missing), '--psk-file', w.keyFile, '--json', '--dry-run'])
  t.equal(m.code, 0)
  t.notOk(existsSync(missing), 'a dry run to a missing destination creates nothing')
})

t.test('hostile connections do not bring the agent down', async t => {
  // An agent of its own: a crash here must not take the shared one with it.
  const dir = t.testdir({remote: {}})
  const keyFile = join(dir, 'psk')
  writeKeyFile(keyFile, newKey('itest'))
  const agent = await startAgent(t, {allow: [join(dir, 'remote')], keyFile})
  const key = readKeyFile(keyFile).pick()

  /** Send `bytes` and wait until the agent closes the connection (or 5 s pass). */
  const poke = (bytes: Buffer, how: 'tcp' | 'tls'): Promise<string> => new Promise(resolve => {
    const timer = setTimeout(() => { sock.destroy(); resolve('still open after 5 s') }, 5000)
    const done = (what: string): void => { clearTimeout(timer); resolve(what) }
    const sock = how === 'tcp'
      ? net.connect(agent.port, agent.host, () => sock.write(bytes))
      : tls.connect({host: agent.host, port: agent.port, minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256', checkServerIdentity: () => undefined,
        pskCallback: () => ({psk: key.key, identity: key.identity})}, () => sock.write(bytes))
    sock.on('error', () => {})
    sock.on('data', () => {})
    sock.on('close', () => done('closed'))
  })

  t.equal(await poke(Buffer.from('GET / HTTP/1.0\r\n\r\n'), 'tcp'), 'closed', 'plaintext is refused')
  t.equal(await poke(randomBytes(100), 'tls'), 'closed', 'garbage after a good handshake')
  t.equal(await poke(Buffer.from([0xff, 0xff, 0xff, 0xff]), 'tls'), 'closed', 'a 4 GiB length prefix')
  t.equal(await poke(Buffer.from([0, 0, 0, 0]), 'tls'), 'closed', 'an empty frame')

  writeFixture(join(dir, 'a.img'), randomBytes(MiB))
  const r = await cli(['push', join(dir, 'a.img'), agent.url(join(dir, 'remote', 'a.img')), '--psk-file', keyFile, '--json'])
  t.equal(r.code, 0, `the agent still serves afterwards (agent stderr: ${agent.stderr().slice(-400)})`)
})

t.test('push --help shows examples', async t => {
  const r = await cli(['push', '--help'])
  t.equal(r.code, 0)
  t.match(r.stdout, /EXAMPLES/)
  t.match(r.stdout, /blockpair push \S+ agent:\/\/\S+:\d+\/\S+ --psk-file/)
  t.match(r.stdout, /--block-size/)
  t.match(r.stdout, /--dry-run/)
})

t.test('blockpair demo exits 0 and says identical', async t => {
  const r = await cli(['demo'])
  t.equal(r.code, 0, r.stderr)
  t.match(r.stdout, /identical/)
})

t.test('an agent without the hashing addon says so at start, and its syncs are still exact', async t => {
  t.notMatch(w.agent.stderr(), /hashing addon/, 'the normal agent has the addon and says nothing of it')
  const dir = t.testdir({remote: {}})
  const slow = await startAgent(t, {allow: [join(dir, 'remote')], keyFile: w.keyFile, env: {BLOCKPAIR_NO_ADDON: '1'}})
  // stderr and stdout are separate pipes: the warning may arrive just after "listening".
  for (const until = Date.now() + 5000; !/hashing addon/.test(slow.stderr()) && Date.now() < until;) await new Promise(resolve => setTimeout(resolve, 20))
  t.match(slow.stderr(), /warning: .*hashing addon.*npm run build:addon/, 'the fallback is announced with what to do')
  const src = join(w.local, 'fallback-src.img')
  const data = sampleData(3 * MiB + 5 * FINE)
  writeFileSync(src, data)
  const dst = join(dir, 'remote', 'dst.img')
  const old = Buffer.from(data)
  old.fill(9, 2 * MiB + 16 * FINE, 2 * MiB + 18 * FINE) // two 4 KiB pieces of data
  writeFileSync(dst, old)
  const r = await cli(['push', src, slow.url(dst), '--psk-file', w.keyFile, '--json'])
  const s = checkSummary(t, r)
  t.equal(s.bytesSent, 2 * FINE, 'the addon-less destination and the addon source agree on every hash')
  t.ok(readFileSync(dst).equals(data), 'identical')
})
