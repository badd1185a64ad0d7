#!/usr/bin/env node
// Start-up is most of what a small sync costs (issue 19): Node itself takes ~50 ms,
// loading oclif and our modules about twice as much again. So `--version` answers
// here, in oclif's words (Config.userAgent; test/bin/run.test.ts holds the two
// together); push and pull run from one script compiled from V8's code cache
// (cli/fast.ts, cli/script-cache.ts); everything else, help included, goes to oclif,
// loaded as one bundled file (cli/oclif.ts).
import {readFileSync} from 'node:fs'
import {arch, release} from 'node:os'
import {fileURLToPath} from 'node:url'

const [id, ...rest] = process.argv.slice(2)
// oclif answers --version when it is the first argument, whatever follows.
if (id === '--version') {
  const {name, version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  const platform = process.platform === 'linux' && release().toLowerCase().includes('microsoft') ? 'wsl' : process.platform
  process.stdout.write(`${name}/${version} ${platform}-${arch() === 'ia32' ? 'x86' : arch()} node-${process.version}\n`)
} else {
  // oclif checks its own engines with semver (~50 files, ~10 ms) at every start; ours are
  // checked by npm at install, and oclif's (node >= 18) are a subset of them.
  const quiet = process.env.OCLIF_DISABLE_ENGINE_WARNING === undefined
  if (quiet) process.env.OCLIF_DISABLE_ENGINE_WARNING = '1'
  const fast = (id === 'push' || id === 'pull') && !rest.some(a => a === '--help' || a === '-h') && await loadFast()
  if (fast) {
    if (quiet) delete process.env.OCLIF_DISABLE_ENGINE_WARNING
    await fast.run(id, rest, fileURLToPath(new URL('..', import.meta.url)))
  } else {
    const {execute} = await import('../dist/cli/oclif.js')
    // Only its import reads it: the processes we start (agents, workers) do not inherit it.
    if (quiet) delete process.env.OCLIF_DISABLE_ENGINE_WARNING
    await execute({dir: import.meta.url})
  }
}

/** push and pull as one cached script, or null where the build made none (no esbuild). */
async function loadFast() {
  const {loadScript} = await import('../dist/cli/script-cache.js')
  try {
    return loadScript(fileURLToPath(new URL('../dist/cli/fast.cjs', import.meta.url))).exports
  } catch (err) {
    if (err.code === 'ENOENT') return null
    throw err
  }
}
