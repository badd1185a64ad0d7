// Where the agent may read and write: --allow folders, --allow-device paths,
// resolution of symlinks and `..` before the check, and the open that must
// not follow a link swapped in after it.
import t, {type Test} from 'tap'
import {execFileSync} from 'node:child_process'
import {existsSync, linkSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {Disk} from '../../../agent/disk/disk.js'
import {EXIT} from '../../../agent/errors.js'
import {checkOpened, resolveAllowed, TargetLocks} from '../../../agent/session/policy.js'

/** allowed/ with a file, outside/ with a file, side by side in a fresh folder. */
function layout(t: Test) {
  const root = t.testdir({
    allowed: {'disk.img': 'inside', sub: {'deep.img': 'deep'}},
    'allowed-evil': {'x.img': 'sibling with a common prefix'},
    outside: {'secret.img': 'secret'},
  })
  return {root, allowed: join(root, 'allowed'), outside: join(root, 'outside')}
}

const POLICY = {exit: EXIT.POLICY}

t.test('paths inside an --allow folder resolve to their real path', async t => {
  const {allowed} = layout(t)
  t.equal(await resolveAllowed(join(allowed, 'disk.img'), [allowed]), join(allowed, 'disk.img'))
  t.equal(await resolveAllowed(join(allowed, 'new.img'), [allowed]), join(allowed, 'new.img'), 'a file to be created')
  t.equal(await resolveAllowed(join(allowed, 'sub/../disk.img'), [allowed]), join(allowed, 'disk.img'), '.. that stays inside')
  t.equal(await resolveAllowed(join(allowed, 'sub/deep.img'), [allowed + '/']), join(allowed, 'sub/deep.img'), 'a trailing slash on --allow')
  symlinkSync('sub/deep.img', join(allowed, 'alias.img'))
  t.equal(await resolveAllowed(join(allowed, 'alias.img'), [allowed]), join(allowed, 'sub/deep.img'), 'a link that stays inside resolves to its target')
})

t.test('anything that leads outside is refused with exit 7', async t => {
  const {root, allowed, outside} = layout(t)
  symlinkSync(join(outside, 'secret.img'), join(allowed, 'evil.img'))
  symlinkSync(outside, join(allowed, 'door'))
  symlinkSync('../outside/new.img', join(allowed, 'dangling.img'))
  const cases: Array<[string, string, string]> = [
    ['a path outside', join(outside, 'secret.img'), 'E_NOT_ALLOWED'],
    ['a new file outside', join(outside, 'new.img'), 'E_NOT_ALLOWED'],
    ['.. out of the folder', join(allowed, '../outside/secret.img'), 'E_NOT_ALLOWED'],
    ['a sibling folder sharing the prefix', join(root, 'allowed-evil/x.img'), 'E_NOT_ALLOWED'],
    ['a symlinked file leading outside', join(allowed, 'evil.img'), 'E_NOT_ALLOWED'],
    ['a new file through a symlinked folder', join(allowed, 'door/new.img'), 'E_NOT_ALLOWED'],
    ['an existing file through a symlinked folder', join(allowed, 'door/secret.img'), 'E_NOT_ALLOWED'],
    ['a dangling symlink (creating would create its target outside)', join(allowed, 'dangling.img'), 'E_SYMLINK'],
  ]
  for (const [name, p, code] of cases) {
    await t.rejects(resolveAllowed(p, [allowed]), {code, ...POLICY}, name)
  }
  t.notOk(existsSync(join(outside, 'new.img')), 'nothing was created outside')
  await t.rejects(resolveAllowed(join(allowed, 'disk.img'), []), {code: 'E_NOT_ALLOWED'}, 'no --allow at all: nothing is allowed')
  await t.rejects(resolveAllowed(join(allowed, 'disk.img'), [join(root, 'missing')]), {code: 'E_NOT_ALLOWED'}, 'an --allow folder that does not exist allows nothing')
})

t.test('bad paths are usage errors; folders and special files are not opened', async t => {
  const {allowed} = layout(t)
  await t.rejects(resolveAllowed('disk.img', [allowed]), {code: 'E_PATH_RELATIVE', exit: EXIT.USAGE})
  await t.rejects(resolveAllowed('', [allowed]), {code: 'E_PATH_RELATIVE'})
  await t.rejects(resolveAllowed(join(allowed, 'a\0b'), [allowed]), {code: 'E_PATH_INVALID', exit: EXIT.USAGE})
  await t.rejects(resolveAllowed(join(allowed, 'x'.repeat(5000)), [allowed]), {code: 'E_PATH_INVALID'})
  await t.rejects(resolveAllowed(join(allowed, 'sub'), [allowed]), {code: 'E_IS_DIR', exit: EXIT.IO})
  await t.rejects(resolveAllowed(allowed, [allowed]), {code: 'E_IS_DIR'}, 'the allowed folder itself')
  execFileSync('mkfifo', [join(allowed, 'fifo')])
  await t.rejects(resolveAllowed(join(allowed, 'fifo'), [allowed]), {code: 'E_NOT_A_FILE', exit: EXIT.IO}, 'a FIFO')
  await t.rejects(resolveAllowed('/dev/null', ['/dev']), {code: 'E_NOT_A_FILE'}, 'a character device, even with /dev allowed')
})

const loop = ['/dev/loop0', '/dev/loop1'].find(p => existsSync(p) && statSync(p).isBlockDevice())

t.test('block devices only by exact --allow-device path', {skip: loop ? false : 'no /dev/loop0 here'}, async t => {
  const dev = loop as string
  const {allowed} = layout(t)
  // Only resolved and checked here: nothing opens the device.
  await t.rejects(resolveAllowed(dev, ['/dev']), {code: 'E_DEVICE_NOT_ALLOWED', ...POLICY}, '/dev allowed by mistake opens no disk')
  await t.rejects(resolveAllowed(dev, ['/']), {code: 'E_DEVICE_NOT_ALLOWED'}, 'nor does /')
  await t.rejects(resolveAllowed(dev, [allowed]), {code: 'E_NOT_ALLOWED'}, 'outside every folder: the plain refusal, which says nothing about what is there')
  t.equal(await resolveAllowed(dev, [], [dev]), dev)
  t.equal(await resolveAllowed(dev, [allowed], [dev]), dev)
  symlinkSync(dev, join(allowed, 'by-id'))
  t.equal(await resolveAllowed(join(allowed, 'by-id'), [], [dev]), dev, 'a link to an allowed device resolves to it (as /dev/vg/lv does)')
  await t.rejects(resolveAllowed(join(allowed, 'by-id'), [allowed]), {code: 'E_NOT_ALLOWED', ...POLICY}, 'a link in an allowed folder to a device elsewhere')
  const other = ['/dev/loop1', '/dev/loop2'].find(p => p !== dev && existsSync(p))
  if (other) await t.rejects(resolveAllowed(other, [], [dev]), {code: 'E_NOT_ALLOWED'}, 'another device')
  await t.rejects(resolveAllowed(join(allowed, 'disk.img'), [], [dev]), {code: 'E_NOT_ALLOWED'}, '--allow-device allows no files')
})

t.test('a device node made inside an allowed folder is refused', {skip: process.getuid?.() === 0 ? false : 'mknod needs root'}, async t => {
  const {allowed} = layout(t)
  try {
    // loop250: almost surely no such device, so nothing could be opened even if the check failed.
    execFileSync('mknod', [join(allowed, 'blk'), 'b', '7', '250'], {stdio: 'ignore'})
  } catch {
    t.pass('skipped: mknod is not permitted here')
    return
  }
  await t.rejects(resolveAllowed(join(allowed, 'blk'), [allowed]), {code: 'E_DEVICE_NOT_ALLOWED', ...POLICY})
})

t.test('the open refuses a symlink swapped in after the check', async t => {
  const {allowed, outside} = layout(t)
  const real = join(allowed, 'disk.img')
  // As if the check had passed on `real`, then someone put a link there.
  const swapped = join(allowed, 'swapped.img')
  symlinkSync(join(outside, 'secret.img'), swapped)
  await t.rejects(Disk.openRead(swapped, {noFollow: true}), {code: 'E_SYMLINK', ...POLICY}, 'read')
  await t.rejects(Disk.openWrite(swapped, {noFollow: true}), {code: 'E_SYMLINK', ...POLICY}, 'write')
  const dangling = join(allowed, 'dangling.img')
  symlinkSync(join(outside, 'created.img'), dangling)
  await t.rejects(Disk.openWrite(dangling, {noFollow: true}), {code: 'E_SYMLINK'}, 'create through a dangling link')
  t.notOk(existsSync(join(outside, 'created.img')), 'nothing created outside')
  t.equal(readFileSync(join(outside, 'secret.img'), 'utf8'), 'secret')
  // Without noFollow (a local path given on the command line) links are followed...
  const d = await Disk.openRead(swapped)
  t.equal(d.size, 'secret'.length)
  await d.close()
  // ...and a dangling one is an error, not an endless retry (it used to loop: stat ENOENT, open EEXIST).
  await t.rejects(Disk.openWrite(dangling), {code: 'E_IO', exit: EXIT.IO})
  const ok = await Disk.openWrite(real, {noFollow: true})
  t.equal(ok.size, 'inside'.length)
  await ok.close()
})

t.test('the open never waits on a FIFO swapped in after the check', async t => {
  const {allowed} = layout(t)
  const fifo = join(allowed, 'fifo')
  execFileSync('mkfifo', [fifo])
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('open blocked on a FIFO')), 3000).unref())
  await t.rejects(Promise.race([Disk.openRead(fifo, {noFollow: true}), timeout]), {code: 'E_NOT_A_FILE'})
  await t.rejects(Promise.race([Disk.openWrite(fifo, {noFollow: true}), timeout]), {code: 'E_NOT_A_FILE'})
})

