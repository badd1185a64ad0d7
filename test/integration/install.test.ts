// `blockpair install` through a real sshd, into a temp --prefix and --unit-dir
// (never the real /opt or /etc/systemd), with --no-start: no systemd runs here.
// The installed agent is then started from the prefix exactly as the unit's
// ExecStart says, and a push to the printed agent:// address must work with the
// key install saved here. Install again: nothing changes. --uninstall: all gone.

import t from 'tap'
import {execFile, spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'
import {collectPayload, renderUnit, systemdQuote} from '../../agent/ops/install.js'
import {cli, ensureBuilt, REPO_ROOT} from '../helpers/cli.js'
import {sshdSkipReason, startSshd} from '../helpers/sshd.js'

const run = promisify(execFile)

const SYSTEMD_ANALYZE = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find(f => existsSync(f))

/** `systemd-analyze verify`: exit 0 and not a word about the unit (unknown keys are only warnings). */
async function verifyUnit(file: string): Promise<{ok: boolean, output: string}> {
  const r = await run(SYSTEMD_ANALYZE as string, ['verify', '--man=no', file]).then(
    r => ({code: 0, out: r.stdout + r.stderr}),
    (e: {code: number, stdout: string, stderr: string}) => ({code: e.code, out: e.stdout + e.stderr}))
  const about = r.out.split('\n').filter(l => l.includes(path.basename(file)))
  return {ok: r.code === 0 && about.length === 0, output: r.out}
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const a = srv.address() as net.AddressInfo
      srv.close(() => resolve(a.port))
    })
  })
}

t.test('systemdQuote: specifiers, variables and spaces', async t => {
  t.equal(systemdQuote('/var/lib/images'), '/var/lib/images')
  t.equal(systemdQuote('/a%b$c'), '/a%%b$$c')
  t.equal(systemdQuote('/my images/it\'s "x"\\y'), '"/my images/it\'s \\"x\\"\\\\y"')
})

t.test('the payload: own files and production dependencies only, native binaries included', async t => {
  const p = collectPayload(REPO_ROOT)
  for (const e of ['package.json', 'bin', 'dist', 'node_modules/@oclif/core', 'node_modules/koffi', 'node_modules/xxhash-addon', 'node_modules/protobufjs', 'node_modules/node-gyp-build']) {
    t.ok(p.entries.includes(e), `has ${e}`)
  }
  t.ok(p.entries.some(e => /^node_modules\/@koromix\/koffi-linux-/.test(e)) || process.platform !== 'linux', "koffi's prebuilt binary for this platform")
  for (const dev of ['node_modules/tap', 'node_modules/typescript', 'node_modules/tsx', 'node_modules/@types/node', 'node_modules/protobufjs-cli']) {
    t.notOk(p.entries.includes(dev), `no dev dependency ${dev}`)
  }
  t.match(p.hash, /^[0-9a-f]{64}$/)
  t.equal(collectPayload(REPO_ROOT).hash, p.hash, 'the hash is stable')
})

t.test('the unit template renders and passes systemd-analyze verify', {skip: SYSTEMD_ANALYZE ? false : 'systemd-analyze is not installed'}, async t => {
  const dir = t.testdir({})
  const odd = path.join(dir, 'vm images %1')
  mkdirSync(odd)
  const unit = path.join(dir, 'blockpair-agent.service')
  const text = renderUnit({node: process.execPath, prefix: '/opt/blockpair', listen: '0.0.0.0:7373', allow: ['/var/lib/libvirt/images', odd], allowDevices: ['/dev/vg0/vm1']})
  writeFileSync(unit, text)
  t.match(text, /^ExecStart=\S+ \/opt\/blockpair\/bin\/run\.js agent --listen 0\.0\.0\.0:7373 --psk-file \/opt\/blockpair\/etc\/psk --allow \/var\/lib\/libvirt\/images --allow "[^"]*vm images %%1" --allow-device \/dev\/vg0\/vm1$/m)
  t.match(text, /^ReadWritePaths="-[^"]*vm images %%1"$/m)
  t.notMatch(text, /@[A-Z_]+@/, 'no placeholder left')
  t.notMatch(text, /--workers/, 'one process unless asked')
  t.match(renderUnit({node: '/usr/bin/node', prefix: '/opt/blockpair', listen: '0.0.0.0:7373', allow: ['/images'], workers: 4}),
    /^ExecStart=.* --allow \/images --workers 4$/m, '--workers N reaches the agent\'s command line')
  t.notMatch(text, /^(PrivateDevices|DevicePolicy|MemoryDenyWriteExecute|PrivateTmp)=/m, 'nothing that would hide block devices, the JIT, or /tmp folders')
  const v = await verifyUnit(unit)
  t.ok(v.ok, `systemd-analyze verify: ${v.output.trim() || 'clean'}`)
})

