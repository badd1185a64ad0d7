#!/usr/bin/python
# -*- coding: utf-8 -*-
# One sync as a module: `blockpair push --json` run on the source host, its
# summary returned as the result. blockpair already reports everything an
# operator needs in one JSON object (CLI contract, DESIGN.md), so this module
# only builds the command line, maps check mode to --dry-run, and turns the
# exit code into Ansible's changed/failed. Resuming is blockpair's own
# `resume JOB`: the job of an interrupted push is found in `blockpair jobs`.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
---
module: sync
short_description: Make a file or block device on another host identical to one on this host
version_added: "1.0.0"
description:
  - Runs C(blockpair push --json) on the host the task runs on (the source), to the
    blockpair agent of the destination host (C(agent://)), or over ssh.
  - Reports C(changed) only when the destination was written to (blocks written or zeroed).
  - In check mode the push runs with C(--dry-run) and reports what would be written.
  - On failure the result carries blockpair's error C(code), its exit code C(rc) and
    whether the failure is C(resumable); with O(resume=true) an interrupted job of the
    same pair is resumed from its last checkpoint instead of starting over.
options:
  src:
    description: The file or block device on this host.
    type: path
    required: true
  dest:
    description: The absolute path of the copy on the destination host.
    type: str
    required: true
  dest_host:
    description:
      - The address of the destination host's agent. With O(ssh_target) unset,
        the push goes to C(agent://DEST_HOST:PORT/DEST) with O(psk_file).
    type: str
  port:
    description: The port of the destination's agent.
    type: int
    default: 7373
  psk_file:
    description: The key shared with the destination's agent (the role keeps one per peer in PREFIX/etc/peers/PEER.psk).
    type: path
  identity:
    description: Which identity of O(psk_file) to use (default, the first).
    type: str
  ssh_target:
    description: "C([USER@]HOST) to push over ssh instead of to a running agent: blockpair starts a one-off agent there."
    type: str
  ssh:
    description: The ssh command for O(ssh_target), like rsync -e.
    type: str
  remote_bin:
    description: How to run blockpair on the destination, for O(ssh_target).
    type: str
  block_size:
    description: Coarse block size (C(--block-size)), e.g. C(64K), C(1M).
    type: str
  bwlimit:
    description: Cap block data at this rate (C(--bwlimit)); a bare number is KiB/s, suffixes K, M, G; 0 means no limit.
    type: str
  streams:
    description: Connections per file (C(--streams)).
    type: int
  verify:
    description: Re-read the destination after the sync and compare (C(--verify)).
    type: bool
    default: false
  resume:
    description:
      - When the newest job for this same source and destination was interrupted, run
        C(blockpair resume) on it instead of a new push.
    type: bool
    default: false
  extra_args:
    description: More flags for C(blockpair push), passed as they are (for flags this module does not name yet).
    type: list
    elements: str
    default: []
  prefix:
    description: Where blockpair is installed on this host (the role's blockpair_prefix).
    type: path
    default: /opt/blockpair
  node:
    description: Node.js on this host.
    type: path
    default: /usr/bin/node
  state_home:
    description: XDG_STATE_HOME for blockpair (its jobs and the pair's lineage); unset, blockpair's default.
    type: path
author:
  - blockpair maintainers
'''

EXAMPLES = r'''
- name: Stage a VM disk to hv2
  blockpair.hypervisor.sync:
    src: /var/lib/libvirt/images/vm1.qcow2
    dest: /var/lib/libvirt/images/vm1.qcow2
    dest_host: 10.0.0.2
    psk_file: /opt/blockpair/etc/peers/hv2.psk
    bwlimit: 200M
    resume: true

- name: Final pass, checked against the disk
  blockpair.hypervisor.sync:
    src: /dev/vg0/vm1-disk
    dest: /dev/vg0/vm1-disk
    ssh_target: root@hv2
    remote_bin: /usr/bin/node /opt/blockpair/bin/run.js
    verify: true
'''

RETURN = r'''
summary:
  description: blockpair's JSON summary, as printed (ok, job, size, blockSize, blocksChanged, bytesReadSource, bytesReadDest, bytesSent, bytesOnWire, bytesWritten, bytesZeroed, durationMs, resumedFrom, verified, changeTracking, ...).
  returned: success
  type: dict
job:
  description: The blockpair job id (for C(blockpair resume)).
  returned: when blockpair made a job
  type: str
bytes_read_source:
  description: Bytes read at the source.
  returned: success
  type: int
bytes_read_dest:
  description: Bytes read at the destination.
  returned: success
  type: int
bytes_sent:
  description: Block payload bytes sent.
  returned: success
  type: int
bytes_written:
  description: Bytes written at the destination.
  returned: success
  type: int
resumed_from:
  description: The offset a resumed sync continued from (0 or null when it started from the beginning).
  returned: success
  type: int
duration_ms:
  description: How long the sync took.
  returned: success
  type: int
resumed:
  description: Whether this run resumed an interrupted job.
  returned: always
  type: bool
code:
  description: blockpair's error code (stable, e.g. E_CONNECT_REFUSED).
  returned: failure
  type: str
rc:
  description: blockpair's exit code (3 connection, 4 protocol, 5 I/O, 6 interrupted, 7 policy, ...).
  returned: always
  type: int
resumable:
  description: Whether the failure can be resumed from its last checkpoint (exit code 6).
  returned: failure
  type: bool
cmd:
  description: The command that ran.
  returned: always
  type: list
'''

import json
import os

from ansible.module_utils.basic import AnsibleModule

EXIT_INTERRUPTED = 6

# blockpair's summary fields under the names of this module's results.
SUMMARY_FIELDS = {
    'bytesReadSource': 'bytes_read_source',
    'bytesReadDest': 'bytes_read_dest',
    'bytesSent': 'bytes_sent',
    'bytesOnWire': 'bytes_on_wire',
    'bytesWritten': 'bytes_written',
    'bytesZeroed': 'bytes_zeroed',
    'durationMs': 'duration_ms',
    'size': 'size',
    'blocksChanged': 'blocks_changed',
    'verified': 'verified',
    'resumedFrom': 'resumed_from',
}


def destination(p):
    if p['ssh_target']:
        return '%s:%s' % (p['ssh_target'], p['dest'])
    host = p['dest_host']
    if ':' in host and not host.startswith('['):
        host = '[%s]' % host
    return 'agent://%s:%d%s' % (host, p['port'], p['dest'])


def push_args(p, check_mode):
    args = ['push', p['src'], destination(p), '--json', '--quiet']
    if not p['ssh_target']:
        args += ['--psk-file', p['psk_file']]
        if p['identity']:
            args += ['--identity', p['identity']]
    else:
        if p['ssh']:
            args += ['--ssh', p['ssh']]
        if p['remote_bin']:
            args += ['--remote-bin', p['remote_bin']]
    for flag, key in (('--block-size', 'block_size'), ('--bwlimit', 'bwlimit')):
        if p[key]:
            args += [flag, p[key]]
    if p['streams']:
        args += ['--streams', str(p['streams'])]
    if p['verify']:
        args.append('--verify')
    if check_mode:
        args.append('--dry-run')
    return args + list(p['extra_args'])


def last_json(text):
    """The last line of stdout that is JSON: blockpair's --json output."""
    for line in reversed((text or '').splitlines()):
        line = line.strip()
        if line.startswith('{') or line.startswith('['):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return None


class Blockpair(object):
    def __init__(self, module):
        self.module = module
        p = module.params
        self.base = [p['node'], os.path.join(p['prefix'], 'bin', 'run.js')]
        self.env = {'XDG_STATE_HOME': p['state_home']} if p['state_home'] else {}

    def run(self, args):
        cmd = self.base + args
        rc, out, err = self.module.run_command(cmd, environ_update=self.env)
        return cmd, rc, last_json(out), err

    def interrupted_job(self, src, to):
        """The newest job of this pair, if it was interrupted (jobs lists newest first)."""
        cmd, rc, jobs, err = self.run(['jobs', '--json'])
        if rc != 0 or not isinstance(jobs, list):
            self.module.fail_json(msg='blockpair jobs failed: %s' % (err or '').strip(), cmd=cmd, rc=rc)
        for job in jobs:
            if job.get('direction') == 'push' and job.get('source') == src and job.get('destination') == to:
                return job.get('id') if job.get('state') == 'interrupted' else None
        return None


def main():
    module = AnsibleModule(
        argument_spec=dict(
            src=dict(type='path', required=True),
            dest=dict(type='str', required=True),
            dest_host=dict(type='str'),
            port=dict(type='int', default=7373),
            psk_file=dict(type='path', no_log=False),
            identity=dict(type='str'),
            ssh_target=dict(type='str'),
            ssh=dict(type='str'),
            remote_bin=dict(type='str'),
            block_size=dict(type='str'),
            bwlimit=dict(type='str'),
            streams=dict(type='int'),
            verify=dict(type='bool', default=False),
            resume=dict(type='bool', default=False),
            extra_args=dict(type='list', elements='str', default=[]),
            prefix=dict(type='path', default='/opt/blockpair'),
            node=dict(type='path', default='/usr/bin/node'),
            state_home=dict(type='path'),
        ),
        required_one_of=[('dest_host', 'ssh_target')],
        mutually_exclusive=[('dest_host', 'ssh_target')],
        required_by={'dest_host': 'psk_file'},
        supports_check_mode=True,
    )
    p = module.params
    if not p['dest'].startswith('/'):
        module.fail_json(msg='dest must be an absolute path, not %r' % p['dest'], code='E_USAGE', rc=2, resumable=False)

    bp = Blockpair(module)
    job = None
    if p['resume'] and not module.check_mode:
        job = bp.interrupted_job(p['src'], destination(p))
    args = ['resume', job, '--json', '--quiet'] if job else push_args(p, module.check_mode)
    cmd, rc, out, err = bp.run(args)
    if rc == EXIT_INTERRUPTED and not job:
        # The error object names its job; older blockpair versions only list it in `jobs`.
        job = (out or {}).get('job') or bp.interrupted_job(p['src'], destination(p))
        out = dict(out or {}, job=job)
    report(module, cmd, rc, out, err, resumed=args[0] == 'resume')


def report(module, cmd, rc, out, err, resumed):
    if rc == 0 and out and out.get('ok', True):
        result = dict((mine, out.get(theirs)) for theirs, mine in SUMMARY_FIELDS.items())
        written = (out.get('bytesWritten') or 0) + (out.get('bytesZeroed') or 0)
        # A dry run writes nothing; it would change the destination if anything differs.
        changed = written > 0 or (module.check_mode and (out.get('blocksChanged') or 0) > 0)
        module.exit_json(changed=changed, summary=out, job=out.get('job'), rc=rc, cmd=cmd, resumed=resumed, **result)
    out = out or {}
    code = out.get('code') or ('E_DIFFERENT' if rc == 1 else 'E_UNKNOWN')
    message = out.get('message') or (err or '').strip().splitlines()[-1:] or ['blockpair exited with %d' % rc]
    if isinstance(message, list):
        message = message[0]
    resumable = rc == EXIT_INTERRUPTED
    hint = ' (resumable: run again with resume=true)' if resumable else ''
    module.fail_json(msg='blockpair: %s [%s]%s' % (message, code, hint), code=code, rc=rc, resumable=resumable,
                     job=out.get('job'), cmd=cmd, resumed=resumed, stderr=err)


if __name__ == '__main__':
    main()
