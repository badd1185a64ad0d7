// Build steps after tsc (package.json "build"), both for start-up (issue 19):
// - dist/cli/fast.cjs: push, pull and agent (cli/fast.ts) with everything they import, oclif
//   and protobufjs included, as one CommonJS script that bin/run.js loads through V8's
//   code cache (cli/script-cache.ts, made CommonJS too for bin/run.js; cli/fast-cache.ts
//   makes the cache);
// - dist/cli/oclif.js, a re-export of '@oclif/core', becomes one ES module holding oclif
//   and every package it requires, so that the other commands load one file instead
//   of ~110 (cli/oclif.ts says why). oclif is CommonJS, so that bundle gets a
//   `require` of its own for Node's built-in modules.
// esbuild is a dev dependency: where it is missing or fails, the plain re-export stays,
// push, pull and agent go through oclif like the others, and the CLI works the same, only
// slower to start.
import {existsSync, rmSync} from 'node:fs'
import {readFile} from 'node:fs/promises'
import {createRequire} from 'node:module'
import {fileURLToPath} from 'node:url'
import path from 'node:path'
import type {Plugin} from 'esbuild'

const cli = path.dirname(fileURLToPath(import.meta.url))
const oclif = path.join(cli, 'oclif.js')
const fast = path.join(cli, 'fast.cjs')
const loader = path.join(cli, 'script-cache.cjs')
// Only oclif's development mode (commands run from TypeScript sources) reaches these.
const development = ['typescript', 'ts-node', 'tsx']

/**
 * Our modules find files relative to themselves (the stream worker, the addon, the
 * generated protobuf code): in the script, each keeps its own `import.meta.url`, made
 * from the script's folder so that the package can move. A `createRequire(import.meta.url)`
 * of a named package becomes a plain require, which bundles it (protobufjs) or, for the
 * packages with native parts, leaves it to Node.
 */