t.test('install over ssh into a temp prefix', {skip: sshdSkipReason()}, async t => {
  ensureBuilt()
  const sshd = await startSshd(t)
  const work = mkdtempSync(path.join(os.tmpdir(), 'bp-install-it-'))
  t.teardown(() => rmSync(work, {recursive: true, force: true}))
  const prefix = path.join(work, 'opt/blockpair')
  const unitDir = path.join(work, 'systemd')
  const unit = path.join(unitDir, 'blockpair-agent.service')
  const images = path.join(work, 'images')
  const keyFile = path.join(work, 'here/config/hv.psk')
  mkdirSync(images)
  const port = await freePort()
  const base = ['install', sshd.target, '--ssh', sshd.sshCommand, '--prefix', prefix, '--unit-dir', unitDir, '--key-file', keyFile, '--no-start']
  const installArgs = [...base, '--allow', images, '--listen', `127.0.0.1:${port}`, '--node', process.execPath]

  const first = await cli([...installArgs, '--json'])
  t.equal(first.code, 0, first.stderr)
  const r = first.json() as {address: string, changed: string[], service: string, keyFile: string, command: string[]}
  t.equal(r.address, `agent://127.0.0.1:${port}/`, 'the agent:// address')
  t.same(r.changed, ['files', 'key', 'unit'])
  t.equal(r.service, 'no-start')
  t.equal(r.keyFile, keyFile)

  t.test('what is on the host', async t => {
    t.equal(statSync(path.join(prefix, 'etc/psk')).mode & 0o777, 0o600, 'key file 0600 on the host')
    t.equal(statSync(keyFile).mode & 0o777, 0o600, 'local copy 0600')
    t.equal(readFileSync(keyFile, 'utf8'), readFileSync(path.join(prefix, 'etc/psk'), 'utf8'), 'the local copy is the same key')
    for (const f of ['bin/run.js', 'dist/cli/commands/agent.js', 'package.json', 'node_modules/@oclif/core/package.json', 'node_modules/xxhash-addon/package.json', 'node_modules/koffi/package.json']) {
      t.ok(existsSync(path.join(prefix, f)), f)
    }
    t.notOk(existsSync(path.join(prefix, 'node_modules/tap')), 'no dev dependencies')
    t.notOk(readdirSync(prefix).some(n => n.startsWith('.staging')), 'no staging folder left')
    const text = readFileSync(unit, 'utf8')
    t.match(text, `ExecStart=${process.execPath} ${prefix}/bin/run.js agent --listen 127.0.0.1:${port} --psk-file ${prefix}/etc/psk --allow ${images}\n`)
    t.match(text, `ReadWritePaths=-${images}\n`)
  })

  t.test('systemd-analyze verify accepts the installed unit', {skip: SYSTEMD_ANALYZE ? false : 'systemd-analyze is not installed'}, async t => {
    const v = await verifyUnit(unit)
    t.ok(v.ok, `systemd-analyze verify: ${v.output.trim() || 'clean'}`)
  })

  t.test('the installed agent, started as the unit starts it, takes a push to the printed address', async t => {
    const execStart = /^ExecStart=(.*)$/m.exec(readFileSync(unit, 'utf8'))?.[1] ?? ''
    const argv = execStart.split(' ')
    t.same(argv, r.command, 'ExecStart is the printed command')
    // No inherited NODE_PATH, cwd / as under systemd: only the prefix's own node_modules can serve.
    const agent = spawn(argv[0] as string, argv.slice(1), {cwd: '/', env: {PATH: '/usr/bin:/bin'}, stdio: ['ignore', 'pipe', 'pipe']})
    let stderr = ''
    agent.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
    const closed = new Promise(resolve => agent.once('close', resolve))
    t.teardown(async () => {
      agent.kill('SIGTERM')
      await closed
    })
    await new Promise<void>((resolve, reject) => {
      let out = ''
      agent.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d
        if (/^listening /m.test(out)) resolve()
      })
      agent.once('close', code => reject(new Error(`the installed agent exited with ${code}: ${stderr}`)))
    })

    const src = path.join(work, 'disk.img')
    writeFileSync(src, Buffer.concat([randomBytes(300_000), Buffer.alloc(1 << 20), randomBytes(5000)]))
    const pushed = await cli(['push', src, `${r.address}${images.slice(1)}/disk.img`, '--psk-file', keyFile, '--json'])
    t.equal(pushed.code, 0, pushed.stderr + stderr)
    t.ok(readFileSync(path.join(images, 'disk.img')).equals(readFileSync(src)), 'pushed through the installed agent')
    const maps = readFileSync(`/proc/${agent.pid}/maps`, 'utf8')
    t.match(maps, `${prefix}/node_modules/xxhash-addon/`, 'the native hash module comes from the prefix')
    t.notMatch(maps, `${REPO_ROOT}/node_modules`, 'nothing is loaded from the source tree')
  })

  t.test('install again: nothing changed', async t => {
    const before = [path.join(prefix, '.blockpair-install'), path.join(prefix, 'etc/psk'), unit, keyFile].map(f => [f, statSync(f).mtimeMs, readFileSync(f, 'utf8')])
    const again = await cli(installArgs)
    t.equal(again.code, 0, again.stderr)
    t.match(again.stdout, /^already installed, nothing changed on 127\.0\.0\.1/)
    t.match(again.stdout, new RegExp(`^agent://127\\.0\\.0\\.1:${port}/$`, 'm'), 'prints the address again')
    for (const [f, mtime, text] of before) {
      t.equal(statSync(f as string).mtimeMs, mtime, `${f} not rewritten`)
      t.equal(readFileSync(f as string, 'utf8'), text)
    }
  })

  t.test('a lost local key is fetched from the host, not replaced', async t => {
    const key = readFileSync(keyFile, 'utf8')
    rmSync(keyFile)
    const again = await cli([...installArgs, '--json'])
    t.equal(again.code, 0, again.stderr)
    t.match(again.json(), {changed: [], keySaved: true})
    t.equal(readFileSync(keyFile, 'utf8'), key)
  })

  t.test('another --allow rewrites the unit only', async t => {
    const more = path.join(work, 'more')
    mkdirSync(more)
    const again = await cli([...installArgs, '--allow', more, '--json'])
    t.equal(again.code, 0, again.stderr)
    t.match(again.json(), {changed: ['unit']})
    t.match(readFileSync(unit, 'utf8'), `--allow ${images} --allow ${more}\n`)
  })

  t.test('errors', async t => {
    const noNode = await cli([...base, '--allow', images, '--node', path.join(work, 'no/node'), '--json'])
    t.equal(noNode.code, 3)
    t.match(noNode.json(), {code: 'E_REMOTE_NODE', message: /node is not installed on 127\.0\.0\.1 \(blockpair needs node 20 or newer there\)/})
    const noAllow = await cli([...base, '--json'])
    t.equal(noAllow.code, 2)
    t.match(noAllow.json(), {code: 'E_INSTALL_ALLOW'})
    const withPath = await cli(['install', `${sshd.target}:/opt`, '--allow', images, '--json'])
    t.equal(withPath.code, 2)
    t.match(withPath.json(), {code: 'E_BAD_TARGET'})
  })

  t.test('--uninstall removes the unit, the prefix and the key; again: nothing to remove', async t => {
    const gone = await cli([...base, '--uninstall'])
    t.equal(gone.code, 0, gone.stderr)
    t.match(gone.stdout, /^removed from 127\.0\.0\.1: unit, prefix, local key$/m)
    t.notOk(existsSync(prefix), 'prefix removed')
    t.notOk(existsSync(unit), 'unit removed')
    t.notOk(existsSync(keyFile), 'local key removed')
    const again = await cli([...base, '--uninstall'])
    t.equal(again.code, 0, again.stderr)
    t.match(again.stdout, /not installed on 127\.0\.0\.1; nothing removed/)

    // A prefix without the install stamp is not ours to delete.
    const other = path.join(work, 'not-ours')
    mkdirSync(other)
    writeFileSync(path.join(other, 'keep'), 'x')
    const kept = await cli([...base.map(a => a === prefix ? other : a), '--uninstall'])
    t.equal(kept.code, 0, kept.stderr)
    t.match(kept.stdout, /left as it is: it holds no blockpair install stamp/)
    t.ok(existsSync(path.join(other, 'keep')))
  })
})
