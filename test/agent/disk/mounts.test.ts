// Regression: a push to a mounted device said "mounted or in use by
// another program; ... pass --force", advice that corrupts a mounted file
// system. mountPointOf tells the two apart, so the refusal (still
// E_DEVICE_BUSY, exit 7) names the mount point instead.
import fs from 'node:fs'
import path from 'node:path'
import t from 'tap'
import {Disk} from '../../../agent/disk/disk.js'
import {mountPointOf} from '../../../agent/disk/mounts.js'
import {EXIT} from '../../../agent/errors.js'
import {loopDevice, loopSkipReason, MiB, mountExt4} from '../../helpers/disks.js'

t.test('a mounted loop device: its mount point, and a write to it refused', {skip: loopSkipReason()}, async t => {
  const dir = t.testdir()
  const {dev} = loopDevice(t, dir, 'fs.img', 16 * MiB)
  t.equal(mountPointOf(dev), null, 'not mounted yet')
  const at = mountExt4(t, dev)
  t.equal(mountPointOf(dev), fs.realpathSync(at), 'mounted: where')
  await t.rejects(Disk.openWrite(dev), {code: 'E_DEVICE_BUSY', exit: EXIT.POLICY})
})

t.test('not a device, or no such path: null', async t => {
  const file = path.join(t.testdir(), 'plain.img')
  fs.writeFileSync(file, 'x')
  t.equal(mountPointOf(file), null)
  t.equal(mountPointOf(path.join(path.dirname(file), 'missing')), null)
})
