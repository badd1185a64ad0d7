#!/usr/bin/env node
// Start-up is most of what a small sync costs (issue 19): Node itself takes ~50 ms,
// loading oclif about as much again. So `--version` answers here, in oclif's words
// (Config.userAgent; test/bin/run.test.ts holds the two together), and everything
// else goes to oclif, loaded as one bundled file (cli/oclif.ts).
import {readFileSync} from 'node:fs'
import {arch, release} from 'node:os'

// oclif answers --version when it is the first argument, whatever follows.
if (process.argv[2] === '--version') {
  const {name, version} = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  const platform = process.platform === 'linux' && release().toLowerCase().includes('microsoft') ? 'wsl' : process.platform
  process.stdout.write(`${name}/${version} ${platform}-${arch() === 'ia32' ? 'x86' : arch()} node-${process.version}\n`)
} else {
  // oclif checks its own engines with semver (~50 files, ~10 ms) at every start; ours are
  // checked by npm at install, and oclif's (node >= 18) are a subset of them.
  const quiet = process.env.OCLIF_DISABLE_ENGINE_WARNING === undefined
  if (quiet) process.env.OCLIF_DISABLE_ENGINE_WARNING = '1'
  const {execute} = await import('../dist/cli/oclif.js')
  // Only its import reads it: the processes we start (agents, workers) do not inherit it.
  if (quiet) delete process.env.OCLIF_DISABLE_ENGINE_WARNING
  await execute({dir: import.meta.url})
}
