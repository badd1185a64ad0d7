# Plain unittest (python3 -m unittest discover -s tests/unit -t . in ansible/):
# the planning filters, without Ansible running anything.

import importlib.util
import os
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('blockpair_filters', os.path.join(HERE, '..', '..', 'plugins', 'filter', 'blockpair.py'))
filters = importlib.util.module_from_spec(spec)
spec.loader.exec_module(filters)


def pair(s, d, name='x'):
    return {'src_host': s, 'src': '/i/' + name, 'dest_host': d, 'dest': '/i/' + name}


class Waves(unittest.TestCase):
    def test_no_host_takes_part_in_more_than_per_host_syncs_of_a_wave(self):
        hosts = ['hv1', 'hv2', 'hv3']
        pairs = [pair(s, d, s + d) for s in hosts for d in hosts if s != d]
        for per_host in (1, 2, 3):
            waves = filters.waves(pairs, per_host)
            self.assertEqual(sorted(p['id'] for w in waves for p in w), list(range(1, 7)))
            for w in waves:
                for h in hosts:
                    self.assertLessEqual(sum((p['src_host'] == h) + (p['dest_host'] == h) for p in w), per_host)
        self.assertEqual(len(filters.waves(pairs, 1)), 6)

    def test_rejects_bad_pairs(self):
        with self.assertRaises(Exception):
            filters.waves([pair('hv1', 'hv1')])
        with self.assertRaises(Exception):
            filters.waves([{'src_host': 'hv1'}])
        with self.assertRaises(Exception):
            filters.waves([pair('hv1', 'hv2')], 0)


class Keys(unittest.TestCase):
    def test_one_name_per_pair_of_hosts_the_same_from_both_ends(self):
        self.assertEqual(filters.key_name('hv2', 'hv1'), filters.key_name('hv1', 'hv2'))
        self.assertEqual(filters.key_name('hv1', 'hv2'), 'hv1_hv2')
        self.assertEqual(filters.key_files(['hv3', 'hv1'], 'hv2', '/k'), ['/k/hv2_hv3.psk', '/k/hv1_hv2.psk'])


class Report(unittest.TestCase):
    def test_records_and_markdown(self):
        p = dict(pair('hv1', 'hv2'), id=1)
        ok = {'item': {'item': p}, 'rc': 0, 'changed': True, 'summary': {}, 'duration_ms': 1500, 'bytes_read_source': 2048,
              'bytes_read_dest': 2048, 'bytes_sent': 4096, 'job': 'j', 'verified': True}
        bad = {'item': {'item': dict(p, id=2)}, 'rc': 6, 'code': 'E_INTERRUPTED', 'resumable': True, 'msg': 'cut'}
        recs = filters.sync_records([ok, bad], 'final')
        self.assertEqual([r['result'] for r in recs], ['changed', 'failed'])
        self.assertEqual(recs[1]['code'], 'E_INTERRUPTED')
        md = filters.report_markdown(recs, 'final')
        self.assertIn('| 1 | hv1:/i/x -> hv2:/i/x | 1.5 s | 2.0 KiB | 2.0 KiB | 4.0 KiB | changed, verified |', md)
        self.assertIn('failed: E_INTERRUPTED (exit 6, resumable)', md)


if __name__ == '__main__':
    unittest.main()
