// @vitest-environment happy-dom
/**
 * Messages follow a language switch: the store keeps a notice and a console note as a key and
 * values, so a notice shown in English is shown in 中文 once the language is switched — while
 * what ipvsadm printed stays as it printed it.
 */
import { act } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { actions, connectWorker, useLab } from '../store/index'
import type { Reply, Request } from '../worker/protocol'
import { ConsolePanel } from './ConsolePanel'
import { Notices } from './Notices'

declare global {
  var IS_REACT_ACT_ENVIRONMENT: boolean
}
globalThis.IS_REACT_ACT_ENVIRONMENT = true

/** Stands in for the engine's Worker: records requests; the test plays the worker's part. */
class ScriptedWorker {
  onmessage: ((ev: MessageEvent<Reply>) => void) | null = null
  onerror: ((ev: Event) => void) | null = null
  posted: Request[] = []
  terminated = false
  postMessage(r: Request): void {
    this.posted.push(r)
  }
  terminate(): void {
    this.terminated = true
  }
  reply(r: Reply): void {
    this.onmessage?.({ data: r } as MessageEvent<Reply>)
  }
}

let root: Root
let host: HTMLElement
let disconnect: () => void = () => {}

beforeEach(() => {
  actions.setLocale('en')
  host = document.createElement('div')
  document.body.append(host)
  root = createRoot(host)
})

afterEach(() => {
  act(() => root.unmount())
  host.remove()
  disconnect()
})

describe('messages follow the language', () => {
  it('a notice shown in English (a restarted worker) is shown in 中文 after switching language', () => {
    const workers: ScriptedWorker[] = []
    const first = new ScriptedWorker()
    disconnect = connectWorker(first as unknown as Worker, () => {
      const w = new ScriptedWorker()
      workers.push(w)
      return w as unknown as Worker
    })
    act(() => root.render(<Notices onStartFresh={() => {}} />))
    expect(host.querySelector('[data-testid="notice"]')).toBeNull()

    // the worker crashes: the client replaces it and says so
    act(() => first.onerror?.(new Event('error')))
    expect(first.terminated).toBe(true)
    expect(workers).toHaveLength(1)
    expect(useLab.getState().notice).toEqual({ key: 'session.crashed', values: { t: 0 } })
    const notice = () => host.querySelector('[data-testid="notice"] span')?.textContent
    expect(notice()).toBe('The simulation stopped unexpectedly; it was restarted from your last saved state (t = 0 s).')

    act(() => actions.setLocale('zh-CN'))
    expect(notice()).toBe('模拟意外停止；已从你最后保存的状态（0 秒）重新启动。')
    expect(host.querySelector('[data-testid="notice"] button:last-child')?.textContent).toBe('关闭')

    act(() => actions.setLocale('en'))
    expect(notice()).toMatch(/^The simulation stopped unexpectedly/)
    act(() => actions.dismissNotice())
    expect(host.querySelector('[data-testid="notice"]')).toBeNull()
  })

  it('an error kept as a key follows the language; a text kept as it is does not change', () => {
    act(() => root.render(<Notices onStartFresh={() => {}} />))
    const alert = () => host.querySelector('[role="alert"] span')?.textContent
    act(() => actions.showError({ key: 'share.bad', values: { why: 'bad base64' } }))
    const en = alert()
    act(() => actions.setLocale('zh-CN'))
    expect(alert()).not.toBe(en)
    expect(alert()).toContain('bad base64')
    act(() => actions.showError('broken.json: not valid JSON'))
    expect(alert()).toBe('broken.json: not valid JSON')
    act(() => actions.dismissError())
  })

  it('a console note is translated when drawn; what ipvsadm printed stays verbatim', () => {
    const w = new ScriptedWorker()
    disconnect = connectWorker(w as unknown as Worker)
    act(() => root.render(<ConsolePanel />))
    const stdout = 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n'
    act(() =>
      w.reply({
        type: 'loaded',
        name: 'demo.json',
        description: '',
        descriptions: {},
        commands: [{ cmd: 'ipvsadm -Ln', stdout, stderr: '', exit: 0 }],
        omittedCommands: 2,
        endMs: 60_000,
        seed: 1,
      }),
    )
    const lines = () => [...host.querySelectorAll('[data-testid="console-log"] > div')].map((d) => d.textContent)
    const english = lines()
    expect(english[0]).toBe('— demo.json —')
    expect(english[1]).toBe('… 2 earlier commands of this scenario ran as well (ipvsadm -Ln shows the result)')
    expect(english[2]).toBe('[0.0 s] # ipvsadm -Ln')
    expect(english[3]).toBe(stdout.replace(/\n$/, ''))

    act(() => actions.setLocale('zh-CN'))
    const chinese = lines()
    expect(chinese[1]).toBe('…… 本场景中更早的 2 条命令也已执行（ipvsadm -Ln 可查看结果）')
    // the scenario's name, the command and its output are not the lab's words: unchanged
    expect([chinese[0], chinese[2], chinese[3]]).toEqual([english[0], english[2], english[3]])
  })
})
