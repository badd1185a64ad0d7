// The Ansible tests' fleet (test/helpers/fleet.ts) cleans up after itself, also
// when its test file ends without its teardowns.

import t from 'tap'
import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {REPO_ROOT} from '../helpers/cli.js'
import {fleetSkipReason} from '../helpers/fleet.js'

t.test('regression: a file that exits without its teardowns (tap timeout) leaves no namespace behind', {skip: fleetSkipReason()}, async t => {
  const dir = t.testdir()
  const script = path.join(dir, 'exits.ts')
  // A fleet of one, then an exit with the teardowns not run, as when tap's timeout ends a file.
  writeFileSync(script, `import t from 'tap'
import {startFleet} from ${JSON.stringify(path.join(REPO_ROOT, 'test/helpers/fleet.ts'))}
t.test('up', async t => {
  await startFleet(t, ${JSON.stringify(dir)}, 1)
  console.log('pid', process.pid)
  process.exit(0)
})
`)
  const r = spawnSync(process.execPath, ['--import', 'tsx', script], {cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000})
  const pid = /pid (\d+)/.exec(r.stdout)?.[1]
  t.ok(pid, 'the fleet came up', pid ? {} : {stdout: r.stdout, stderr: r.stderr})
  const namespaces = spawnSync('ip', ['netns', 'list'], {encoding: 'utf8'}).stdout
  t.notMatch(namespaces, `bp-fleet-${pid}-`, 'its namespace is gone')
  t.notOk(spawnSync('ip', ['link', 'show', `bpfl${pid}`]).status === 0, 'its bridge is gone')
})