t.test('checkOpened: the file held is the one checked', async t => {
  const {allowed} = layout(t)
  const real = join(allowed, 'disk.img')
  const disk = await Disk.openWrite(real, {noFollow: true})
  t.teardown(() => disk.close())
  await checkOpened(disk, real, {devices: [], write: true})
  t.pass('the same path passes')
  await t.rejects(checkOpened(disk, join(allowed, 'other.img'), {devices: [], write: false}), {code: 'E_PATH_CHANGED', ...POLICY},
    'a folder on the way replaced between check and open')

  const created = join(allowed, 'fresh.img')
  const fresh = await Disk.openWrite(created, {noFollow: true})
  t.equal(fresh.existed, false)
  await t.rejects(checkOpened(fresh, join(allowed, 'elsewhere.img'), {devices: [], write: true}), {code: 'E_PATH_CHANGED'})
  await fresh.close()
  t.notOk(existsSync(created), 'a file the refused open created is removed again')
})

t.test('checkOpened: a destination with other hard links is refused', async t => {
  const {allowed, outside} = layout(t)
  const real = join(allowed, 'linked.img')
  linkSync(join(outside, 'secret.img'), real)
  const disk = await Disk.openWrite(real, {noFollow: true})
  t.teardown(() => disk.close())
  await t.rejects(checkOpened(disk, real, {devices: [], write: true}), {code: 'E_HARDLINK', ...POLICY}, 'writing would change outside/secret.img')
  await checkOpened(disk, real, {devices: [], write: false})
  t.pass('reading it is fine: it is inside the folder')
  t.ok(existsSync(real), 'an existing file is never removed')
  t.same(readdirSync(join(outside)), ['secret.img'])
})

