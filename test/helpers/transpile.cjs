// The TypeScript transpiler of the test processes. tap runs test files through
// ts-node (its typescript plugin, transpile-only: `npm run typecheck` checks
// the types), and ts-node's own transpiler builds a TypeScript program per
// module: about 25 ms of CPU each, 1-2 s for every test file that imports the
// session, and again in every worker thread a test starts. esbuild (a
// devDependency already, the one tsx uses) strips the same types in well under
// a millisecond. Named in tsconfig.json's "ts-node" section; CommonJS because
// ts-node require()s it.
'use strict'
const {transformSync} = require('esbuild')

exports.create = () => ({
  transpile(input, {fileName}) {
    // No format: the module syntax is left as written (ESM, as the package says).
    const out = transformSync(input, {loader: 'ts', target: 'es2022', sourcemap: 'external', sourcefile: fileName})
    return {outputText: out.code, sourceMapText: out.map}
  },
})
