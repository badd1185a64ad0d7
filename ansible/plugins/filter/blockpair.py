# -*- coding: utf-8 -*-
# Filters the collection plans with: the name of the key two hosts share, in which
# waves the pairs of a pass run.
#
# A pass cannot start every sync at once: a hypervisor whose disks are read by
# twenty syncs at once serves them all slower than one after another. So the
# pairs are cut into waves, greedily and in the order given: a pair joins the
# first wave in which neither its source host nor its destination host already
# takes part in `per_host` syncs. Every host runs its share of a wave in
# parallel, and the next wave starts when the whole wave is done (Ansible's
# linear strategy), which bounds the syncs at once at both ends of every pair.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError


def key_name(host, peer):
    """The name (and TLS identity) of the key two hosts share: the same from both ends."""
    return '_'.join(sorted([str(host), str(peer)]))


def key_files(peers, host, store):
    """The controller's key files `host` shares with each of `peers`, in the peers' order."""
    return ['%s/%s.psk' % (store, key_name(host, peer)) for peer in peers]


PAIR_FIELDS = ('src_host', 'src', 'dest_host', 'dest')


def waves(pairs, per_host=1):
    """The pairs (each given an `id`, its 1-based place in the list) cut into waves."""
    try:
        per_host = int(per_host)
    except (TypeError, ValueError):
        raise AnsibleFilterError('waves: per_host must be a whole number, not %r' % (per_host,))
    if per_host < 1:
        raise AnsibleFilterError('waves: per_host must be at least 1')
    planned = []
    for index, pair in enumerate(pairs or [], 1):
        missing = [f for f in PAIR_FIELDS if not pair.get(f)]
        if missing:
            raise AnsibleFilterError('pair %d lacks %s' % (index, ', '.join(missing)))
        if pair['src_host'] == pair['dest_host']:
            raise AnsibleFilterError('pair %d syncs %s with itself' % (index, pair['src_host']))
        busy = None
        for wave in planned:
            load = wave['load']
            if load.get(pair['src_host'], 0) < per_host and load.get(pair['dest_host'], 0) < per_host:
                busy = wave
                break
        if busy is None:
            busy = {'pairs': [], 'load': {}}
            planned.append(busy)
        item = dict(pair)
        item['id'] = index
        busy['pairs'].append(item)
        for host in (pair['src_host'], pair['dest_host']):
            busy['load'][host] = busy['load'].get(host, 0) + 1
    return [wave['pairs'] for wave in planned]


def pair_label(pair):
    """`hv1:/img/a.img -> hv2:/img/a.img`: how reports and task names show a pair."""
    return '%s:%s -> %s:%s' % (pair['src_host'], pair['src'], pair['dest_host'], pair['dest'])


def sync_records(results, pass_name):
    """One report record per finished async sync (async_status results, each holding its pair)."""
    records = []
    for r in results or []:
        pair = r['item']['item']
        ok = r.get('summary') is not None and r.get('rc') == 0
        rec = {
            'id': pair['id'],
            'label': pair_label(pair),
            'src_host': pair['src_host'], 'src': pair['src'],
            'dest_host': pair['dest_host'], 'dest': pair['dest'],
            'pass': pass_name,
            'result': ('changed' if r.get('changed') else 'unchanged') if ok else 'failed',
            'job': r.get('job'),
            'resumed': bool(r.get('resumed')),
        }
        for key in ('duration_ms', 'bytes_read_source', 'bytes_read_dest', 'bytes_sent', 'bytes_written', 'verified', 'resumed_from'):
            rec[key] = r.get(key)
        if not ok:
            rec.update(code=r.get('code') or 'E_MODULE', rc=r.get('rc'), resumable=bool(r.get('resumable')),
                       error=r.get('msg') or 'the sync failed')
        records.append(rec)
    return records


def human_bytes(n):
    if n is None:
        return '-'
    for unit in ('B', 'KiB', 'MiB', 'GiB', 'TiB'):
        if abs(n) < 1024 or unit == 'TiB':
            return ('%d %s' % (n, unit)) if unit == 'B' else ('%.1f %s' % (n, unit))
        n /= 1024.0


def report_markdown(records, pass_name):
    """The pass as a Markdown table: pair, time, bytes read at each end, bytes sent, result."""
    lines = [
        '# blockpair %s pass' % pass_name,
        '',
        '| # | Pair | Time | Read at source | Read at destination | Sent | Result |',
        '|---|------|-----:|---------------:|--------------------:|-----:|--------|',
    ]
    for r in records:
        seconds = '-' if r.get('duration_ms') is None else '%.1f s' % (r['duration_ms'] / 1000.0)
        result = r['result']
        if result == 'failed':
            result = 'failed: %s (exit %s%s)' % (r.get('code'), r.get('rc'), ', resumable' if r.get('resumable') else '')
        elif r.get('verified'):
            result += ', verified'
        lines.append('| %d | %s | %s | %s | %s | %s | %s |' % (
            r['id'], r['label'].replace('|', '\\|'), seconds, human_bytes(r.get('bytes_read_source')),
            human_bytes(r.get('bytes_read_dest')), human_bytes(r.get('bytes_sent')), result))
    return '\n'.join(lines) + '\n'


class FilterModule(object):
    def filters(self):
        return {
            'key_name': key_name,
            'key_files': key_files,
            'waves': waves,
            'pair_label': pair_label,
            'sync_records': sync_records,
            'report_markdown': report_markdown,
        }
