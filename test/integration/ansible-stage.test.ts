// stage.yml of the Ansible collection (ansible/) driven by real ansible-playbook
// against three "hypervisors" (test/helpers/ansible.ts): network namespaces on a
// bridge, each with its own address, sshd and agent installed by the role (whose
// own tests are in ansible.test.ts, on a fleet of their own, side by side).
//
// One fleet for the whole file, as the steps build on each other: six pairs
// (first copies, an incremental pass after two sources change, a final pass
// with --verify), then a pair whose agent is killed mid-sync, and the re-run
// that finishes it.

import t from 'tap'
import {spawnSync} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {existsSync, readFileSync, statSync, writeFileSync, openSync, writeSync, closeSync} from 'node:fs'
import path from 'node:path'
import {ansibleSkipReason, ansibleWorld, changedHosts} from '../helpers/ansible.js'
import {until} from '../helpers/hostile.js'

interface Pair {src_host: string, src: string, dest_host: string, dest: string, bwlimit?: string}
interface Row {id: number, label: string, result: string, code?: string, rc?: number, resumable?: boolean, resumed: boolean,
  bytes_read_source: number | null, bytes_read_dest: number | null, bytes_sent: number | null, duration_ms: number | null, verified?: boolean}

t.test('a fleet of three: stage.yml', {skip: ansibleSkipReason()}, async t => {
  const w = await ansibleWorld(t)
  const [hv1, , hv3] = w.hosts
  const installed = await w.playbook('agent')
  t.equal(installed.code, 0, installed.stdout.slice(-3000) + installed.stderr)

  // Six pairs: each host sends one image to each other host.
  const pairs: Pair[] = []
  for (const s of w.hosts) {
    for (const d of w.hosts) {
      if (s === d) continue
      const file = `${s.name}-to-${d.name}.img`
      writeFileSync(path.join(w.images(s), file), randomBytes(3 << 20))
      pairs.push({src_host: s.name, src: path.join(w.images(s), file), dest_host: d.name, dest: path.join(w.images(d), file)})
    }
  }
  const report = path.join(w.controller, 'report')
  const stage = (ps: Pair[], extra: string[] = []) => {
    const vars = path.join(w.controller, 'pairs.json')
    writeFileSync(vars, JSON.stringify({blockpair_pairs: ps, blockpair_report: report}))
    return w.playbook('stage', ['-e', `@${vars}`, ...extra])
  }
  const rows = (): Row[] => JSON.parse(readFileSync(`${report}.json`, 'utf8')).pairs
  const identical = (p: Pair) => spawnSync('cmp', [p.src, p.dest]).status === 0

  await t.test('stage.yml: first copies, then only the two changed pairs, then the final pass', async t => {
    const first = await stage(pairs)
    t.equal(first.code, 0, first.stdout.slice(-3000) + first.stderr)
    t.match(first.stdout, /TASK \[Sync \| wait \| incremental pass, wave 1 of \d+\]/, 'tasks named for profile_tasks')
    for (const p of pairs) t.ok(identical(p), `${p.dest_host}:${p.dest} identical`)
    t.same(rows().map(r => r.result), pairs.map(() => 'changed'))

    for (const i of [1, 4]) {
      const fd = openSync(pairs[i]!.src, 'r+')
      writeSync(fd, randomBytes(4096), 0, 4096, 1 << 20)
      closeSync(fd)
    }
    const second = await stage(pairs)
    t.equal(second.code, 0, second.stderr)
    t.same(rows().map(r => r.result), pairs.map((_, i) => (i === 1 || i === 4 ? 'changed' : 'unchanged')), 'changed: exactly the two')
    for (const p of pairs) t.ok(identical(p))

    const final = await stage(pairs, ['-e', 'final=true'])
    t.equal(final.code, 0, final.stderr)
    const md = readFileSync(`${report}.md`, 'utf8')
    t.match(md, /# blockpair final pass/)
    const last = rows()
    t.equal(last.length, 6, 'the report lists all six')
    for (const r of last) {
      t.equal(r.verified, true, `${r.label} verified`)
      t.ok(md.includes(r.label), `${r.label} in the Markdown table`)
      t.type(r.bytes_read_source, 'number')
      t.type(r.bytes_read_dest, 'number')
    }
  })

  await t.test('a pair whose agent is killed mid-sync fails with its code; a re-run finishes it', async t => {
    // One sync per host at a time: the two pairs before it (hv1 -> hv2, hv2 -> hv3) each take a wave,
    // so the big pair (hv1 -> hv3) runs alone and last, and killing hv3's agent touches no other pair.
    // Two others show what six would (a failure is recorded beside the pairs that were done), at three
    // waves, not seven; and the third wave is there only if blockpair_max_syncs_per_host reached the plan.
    const big: Pair = {src_host: 'hv1', src: path.join(w.images(hv1), 'big.img'), dest_host: 'hv3', dest: path.join(w.images(hv3), 'big.img'), bwlimit: '2M'}
    writeFileSync(big.src, randomBytes(16 << 20))
    const others = [pairs[0]!, pairs[3]!]
    t.same(others.map(p => `${p.src_host}->${p.dest_host}`), ['hv1->hv2', 'hv2->hv3'])
    const all = [...others, big]
    const running = stage(all, ['-e', 'blockpair_max_syncs_per_host=1'])
    // The big pair runs in the play's last wave: on a loaded machine the waves before it
    // have taken more than a minute, so the play's own end, not a clock, bounds the wait.
    let playEnded = false
    running.finally(() => { playEnded = true }).catch(() => {})
    const filling = (): boolean => existsSync(big.dest) && statSync(big.dest).blocks * 512 >= 2 << 20
    await until(() => playEnded || filling(), Infinity)
    t.ok(filling(), 'the big pair was under way before the play ended')
    const pid = Number(readFileSync(path.join(hv3.root, 'opt/blockpair/run/agent.pid'), 'utf8'))
    process.kill(pid, 'SIGKILL')
    const failed = await running
    t.not(failed.code, 0, 'the play fails')
    t.match(failed.stdout, /TASK \[Sync \| start \| incremental pass, wave 3 of 3\]/, 'one pair a wave: blockpair_max_syncs_per_host=1 was planned with')
    const r = rows()
    t.same(r.slice(0, 2).map(x => x.result), others.map(() => 'unchanged'), 'the others are done')
    const bad = r[2]!
    t.equal(bad.result, 'failed')
    t.match(bad, {code: /^E_[A-Z_]+$/, rc: 6, resumable: true})
    t.match(failed.stdout, bad.code as string, 'the play names the code')

    const agents = await w.playbook('agent')
    t.same(changedHosts(agents), ['hv3'], 'the role restarts the killed agent, nothing else')
    const again = await stage(all)
    t.equal(again.code, 0, again.stderr)
    const done = rows()[2]!
    // `blockpair resume` ran; whether it could keep the checkpoint is blockpair's decision (it restarts if an end changed).
    t.match(done, {result: 'changed', resumed: true})
    t.ok(identical(big))
  })

})


