#!/usr/bin/env node
// Start-up is most of what a small sync costs (issue 19): Node itself takes ~50 ms,
// loading oclif and our modules about twice as much again. So `--version` answers
// here, in oclif's words (Config.userAgent; test/bin/run.test.ts holds the two
// together); push, pull and agent run from one script compiled from V8's code cache
// (cli/fast.ts, cli/script-cache.ts); everything else, help included, goes to oclif,
// loaded as one bundled file (cli/oclif.ts).
//
// This file is CommonJS (bin/package.json): an ES module entry starts Node's ES module
// loader, ~7-10 ms of CPU that `--version`, push, pull and agent do not need.
'use strict'
const {readFileSync} = require('node:fs')
const {arch, release} = require('node:os')
const path = require('node:path')

const root = path.join(__dirname, '..')
// The commands cli/fast.ts holds.
const FAST_COMMANDS = ['push', 'pull', 'agent']
const [id, ...rest] = process.argv.slice(2)

// oclif answers --version when it is the first argument, whatever follows.
if (id === '--version') {
  const {name, version} = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
  const platform = process.platform === 'linux' && release().toLowerCase().includes('microsoft') ? 'wsl' : process.platform
  process.stdout.write(`${name}/${version} ${platform}-${arch() === 'ia32' ? 'x86' : arch()} node-${process.version}\n`)
} else {
  // oclif checks its own engines with semver (~50 files, ~10 ms) at every start; ours are
  // checked by npm at install, and oclif's (node >= 18) are a subset of them.
  const quiet = process.env.OCLIF_DISABLE_ENGINE_WARNING === undefined
  if (quiet) process.env.OCLIF_DISABLE_ENGINE_WARNING = '1'
  const fast = FAST_COMMANDS.includes(id) && !rest.some(a => a === '--help' || a === '-h') ? loadFast() : null
  // Only oclif's loading reads it: the processes we start (agents, workers) do not inherit it.
  const loaded = () => { if (quiet) delete process.env.OCLIF_DISABLE_ENGINE_WARNING }
  if (fast) {
    loaded()
    void fast.run(id, rest, root)
  } else {
    void import('../dist/cli/oclif.js').then(({execute}) => {
      loaded()
      return execute({dir: root})
    })
  }
}

/** push, pull and agent as one cached script, or null where the build made none (no esbuild). */
function loadFast() {
  try {
    const {loadScript} = require('../dist/cli/script-cache.cjs')
    return loadScript(path.join(root, 'dist/cli/fast.cjs')).exports
  } catch (err) {
    if (err.code === 'ENOENT' || err.code === 'MODULE_NOT_FOUND') return null
    throw err
  }
}
