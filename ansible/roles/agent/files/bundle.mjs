#!/usr/bin/env node
// The controller's half of the `agent` role: what `blockpair install` would copy
// and write, made here by blockpair's own code (agent/ops/install.ts in the
// built package), so the role and `blockpair install` cannot drift apart.
//
//   bundle.mjs bundle --root ROOT --out DIR   make DIR/blockpair-VERSION-HASH.tar.gz once
//                                             per content hash; print {file, hash, version, stamp, changed}
//   bundle.mjs unit --root ROOT PARAMS_JSON   print {unit, command}: the systemd unit text and
//                                             the agent's command line for those UnitParams
//
// ROOT is a built blockpair (default: the one `blockpair` on PATH runs from).
// The tarball holds the same entries as install's ssh stream, owned by root, so
// the host unpacks it into PREFIX and gets the layout install gives it.

import {spawnSync} from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import {pathToFileURL} from 'node:url'

function fail(message) {
  process.stderr.write(`bundle.mjs: ${message}\n`)
  process.exit(2)
}

function option(args, name) {
  const i = args.indexOf(name)
  if (i < 0) return undefined
  const v = args[i + 1]
  if (v === undefined) fail(`${name} needs a value`)
  args.splice(i, 2)
  return v
}

function defaultRoot() {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const bin = path.join(dir || '.', 'blockpair')
    if (fs.existsSync(bin)) return path.dirname(path.dirname(fs.realpathSync(bin)))
  }
  fail('no blockpair on PATH; pass --root (blockpair_source_root) to a built blockpair')
}

async function installModule(root) {
  const file = path.join(root, 'dist/agent/ops/install.js')
  if (!fs.existsSync(file)) fail(`${root} is not a built blockpair (no ${file}); run 'npm run build' there`)
  return import(pathToFileURL(file).href)
}

async function bundle(ops, root, out) {
  const p = ops.collectPayload(root)
  const file = path.join(out, `blockpair-${p.version}-${p.hash.slice(0, 16)}.tar.gz`)
  const changed = !fs.existsSync(file)
  if (changed) {
    fs.mkdirSync(out, {recursive: true, mode: 0o700})
    const tmp = `${file}.${process.pid}.tmp`
    const r = spawnSync('tar', ['-c', '-z', '-f', tmp, '--owner=0', '--group=0', '--numeric-owner', '-C', p.root, '--', ...p.entries],
      {stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8'})
    if (r.status !== 0) {
      fs.rmSync(tmp, {force: true})
      fail(`tar failed (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').pop()}`)
    }
    fs.renameSync(tmp, file)
  }
  // The stamp install.ts writes (minus node, which the role adds): it is what
  // makes `blockpair install --uninstall` and a later install trust PREFIX.
  return {file, hash: p.hash, version: p.version, root: p.root, changed}
}

async function main() {
  const args = process.argv.slice(2)
  const verb = args.shift()
  const root = path.resolve(option(args, '--root') ?? defaultRoot())
  const ops = await installModule(root)
  if (verb === 'bundle') {
    const out = option(args, '--out') ?? fail('bundle needs --out DIR')
    process.stdout.write(JSON.stringify(await bundle(ops, root, path.resolve(out))) + '\n')
  } else if (verb === 'unit') {
    const params = JSON.parse(args[0] ?? fail('unit needs a JSON object of UnitParams'))
    const template = fs.readFileSync(ops.unitTemplatePath(root), 'utf8')
    process.stdout.write(JSON.stringify({unit: ops.renderUnit(params, template), command: ops.agentCommand(params)}) + '\n')
  } else {
    fail(`unknown verb '${verb}'; expected bundle or unit`)
  }
}

await main()
