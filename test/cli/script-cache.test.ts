// cli/script-cache.ts: a script runs the same with a valid code cache, none, a stale
// one (made for other source text) or garbage; only `compiled` tells them apart.
import t, {type Test} from 'tap'
import {execFileSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import {cacheFileOf, loadScript} from '../../cli/script-cache.js'

interface Answer {
  answer: (n: number) => number
  file: string
  dir: string
  fromRequire: string
}

const source = (k: number): string => `exports.answer = n => n * ${k}; exports.file = __filename; exports.dir = __dirname; exports.fromRequire = require('node:path').sep`

/** A script of `k`, and a valid cache of it taken after a run (as the build does). */
function script(t: Test, k: number): string {
  const file = path.join(t.testdir(), 'script.cjs')
  writeFileSync(file, source(k))
  const loaded = loadScript<Answer>(file)
  loaded.exports.answer(1)
  loaded.saveCache()
  return file
}

const loader = pathToFileURL(path.resolve('cli/script-cache.ts')).href

/**
 * Loads the script in a fresh process: within one, V8 finds a script it compiled
 * before in its own compilation cache and never looks at the cached data.
 */
function check(t: Test, file: string, k: number, compiled: boolean): void {
  const code = `const {loadScript} = await import(${JSON.stringify(loader)}); const r = loadScript(${JSON.stringify(file)}); console.log(JSON.stringify({answer: r.exports.answer(2), vars: [r.exports.file, r.exports.dir, r.exports.fromRequire], compiled: r.compiled}))`
  const r = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {encoding: 'utf8'})) as {answer: number; vars: string[]; compiled: boolean}
  t.equal(r.answer, 2 * k, 'runs')
  t.same(r.vars, [file, path.dirname(file), path.sep], 'with CommonJS\'s module variables')
  t.equal(r.compiled, compiled, compiled ? 'compiled' : 'from the cache')
}

t.test('a valid cache is used', async t => {
  check(t, script(t, 3), 3, false)
})

t.test('without a cache the script is compiled', async t => {
  const file = path.join(t.testdir(), 'script.cjs')
  writeFileSync(file, source(5))
  check(t, file, 5, true)
})

// V8 checks only the source's length: 3 and 4 make sources of the same length.
t.test('regression: a cache made for other source text of the same length is rejected, and the script is compiled', async t => {
  const file = script(t, 3)
  writeFileSync(file, source(4))
  check(t, file, 4, true)
})

t.test('a cache made for another V8 or other flags is rejected by V8, and the script is compiled', async t => {
  const file = script(t, 3)
  const cache = readFileSync(cacheFileOf(file))
  // V8 keeps its version and flags hash in the header after its magic number.
  cache.writeUInt32LE(cache.readUInt32LE(32 + 4) ^ 1, 32 + 4)
  writeFileSync(cacheFileOf(file), cache)
  check(t, file, 3, true)
})

t.test('a cache of garbage or cut short is rejected, and the script is compiled', async t => {
  const file = script(t, 3)
  const cache = readFileSync(cacheFileOf(file))
  writeFileSync(cacheFileOf(file), cache.subarray(0, cache.length >> 1))
  check(t, file, 3, true)
  writeFileSync(cacheFileOf(file), cache.subarray(0, 20))
  check(t, file, 3, true)
  writeFileSync(cacheFileOf(file), Buffer.alloc(4096, 0x5a))
  check(t, file, 3, true)
})

t.test('a missing script throws ENOENT (bin/run.js then goes through oclif)', async t => {
  t.throws(() => loadScript(path.join(t.testdir(), 'none.cjs')), {code: 'ENOENT'})
})
