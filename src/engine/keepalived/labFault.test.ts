import { describe, expect, it } from 'vitest'
import { Simulator } from '../host/simulator'
import { RealServerFaults } from './faults'
import { labFaultProgram } from './labFault'

const A101 = 0xc0a80865

describe('lab-fault, the lab’s own line for a real server’s fault', () => {
  it('begins a fault now, as the scenario field faults would, and recover ends it now', () => {
    const f = new RealServerFaults()
    expect(labFaultProgram(f, 5_000, ['192.168.8.101', 'crash'])).toEqual({ stdout: '', stderr: '', exit: 0 })
    expect(f.at(A101, 4_999)).toBeNull()
    expect(f.at(A101, 5_000)).toEqual({ kind: 'crash', status: 500, delayMs: 10_000 })
    expect(labFaultProgram(f, 6_000, []).stdout).toBe('192.168.8.101 crash\n')
    expect(labFaultProgram(f, 7_000, ['192.168.8.101', 'recover']).exit).toBe(0)
    expect(f.at(A101, 7_000)).toBeNull()
    expect(f.at(A101, 6_999)?.kind).toBe('crash')
    labFaultProgram(f, 8_000, ['192.168.8.101', 'slow', '2.5'])
    labFaultProgram(f, 8_000, ['192.168.8.102', 'http-status', '503'])
    expect(f.at(A101, 8_000)).toEqual({ kind: 'slow', status: 500, delayMs: 2_500 })
    expect(labFaultProgram(f, 9_000, []).stdout).toBe('192.168.8.101 slow 2.5\n192.168.8.102 http-status 503\n')
  })

  it('refuses bad input with a clear error and changes nothing', () => {
    const f = new RealServerFaults()
    const err = (args: string[]) => labFaultProgram(f, 1_000, args)
    expect(err(['nope', 'crash'])).toEqual({
      stdout: '',
      stderr: "lab-fault: 'nope' is not an IPv4 address (a real server's, e.g. 192.168.8.101)\n",
      exit: 2,
    })
    expect(err(['192.168.8.101', 'melt']).stderr).toBe(
      "lab-fault: unknown fault 'melt' (crash, hang, slow, http-status, recover)\n",
    )
    expect(err(['192.168.8.101']).stderr).toMatch(
      /^lab-fault: what should 192\.168\.8\.101 do\?\nusage: lab-fault HOST/,
    )
    expect(err(['192.168.8.101', 'http-status', '700']).stderr).toBe(
      "lab-fault: http-status: '700' is not an HTTP status (100…599)\n",
    )
    expect(err(['192.168.8.101', 'slow', '-1']).exit).toBe(2)
    expect(err(['192.168.8.101', 'crash', '3']).stderr).toBe("lab-fault: too many arguments after 'crash'\n")
    expect(err(['192.168.8.101', 'recover'])).toEqual({
      stdout: '',
      stderr: 'lab-fault: 192.168.8.101 has no fault to recover from\n',
      exit: 1,
    })
    expect(f.empty).toBe(true)
  })

  it("runs at the director's prompt, at the director's time", () => {
    const sim = new Simulator()
    sim.advanceTo(3_000 as never)
    expect(sim.run('lab-fault 192.168.8.101 hang').exit).toBe(0)
    expect(sim.faults.at(A101, 3_000)?.kind).toBe('hang')
    expect(sim.faults.at(A101, 2_999)).toBeNull()
  })
})
