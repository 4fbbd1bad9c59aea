import { describe, expect, it } from 'vitest'
import { Kmsg } from '../netfilter/kmsg'
import { bootStamp, dmesg } from './dmesg'
import { journalctl } from './journalctl'

/**
 * dmesg (util-linux 2.38.1 print_record(): `[%5ld.%06ld] `) and journalctl -k (systemd 252,
 * short output) over the kernel log. The messages for unknown options are the real binaries'
 * (checked on Debian 12: `dmesg --badopt`, `dmesg -q`, `dmesg --level=warn,bogus`,
 * `journalctl --foo`, `journalctl -z`, `journalctl -p bogus`, `journalctl -o bogus`).
 */

function ring(): Kmsg {
  const k = new Kmsg()
  k.write(1500, 4, 'a: IN=eth0 OUT= ')
  k.write(12_345_678.9, 6, 'b: IN=eth0 OUT= ')
  return k
}

describe('dmesg', () => {
  it('prints each record after [seconds.micros] since boot, the text as the kernel keeps it', () => {
    expect(bootStamp(0)).toBe('[    0.000000] ')
    expect(bootStamp(123_456_789.5)).toBe('[123456.789500] ')
    expect(dmesg(ring(), []).stdout).toBe('[    1.500000] a: IN=eth0 OUT= \n[12345.678900] b: IN=eth0 OUT= \n')
  })
  it('-t, -r, -x, -l', () => {
    expect(dmesg(ring(), ['-t']).stdout).toBe('a: IN=eth0 OUT= \nb: IN=eth0 OUT= \n')
    expect(dmesg(ring(), ['-r', '-l', 'info']).stdout).toBe('<6>[12345.678900] b: IN=eth0 OUT= \n')
    expect(dmesg(ring(), ['-x', '--level=warn']).stdout).toBe('kern  :warn  : [    1.500000] a: IN=eth0 OUT= \n')
  })
  it('-c reads then clears; -C clears', () => {
    const k = ring()
    expect(dmesg(k, ['-c']).stdout).not.toBe('')
    expect(dmesg(k, []).stdout).toBe('')
    k.write(2000, 4, 'c')
    expect(dmesg(k, []).stdout).toBe('[    2.000000] c\n')
    expect(dmesg(k, ['-C'])).toEqual({ stdout: '', stderr: '', exit: 0 })
    expect(dmesg(k, []).stdout).toBe('')
  })
  it('refuses as util-linux does, and says so for real options the lab lacks', () => {
    expect(dmesg(ring(), ['--badopt'])).toEqual({
      stdout: '',
      stderr: "dmesg: unrecognized option '--badopt'\nTry 'dmesg --help' for more information.\n",
      exit: 1,
    })
    expect(dmesg(ring(), ['-q']).stderr).toBe(
      "dmesg: invalid option -- 'q'\nTry 'dmesg --help' for more information.\n",
    )
    expect(dmesg(ring(), ['--level=warn,bogus'])).toEqual({
      stdout: '',
      stderr: "dmesg: unknown level 'bogus'\n",
      exit: 1,
    })
    expect(dmesg(ring(), ['-T']).stderr).toMatch(/not supported in this lab/)
  })
})

describe('journalctl -k', () => {
  const boot = Date.UTC(2026, 0, 5, 9, 0, 0)
  it('short: month day time host kernel: text; -n the last N; -p a priority range', () => {
    expect(journalctl(ring(), ['-k'], boot).stdout).toBe(
      'Jan 05 09:00:01 director kernel: a: IN=eth0 OUT= \nJan 05 12:25:45 director kernel: b: IN=eth0 OUT= \n',
    )
    expect(journalctl(ring(), ['-k', '-n', '1', '-o', 'cat'], boot).stdout).toBe('b: IN=eth0 OUT= \n')
    expect(journalctl(ring(), ['--dmesg', '-p', 'warning', '--no-hostname'], boot).stdout).toBe(
      'Jan 05 09:00:01 kernel: a: IN=eth0 OUT= \n',
    )
    expect(journalctl(new Kmsg(), ['-k'], boot).stdout).toBe('-- No entries --\n')
  })
  it('refuses as systemd 252 does', () => {
    expect(journalctl(ring(), ['--foo'], boot)).toEqual({
      stdout: '',
      stderr: "journalctl: unrecognized option '--foo'\n",
      exit: 1,
    })
    expect(journalctl(ring(), ['-z'], boot).stderr).toBe("journalctl: invalid option -- 'z'\n")
    expect(journalctl(ring(), ['-k', '-p', 'bogus'], boot).stderr).toBe('Unknown log level bogus\n')
    expect(journalctl(ring(), ['-k', '-o', 'bogus'], boot).stderr).toBe("Unknown output format 'bogus'.\n")
    expect(journalctl(ring(), ['-k', '-n', 'abc'], boot).stderr).toBe("Failed to add match 'abc': Invalid argument\n")
  })
})