/** A lock taken at once (TargetLocks returns a promise only for a later run of a held job). */
const grab = (locks: TargetLocks, p: string, job?: string): (() => void) => locks.acquire(p, job) as () => void

t.test('TargetLocks: one writer per destination', async t => {
  const locks = new TargetLocks()
  const release = grab(locks, '/images/a.img')
  t.throws(() => locks.acquire('/images/a.img'), {code: 'E_BUSY', ...POLICY})
  const other = grab(locks, '/images/b.img')
  release()
  const again = grab(locks, '/images/a.img')
  again()
  other()
  t.pass('released locks can be taken again')
})

t.test('TargetLocks: the streams of one job share a target, other writers do not', async t => {
  const locks = new TargetLocks()
  const a = grab(locks, '/images/a.img', '20261130-190000-ab12')
  const b = grab(locks, '/images/a.img', '20261130-190000-ab12')
  t.throws(() => locks.acquire('/images/a.img', '20261130-190000-cd34'), {code: 'E_BUSY', ...POLICY}, 'another job')
  t.throws(() => locks.acquire('/images/a.img'), {code: 'E_BUSY', ...POLICY}, 'a writer with no job')
  a()
  a()
  t.throws(() => locks.acquire('/images/a.img'), {code: 'E_BUSY', ...POLICY}, 'held while one stream still writes, however often another releases')
  b()
  grab(locks, '/images/a.img')()
  t.pass('free once every stream released it')
  const solo = grab(locks, '/images/c.img')
  t.throws(() => locks.acquire('/images/c.img', '20261130-190000-ab12'), {code: 'E_BUSY', ...POLICY}, 'a job cannot join a writer with no job')
  solo()
})