const ownUrls: Plugin = {
  name: 'own-urls',
  setup(build) {
    build.onLoad({filter: /[\\/]dist[\\/].*\.js$/}, async args => {
      const source = await readFile(args.path, 'utf8')
      const rel = path.relative(cli, args.path).split(path.sep).join('/')
      const contents = source
        .replace(/createRequire\(import\.meta\.url\)\(('[^']+')\)/g, 'require($1)')
        .replace(/import\.meta\.url/g, `ownUrl(${JSON.stringify(rel)})`)
      return {contents, loader: 'js'}
    })
  },
}

/**
 * Built-in modules that a push, a pull or an agent needs only on some paths (perf_hooks:
 * oclif's timings, off unless asked; readline: oclif reading stdin, progress bars on a
 * TTY) load when first used instead of when the script loads, ~1.3 ms of CPU at each
 * start (issue 19). Each becomes an object of getters, one per export name (read here,
 * from the Node that builds), that require the real module on first access. Not
 * child_process (node:cluster, which the agent's workers module imports, requires it as
 * it loads) nor worker_threads (the stream thread's module reads `isMainThread` as it loads).
 */
const LAZY_BUILTINS = ['perf_hooks', 'readline']
const lazyBuiltins: Plugin = {
  name: 'lazy-builtins',
  setup(build) {
    build.onResolve({filter: new RegExp(`^(node:)?(${LAZY_BUILTINS.join('|')})$`)}, args =>
      args.namespace === 'lazy-builtin' ? {path: args.path, external: true} : {path: args.path.replace(/^node:/, ''), namespace: 'lazy-builtin'})
    build.onLoad({filter: /.*/, namespace: 'lazy-builtin'}, args => {
      const names = Object.keys(createRequire(import.meta.url)(`node:${args.path}`) as object)
      return {loader: 'js', contents: `let real
const load = () => real ??= require('node:${args.path}')
for (const name of ${JSON.stringify(names)}) Object.defineProperty(exports, name, {enumerable: true, get: () => load()[name]})`}
    })
  },
}

/**
 * xxhash-addon's index asks node-gyp-build to search its folders for the binary that fits
 * this Node, ~2-3 ms at each start (issue 19). The build asks once, here, and the script
 * loads that file by its path from the script's folder, through node_modules as Node finds
 * it (not through symlinks, so a copy of the package with its node_modules works too);
 * where that fails (the packages moved apart, another machine) or the user points
 * xxhash-addon elsewhere (XXHASH_ADDON_PREBUILD, read by node-gyp-build), it asks as
 * before, and so does a script built where node-gyp-build finds no binary.
 */
const addonByPath: Plugin = {
  name: 'addon-by-path',
  setup(build) {
    build.onResolve({filter: /^xxhash-addon$/}, args =>
      args.namespace === 'addon-by-path' ? {path: args.path, external: true} : {path: args.path, namespace: 'addon-by-path'})
    build.onLoad({filter: /.*/, namespace: 'addon-by-path'}, () => {
      const file = addonFile()
      return {loader: 'js', contents: file === null ? "module.exports = require('xxhash-addon')" : `let addon
if (process.env.XXHASH_ADDON_PREBUILD === undefined) {
  try { addon = require(require('node:path').join(__dirname, ${JSON.stringify(file)})) } catch {}
}
module.exports = addon ?? require('xxhash-addon')`}
    })
  },
}

/** The path from the script's folder to the binary xxhash-addon loads here, or null if none is found. */
function addonFile(): string | null {
  let pkg: string
  let binary: string
  try {
    pkg = createRequire(import.meta.url).resolve('xxhash-addon/package.json')
    const gypBuild = createRequire(pkg)('node-gyp-build') as {resolve(dir: string): string}
    binary = path.relative(path.dirname(pkg), gypBuild.resolve(path.dirname(pkg)))
  } catch {
    return null
  }
  // The folder Node's require finds xxhash-addon in, from the script's folder up.
  for (let dir = cli; ; dir = path.dirname(dir)) {
    const found = path.join(dir, 'node_modules', 'xxhash-addon')
    if (existsSync(path.join(found, 'package.json'))) return path.relative(cli, path.join(found, binary)).split(path.sep).join('/')
    if (path.dirname(dir) === dir) return path.relative(cli, path.join(path.dirname(pkg), binary)).split(path.sep).join('/')
  }
}

/**
 * oclif's Config.load asks wsl-utils whether this is WSL (its modules read /proc/version,
 * /proc/self/cgroup and look for four files: ~2.5 ms at each start, issue 19), for a
 * platform name that only its user agent and help show. In the script it answers as
 * bin/run.js does for --version, from the kernel's release; the other commands keep oclif's.
 */
const platformFromRelease: Plugin = {
  name: 'platform-from-release',
  setup(build) {
    build.onLoad({filter: /[\\/]@oclif[\\/]core[\\/]lib[\\/]util[\\/]os\.js$/}, async args => ({loader: 'js', contents: `${await readFile(args.path, 'utf8')}
exports.getPlatform = async () => process.platform === 'linux' && require('node:os').release().toLowerCase().includes('microsoft') ? 'wsl' : process.platform;`}))
  },
}

try {
  const esbuild = await import('esbuild')
  await esbuild.build({
    entryPoints: [path.join(cli, 'fast.js')],
    outfile: fast,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: [...development, 'koffi', 'xxhash-addon'],
    plugins: [ownUrls, lazyBuiltins, addonByPath, platformFromRelease],
    // Outside every module, so a module's own `const require` cannot shadow it.
    banner: {js: "const ownUrl = rel => require('node:url').pathToFileURL(require('node:path').join(__dirname, rel)).href;"},
    logLevel: 'error',
  })
  await esbuild.build({entryPoints: [path.join(cli, 'script-cache.js')], outfile: loader, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'error'})
  // Bundling the bundle again would declare its banner twice: a second run of this
  // step without tsc in between (two builds at once) leaves the first one's file.
  if (!(await readFile(oclif, 'utf8')).includes('bundleRequire')) await esbuild.build({
    entryPoints: [oclif],
    outfile: oclif,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: development,
    banner: {js: "import {createRequire as bundleRequire} from 'node:module'; const require = bundleRequire(import.meta.url);"},
    logLevel: 'warning',
  })
  // tsc's source map was of the re-export, not of this.
  rmSync(`${oclif}.map`, {force: true})
} catch (err) {
  rmSync(fast, {force: true})
  rmSync(loader, {force: true})
  process.stderr.write(`blockpair: the CLI was not bundled (${(err as Error).message.split('\n')[0]}); it works, but starts slower\n`)
}
