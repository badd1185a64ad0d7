// cli/oclif.ts is the CLI's one door to oclif, and the build bundles it into a single
// file (cli/bundle.ts, issue 19). What must hold: the built file loads nothing of
// '@oclif/core' from node_modules, yet offers what the package does, and no command
// goes around it.
import t from 'tap'
import {execFileSync} from 'node:child_process'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import * as core from '@oclif/core'
import {REPO_ROOT, ensureBuilt} from '../helpers/cli.js'

ensureBuilt()
const built = path.join(REPO_ROOT, 'dist/cli/oclif.js')

t.test('the built door is one file: importing it loads no module of @oclif/core or its dependencies', async t => {
  const probe = `await import(${JSON.stringify(built)}); const {createRequire} = await import('node:module');` +
    `console.log(JSON.stringify(Object.keys(createRequire(import.meta.url).cache)))`
  const loaded = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe], {encoding: 'utf8'})) as string[]
  // Not "nothing from node_modules": tap's hooks follow the test into the child.
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules/@oclif/core/package.json'), 'utf8')) as {dependencies: Record<string, string>}
  const theirs = ['@oclif/core', ...Object.keys(pkg.dependencies)].map(name => `${path.sep}node_modules${path.sep}${name}${path.sep}`)
  t.ok(theirs.length > 10)
  t.same(loaded.filter(f => theirs.some(d => f.includes(d))), [])
})

t.test('it exports what @oclif/core does, by the same names and kinds', async t => {
  const door = await import(built) as Record<string, unknown>
  for (const name of ['Args', 'Command', 'Errors', 'Flags', 'Plugin', 'execute', 'loadHelpClass']) {
    t.equal(typeof door[name], typeof (core as Record<string, unknown>)[name], name)
  }
})

t.test('no file under cli/ but the door imports @oclif/core', async t => {
  const cli = path.join(REPO_ROOT, 'cli')
  const files = readdirSync(cli, {recursive: true, encoding: 'utf8'}).filter(f => f.endsWith('.ts') && f !== 'oclif.ts')
  t.ok(files.length > 10)
  for (const f of files) t.notMatch(readFileSync(path.join(cli, f), 'utf8'), /from '@oclif\/core'/, f)
})
