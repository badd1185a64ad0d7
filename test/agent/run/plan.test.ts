// Argument planning (agent/run/plan.ts): every usage error as a table, then
// the plans themselves. No network, no spawned binary.
import t from 'tap'
import fs from 'node:fs'
import path from 'node:path'
import {EXIT} from '../../../agent/errors.js'
import {fileArgs, planRun, remoteArg, type Direction} from '../../../agent/run/plan.js'

const folders = (...dirs: string[]) => (p: string) => dirs.includes(p)

t.test('every usage error of SRC... DEST', async t => {
  const cases: [Direction, string[], string, number, string[]?][] = [
    ['push', ['a.img'], 'E_ADDRESS', EXIT.USAGE],
    ['pull', [], 'E_ADDRESS', EXIT.USAGE],
    ['push', ['a.img', 'agent://h/x.img'], 'E_ADDRESS', EXIT.USAGE],
    ['push', ['a.img', 'agent://h:0/x.img'], 'E_ADDRESS', EXIT.USAGE],
    ['push', ['a.img', 'h:'], 'E_ADDRESS', EXIT.USAGE],
    ['push', ['h:/a.img', 'g:/b.img'], 'E_ADDRESS', EXIT.USAGE],
    ['push', ['a.img', 'b.img'], 'E_ADDRESS', EXIT.USAGE],
    ['push', ['a.img', 'h:images/a.img'], 'E_PATH_RELATIVE', EXIT.USAGE],
    ['push', ['a.img', 'agent://h:1/a.img', 'agent://h:1/b/'], 'E_ADDRESS', EXIT.USAGE],
    ['push', ['a.img', 'b.img', 'h:/images'], 'E_DESTINATION_NOT_FOLDER', EXIT.USAGE],
    ['push', ['x/a.img', 'y/a.img', 'h:/images/'], 'E_DUPLICATE_DESTINATION', EXIT.USAGE],
    ['pull', ['h:/a.img', 'g:/b.img'], 'E_ADDRESS', EXIT.USAGE],
    ['pull', ['h:/a.img', 'g:/b.img', 'dir/'], 'E_ADDRESS', EXIT.USAGE, ['dir/']],
    ['pull', ['agent://h:1/a.img', 'agent://h:2/b.img', 'dir/'], 'E_ADDRESS', EXIT.USAGE, ['dir/']],
    ['pull', ['h:/a.img', 'root@h:/b.img', 'dir/'], 'E_ADDRESS', EXIT.USAGE, ['dir/']],
    ['pull', ['a.img', 'b.img'], 'E_ADDRESS', EXIT.USAGE],
    ['pull', ['h:a.img', 'b.img'], 'E_PATH_RELATIVE', EXIT.USAGE],
    ['pull', ['h:/a.img', 'h:/b.img', 'b.img'], 'E_DESTINATION_NOT_FOLDER', EXIT.USAGE],
    ['pull', ['h:/images/', 'dir'], 'E_ADDRESS', EXIT.USAGE, ['dir']],
    ['pull', ['h:/x/a.img', 'h:/y/a.img', 'dir'], 'E_DUPLICATE_DESTINATION', EXIT.USAGE, ['dir']],
    ['pull', ['h:/a.img', 'missing/'], 'E_NOT_FOUND', EXIT.IO],
  ]
  for (const [direction, paths, code, exit, dirs] of cases) {
    t.throws(() => planRun(direction, paths, folders(...(dirs ?? []))), {code, exit}, `${direction} ${paths.join(' ')}`)
  }
})

t.test('push: one file to a path, several into a folder, by basename', async t => {
  t.same(planRun('push', ['a.img', 'root@h:/images/b.img'], folders()), {
    direction: 'push', remote: {kind: 'ssh', target: 'root@h', host: 'h'}, files: [{local: 'a.img', remote: '/images/b.img'}],
  })
  const plan = planRun('push', ['x/a.img', 'b.img', 'agent://[::1]:7373/images/'], folders())
  t.same(plan.remote, {kind: 'agent', host: '::1', port: 7373})
  t.same(plan.files, [{local: 'x/a.img', remote: '/images/a.img'}, {local: 'b.img', remote: '/images/b.img'}])
  t.same(fileArgs(plan, plan.files[0]!), {from: 'x/a.img', to: 'agent://[::1]:7373/images/a.img'})
})

t.test('pull: into a file, or into a folder that exists (a real one by default)', async t => {
  t.same(planRun('pull', ['h:/images/a.img', 'copy.img'], folders()).files, [{local: 'copy.img', remote: '/images/a.img'}])
  const dir = t.testdir()
  const plan = planRun('pull', ['h:/images/a.img', 'h:/images/b.img', dir])
  t.same(plan.files.map(f => f.local), [path.join(dir, 'a.img'), path.join(dir, 'b.img')])
  t.same(fileArgs(plan, plan.files[1]!), {from: 'h:/images/b.img', to: path.join(dir, 'b.img')})
  fs.writeFileSync(path.join(dir, 'file'), '')
  t.throws(() => planRun('pull', ['h:/a.img', path.join(dir, 'file') + '/']), {code: 'E_NOT_FOUND'}, 'a file is not a folder')
})

t.test('remoteArg writes an address that parses back to the same path', async t => {
  const plan = planRun('push', ['a.img', 'agent://h:1/odd%20name/x.img'], folders())
  t.equal(plan.files[0]!.remote, '/odd name/x.img')
  t.equal(remoteArg(plan.remote, plan.files[0]!.remote), 'agent://h:1/odd%20name/x.img')
  t.same(planRun('push', ['a.img', remoteArg(plan.remote, '/odd name/x.img')], folders()).files, plan.files)
  t.equal(remoteArg({kind: 'ssh', target: 'u@h', host: 'h'}, '/a b'), 'u@h:/a b')
})
