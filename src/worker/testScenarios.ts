/**
 * Scenarios the worker's unit tests share: the classroom files, and lesson 5's (a -p 10
 * template kept past its timeout by a long connection, where the textbook rule parts from the
 * kernel's). Test support only.
 */
import { readFileSync } from 'node:fs'
import type { Frame, Reply } from './protocol'

/** The frame among a request's replies (a test fails here when none came). */
export function frameOf(replies: Reply[]): Frame {
  const f = replies.find((r): r is Frame => r.type === 'frame')
  if (!f) throw new Error(`no frame: ${replies.map((r) => r.type).join()}`)
  return f
}

export const classroom = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../public/scenarios/${name}.json`, import.meta.url), 'utf8'))

const VIP = '192.168.100.100'
const conn = (at: number, client: string, clientPort: number, hold: number) => ({
  at,
  client,
  clientPort,
  proto: 'tcp',
  vip: VIP,
  vport: 80,
  hold,
})

export const lessonOnline = {
  name: 'Lesson 5: -p 10 and a long download',
  commands: [
    `ipvsadm -A -t ${VIP}:80 -s rr -p 10`,
    `ipvsadm -a -t ${VIP}:80 -r 192.168.8.101 -g -w 2`,
    `ipvsadm -a -t ${VIP}:80 -r 192.168.8.102 -g -w 2`,
  ],
  connections: [conn(0, '10.0.0.7', 40001, 25), conn(40, '10.0.0.7', 40002, 2)],
  until: 200,
}
