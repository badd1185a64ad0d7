// Regression: --track-changes with a block device as the source said
// "no reflink snapshot of /dev/loopN (EINVAL: its file system cannot clone,
// e.g. ext4)", after making and removing a state folder in /dev. A device is
// no file to clone: the summary now says so and points at --changed-ranges.
import {randomBytes} from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import t from 'tap'
import {syncLocal} from '../../agent/session/local.js'
import {STATE_FOLDER} from '../../agent/track/state.js'
import {firstDifference, loopDevice, loopSkipReason, MiB, put} from '../helpers/disks.js'

t.test('--track-changes from a block device: a full compare that says the source is a device', {skip: loopSkipReason()}, async t => {
  const dir = t.testdir()
  const {dev} = loopDevice(t, dir, 'backing.img', 4 * MiB, 0x5a)
  put(dev, MiB, randomBytes(4096))
  const dst = path.join(dir, 'copy.img')
  const watch = fs.watch(path.dirname(dev))
  const made: string[] = []
  watch.on('change', (_, name) => made.push(String(name)))
  t.teardown(() => watch.close())
  for (const pass of ['first', 'second']) {
    const s = await syncLocal({direction: 'push', localPath: dev, remotePath: dst, blockSize: 64 * 1024, trackChanges: true})
    t.match(s.changeTracking, {method: null, used: false, reason: /block device.*--changed-ranges/}, `${pass} sync: why there is no shortcut`)
    t.equal(firstDifference(dev, dst, 4 * MiB), null, `${pass} sync: identical`)
  }
  t.notOk(made.includes(STATE_FOLDER), `no ${STATE_FOLDER} made beside the device`)
})
