// What the build's script (cli/bundle.ts) changes in loading, checked in a fresh Node:
// xxhash-addon's binary by its path, without node-gyp-build's search, unless the user
// points xxhash-addon elsewhere; perf_hooks and readline only once something uses them.
import t from 'tap'
import {execFileSync} from 'node:child_process'
import path from 'node:path'
import {REPO_ROOT, ensureBuilt} from '../helpers/cli.js'

ensureBuilt()
const loader = path.join(REPO_ROOT, 'dist/cli/script-cache.cjs')
const script = path.join(REPO_ROOT, 'dist/cli/fast.cjs')

/** Loads the script in a new process, runs `then` there and returns what it printed (JSON). */
function afterLoad(then: string, env: NodeJS.ProcessEnv = {}): unknown {
  const code = `const {loadScript} = require(${JSON.stringify(loader)}); loadScript(${JSON.stringify(script)}); ${then}`
  return JSON.parse(execFileSync(process.execPath, ['-e', code], {encoding: 'utf8', env: {...process.env, ...env}}))
}

const required = "console.log(JSON.stringify(Object.keys(require.cache).some(f => f.includes('node-gyp-build'))))"

t.test('xxhash-addon loads by its path, without node-gyp-build', async t => {
  t.equal(afterLoad(required), false)
})

t.test('with XXHASH_ADDON_PREBUILD set, xxhash-addon loads through node-gyp-build, which reads it', async t => {
  t.equal(afterLoad(required, {XXHASH_ADDON_PREBUILD: path.join(REPO_ROOT, 'node_modules/xxhash-addon')}), true)
})

t.test('perf_hooks and readline are not loaded with the script', async t => {
  const loaded = "const has = m => process.moduleLoadList.includes('NativeModule ' + m)"
  t.same(afterLoad(`${loaded}; console.log(JSON.stringify([has('perf_hooks'), has('readline')]))`), [false, false])
})
