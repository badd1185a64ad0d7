// Build step after tsc (package.json "build"): turns dist/cli/oclif.js, a re-export of
// '@oclif/core', into one ES module holding oclif and every package it requires, so that
// a start loads one file instead of ~110 (issue 19; cli/oclif.ts says why). oclif is
// CommonJS, so the bundle gets a `require` of its own for Node's built-in modules.
// esbuild is a dev dependency: where it is missing or fails, the plain re-export stays
// and the CLI works the same, only slower to start.
import {rmSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import path from 'node:path'

const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'oclif.js')

try {
  const esbuild = await import('esbuild')
  await esbuild.build({
    entryPoints: [file],
    outfile: file,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Only oclif's development mode (commands run from TypeScript sources) reaches these.
    external: ['typescript', 'ts-node', 'tsx'],
    banner: {js: "import {createRequire as bundleRequire} from 'node:module'; const require = bundleRequire(import.meta.url);"},
    logLevel: 'warning',
  })
  // tsc's source map was of the re-export, not of this.
  rmSync(`${file}.map`, {force: true})
} catch (err) {
  process.stderr.write(`blockpair: oclif was not bundled (${(err as Error).message.split('\n')[0]}); the CLI works, but starts slower\n`)
}