t.test('regression: a later run of a job (a resume) waits for the earlier run\'s sessions to end, instead of writing beside them', async t => {
  const locks = new TargetLocks()
  const first = grab(locks, '/images/a.img', '20261130-190000-ab12#host.1')
  const second = grab(locks, '/images/a.img', '20261130-190000-ab12#host.1')
  let got = false
  const later = Promise.resolve(locks.acquire('/images/a.img', '20261130-190000-ab12#host.2')).then(r => { got = true; return r })
  await new Promise(setImmediate)
  t.equal(got, false, 'waits while the earlier run holds the target')
  first()
  await new Promise(setImmediate)
  t.equal(got, false, 'and while one of its streams still does')
  t.throws(() => locks.acquire('/images/a.img', '20261130-190000-cd34#host.3'), {code: 'E_BUSY', ...POLICY}, 'another job is still refused')
  second()
  const release = await later
  t.equal(got, true, 'then takes it')
  release()
  grab(locks, '/images/a.img')()
  t.pass('and frees it')
})

t.test('a later run of a job does not wait forever for an earlier run cut off by a lost connection', async t => {
  const locks = new TargetLocks(20)
  const stuck = grab(locks, '/images/a.img', '20261130-190000-ab12#host.1')
  const release = await locks.acquire('/images/a.img', '20261130-190000-ab12#host.2')
  t.throws(() => locks.acquire('/images/a.img', '20261130-190000-cd34#host.3'), {code: 'E_BUSY', ...POLICY}, 'another job is still refused')
  release()
  stuck()
  grab(locks, '/images/a.img')()
  t.pass('free once both let go')
})

t.test('a real file inside an allowed folder still works end to end', async t => {
  const {allowed} = layout(t)
  mkdirSync(join(allowed, 'vm'))
  writeFileSync(join(allowed, 'vm/a.img'), Buffer.alloc(8192, 1))
  const real = await resolveAllowed(join(allowed, 'vm/./a.img'), [allowed])
  const disk = await Disk.openRead(real, {noFollow: true})
  await checkOpened(disk, real, {devices: [], write: false})
  t.equal(disk.size, 8192)
  await disk.close()
})
