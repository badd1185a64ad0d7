// The controller side of the Ansible tests: a fleet of three hosts
// (test/helpers/fleet.ts) with the collection (ansible/) installed for a
// controller folder of its own, an inventory naming each host's prefix, images
// and state, and ansible-playbook run against it. The agents run as plain
// processes (blockpair_service_manager: process): no systemd runs here.
//
// Two test files each build one (ansible.test.ts: the role; ansible-stage.test.ts:
// stage.yml): a play is slow on a busy machine, and one file holding both took
// longer than tap's timeout there; two run side by side.

import {spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type {Test} from 'tap'
import {asUser, ensureBuilt, REPO_ROOT} from './cli.js'
import {fleetSkipReason, startFleet, type FleetHost} from './fleet.js'

export const COLLECTION = path.join(REPO_ROOT, 'ansible')
export const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0

export interface PlayRun {code: number, stdout: string, stderr: string}

export interface AnsibleWorld {
  hosts: [FleetHost, FleetHost, FleetHost]
  controller: string
  /** A host's images folder, the only one its agent is allowed. */
  images(h: FleetHost): string
  /** Run playbook blockpair.hypervisor.NAME to its end. */
  playbook(name: string, args?: string[]): Promise<PlayRun>
}

/** Why ansible-playbook cannot run against a fleet here, or false. */
export function ansibleSkipReason(): string | false {
  if (!has('ansible-playbook')) return 'ansible-playbook is missing (apt-get install ansible-core; .ci/run does)'
  return fleetSkipReason()
}

/** A fleet of three and a controller for it; all of it removed when `t` ends. */
export async function ansibleWorld(t: Test): Promise<AnsibleWorld> {
  ensureBuilt()
  const base = mkdtempSync(path.join(os.tmpdir(), 'blockpair-ansible-'))
  t.teardown(() => rmSync(base, {recursive: true, force: true}))
  const fleet = await startFleet(t, base, 3)
  const images = (h: FleetHost): string => path.join(h.root, 'images')
  for (const h of fleet.hosts) mkdirSync(images(h), {recursive: true})

  const controller = path.join(base, 'controller')
  const collections = path.join(controller, 'collections/ansible_collections/blockpair')
  mkdirSync(collections, {recursive: true})
  symlinkSync(COLLECTION, path.join(collections, 'hypervisor'))
  const inventory = path.join(controller, 'inventory.json')
  writeFileSync(inventory, JSON.stringify({all: {
    vars: {
      ansible_user: 'root',
      ansible_python_interpreter: '/usr/bin/python3',
      blockpair_service_manager: 'process',
      blockpair_node: process.execPath,
      blockpair_source_root: REPO_ROOT,
      blockpair_controller_node: process.execPath,
      blockpair_bundle_dir: path.join(controller, 'bundles'),
      blockpair_key_store: path.join(controller, 'keys'),
    },
    hosts: Object.fromEntries(fleet.hosts.map(h => [h.name, {
      ansible_host: h.address,
      ansible_port: h.sshd.port,
      ansible_ssh_private_key_file: h.sshd.keyFile,
      blockpair_prefix: path.join(h.root, 'opt/blockpair'),
      blockpair_unit_dir: path.join(h.root, 'etc/systemd/system'),
      blockpair_state_home: path.join(h.root, 'state'),
      blockpair_allow: [images(h)],
    }])),
  }}))
  const controlDir = path.join(controller, 'cp')
  t.teardown(() => closeSshMasters(controlDir))
  const env = {
    ...process.env,
    HOME: controller,
    ANSIBLE_HOME: path.join(controller, 'ansible'),
    ANSIBLE_COLLECTIONS_PATH: path.join(controller, 'collections'),
    ANSIBLE_INVENTORY: inventory,
    ANSIBLE_HOST_KEY_CHECKING: 'False',
    ANSIBLE_SSH_ARGS: '-o ControlMaster=auto -o ControlPersist=60s -o UserKnownHostsFile=/dev/null -o IdentitiesOnly=yes',
    ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
  }
  const playbook = async (name: string, args: string[] = []): Promise<PlayRun> => {
    // asUser: the controller's own node runs (the bundle) without tap's process tracker.
    const child = spawn(...asUser('ansible-playbook', [`blockpair.hypervisor.${name}`, ...args]), {cwd: controller, env, stdio: ['ignore', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d })
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d })
    const code = await new Promise<number>(r => child.once('close', c => r(c ?? -1)))
    return {code, stdout, stderr}
  }
  return {hosts: fleet.hosts as [FleetHost, FleetHost, FleetHost], controller, images, playbook}
}

/** The hosts a play changed, from its PLAY RECAP: `hv1 : ok=11 changed=2 unreachable=0 failed=0 ...` (ansible-core has no json callback). */
export function changedHosts(r: PlayRun): string[] {
  return [...r.stdout.matchAll(/^(\S+)\s+: ok=\d+\s+changed=(\d+)/gm)].filter(m => m[2] !== '0').map(m => m[1] as string).sort()
}

function closeSshMasters(dir: string): void {
  if (!existsSync(dir)) return
  for (const sock of readdirSync(dir)) spawnSync('ssh', ['-o', `ControlPath=${path.join(dir, sock)}`, '-O', 'exit', 'x'], {stdio: 'ignore'})
}
