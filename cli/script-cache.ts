// Loads a CommonJS script (dist/cli/fast.cjs) with V8's code cache beside it
// (fast.cjs.cache, made by the build after a warm-up run, so it holds the functions a
// push and a pull compile, not only the top level). Compiling is most of what loading
// JavaScript costs at start-up (issue 19); with the cache, V8 deserializes instead.
//
// The cache is checked, never trusted. V8 rejects one made by another V8 version or
// with other flags (`cachedDataRejected`), but of the source it checks only the length:
// a cache of other text of the same length would run that other code. So the cache file
// starts with the SHA-256 of the source it was made from (~0.7 ms for the 1.2 MB script).
// A cache that fails either check is ignored and the script compiled as usual: a stale
// or missing cache costs time, never correctness.

import {createHash} from 'node:crypto'
import {readFileSync, renameSync, writeFileSync} from 'node:fs'
import Module, {createRequire} from 'node:module'
import path from 'node:path'
import vm from 'node:vm'

const DIGEST = 32

export interface LoadedScript<T> {
  exports: T
  /** True when there was no valid code cache, i.e. the script was compiled. */
  compiled: boolean
  /** Writes the code cache of what has run so far beside the script (the build, after a warm-up). */
  saveCache(): void
}

/** The code cache file of a script. */
export function cacheFileOf(file: string): string {
  return `${file}.cache`
}

/** Runs a CommonJS file as require() would, compiled from its code cache when that is valid. */
export function loadScript<T>(file: string): LoadedScript<T> {
  const source = readFileSync(file)
  const cachedData = cacheFor(source, cacheFileOf(file))
  const script = new vm.Script(Module.wrap(source.toString('utf8')), {filename: file, cachedData})
  const module = {exports: {} as T}
  const init = script.runInThisContext() as (...args: unknown[]) => void
  init.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file))
  return {
    exports: module.exports,
    compiled: cachedData === undefined || script.cachedDataRejected === true,
    saveCache() {
      const temp = `${cacheFileOf(file)}.${process.pid}`
      writeFileSync(temp, Buffer.concat([digest(source), script.createCachedData()]))
      renameSync(temp, cacheFileOf(file))
    },
  }
}

function digest(source: Buffer): Buffer {
  return createHash('sha256').update(source).digest()
}

/** V8's data from the cache file, if the file was made from this source. */
function cacheFor(source: Buffer, file: string): Buffer | undefined {
  let cache: Buffer
  try {
    cache = readFileSync(file)
  } catch {
    return undefined
  }
  if (cache.length <= DIGEST || !cache.subarray(0, DIGEST).equals(digest(source))) return undefined
  return cache.subarray(DIGEST)
}
