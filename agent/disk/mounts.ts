// Where a block device is mounted, to tell the user why a write to it is
// refused. The kernel's answer to an O_EXCL open is only EBUSY, for a mounted
// file system and for any other exclusive holder (a VM, LVM, md) alike; the
// remedy differs: a mounted one must be unmounted, never written with --force.

import fs from 'node:fs'

/** mountinfo escapes blanks and backslashes in paths as octal (\040). */
function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)))
}

/** The device number as mountinfo writes it, MAJOR:MINOR (the kernel's new_encode_dev split). */
function majorMinor(rdev: number): string {
  const major = Math.floor(rdev / 256) & 0xfff
  const minor = (rdev & 0xff) | (Math.floor(rdev / 4096) & ~0xff)
  return `${major}:${minor}`
}

/**
 * The first mount point of the block device at `device` in this process's
 * mount namespace, or null (not mounted, not a device, or /proc unreadable).
 * Matched by device number or by mount source (btrfs reports an anonymous
 * device number, but its source names the device).
 */
export function mountPointOf(device: string): string | null {
  let rdev: number
  let real: string
  let table: string
  try {
    const st = fs.statSync(device)
    if (!st.isBlockDevice()) return null
    rdev = st.rdev
    real = fs.realpathSync(device)
    table = fs.readFileSync('/proc/self/mountinfo', 'utf8')
  } catch {
    return null
  }
  const number = majorMinor(rdev)
  for (const line of table.split('\n')) {
    const fields = line.split(' ')
    const dash = fields.indexOf('-')
    if (dash < 0) continue
    if (fields[2] === number || fields[dash + 2] === real) return unescape(fields[4] ?? '')
  }
  return null
}
