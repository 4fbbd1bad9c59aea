import failoverWithSync from '../../public/scenarios/failover-with-sync.json'
import type { Probe } from '../worker/protocol'
import {
  answerIs,
  type Claim,
  failoverFigure,
  figure,
  growsSlower,
  keepsGrowing,
  landsOn,
  masterDownInterval,
  metricAt,
  metricGrows,
  metricStops,
  not,
  outputLacks,
  outputLists,
  pairEntries,
  replyFrom,
  replySentBy,
  stopsGrowing,
  templateGone,
  templateLive,
  templateLiveThroughout,
  templatesElsewhere,
  textbookParts,
  vipHeldBy,
  vipMovedAt,
  vrrpState,
} from './claims'

/**
 * Guided lessons: short steps that set up a scenario, run it to a point, ask the class to
 * predict, and let the engine reveal. Every answer is computed by the engine (a probe on a
 * scratch copy of the scenario as it stands), never written here.
 */

/** A text in both languages of the interface. Tool commands inside stay as typed. */
export interface L10n {
  en: string
  'zh-CN': string
}

export type Choice = { label: L10n | string; value: string | boolean | [number, number] }

/** What every step has: its text, and the claims that back what the text says the class will see. */
interface StepBase {
  text: L10n
  /** Checked on the lesson's own run once the step is carried out (`lessons.test.ts`). */
  claims?: Claim[]
}

export type LessonStep =
  | ({ kind: 'text' } & StepBase)
  /** Load a scenario (a file in public/scenarios, or one written here) into the lab. */
  | ({ kind: 'load'; file?: string; scenario?: object } & StepBase)
  /** Play until `until` seconds of simulated time, then pause. */
  | ({ kind: 'play'; until: number; speed?: number } & StepBase)
  /** A command run at the step's time; its output shows in the lesson card. */
  | ({ kind: 'run'; cmd: string } & StepBase)
  /**
   * Predict, then reveal: the right choice is the one matching the engine's answer. `yesWhen`
   * turns a figure into a yes/no answer (yes: the figure is within it), the figure said after.
   * `explain` may quote engine figures: `{answer}` (the probe's answer) and `{name}` for each of
   * `figures`, probed when the answer is revealed.
   */
  | ({
      kind: 'question'
      probe: Probe
      choices: Choice[]
      explain: L10n
      yesWhen?: [number, number]
      figures?: Record<string, Probe>
      /** The scenario's connection (by number) whose packets the reveal offers to open (the Packets view). */
      packets?: number
    } & StepBase)
  /** Turn the "textbook rule" replay on or off. */
  | ({ kind: 'textbook'; on: boolean } & StepBase)

export interface Lesson {
  id: string
  title: L10n
  steps: LessonStep[]
}

const VIP = '192.168.100.100'
const rs2 = (svc: string, extra = '') => [
  `ipvsadm -A ${svc} -s rr${extra}`,
  `ipvsadm -a ${svc} -r 192.168.8.101 -g -w 2`,
  `ipvsadm -a ${svc} -r 192.168.8.102 -g -w 2`,
]
const RS_CHOICES: Choice[] = [
  { label: '192.168.8.101', value: '192.168.8.101' },
  { label: '192.168.8.102', value: '192.168.8.102' },
  { label: { en: 'refused: no real server', 'zh-CN': '被拒绝：没有真实服务器' }, value: 'null' },
]
/** Which address a reply comes from: the VIP, the real server's own (RIP) or the director's toward the real servers (DIP). */
const REPLY_CHOICES = (rip: string): Choice[] => [
  { label: { en: `${VIP} (the VIP)`, 'zh-CN': `${VIP}（虚拟地址 VIP）` }, value: VIP },
  { label: { en: `${rip} (the real server's RIP)`, 'zh-CN': `${rip}（真实服务器的 RIP）` }, value: rip },
  { label: { en: '192.168.8.1 (the director’s DIP)', 'zh-CN': '192.168.8.1（调度器的 DIP）' }, value: '192.168.8.1' },
]
const YES_NO: Choice[] = [
  { label: { en: 'yes', 'zh-CN': '是' }, value: true },
  { label: { en: 'no', 'zh-CN': '否' }, value: false },
]
const conn = (at: number, client: string, clientPort: number, vport: number, hold: number) => ({
  at,
  client,
  clientPort,
  proto: 'tcp',
  vip: VIP,
  vport,
  hold,
})

/** The rule lesson 11 moves between chains: TCP to the VIP's :80 gets mark 1. */
const MARK_RULE = `-d ${VIP} -p tcp --dport 80 -j MARK --set-mark 1`
/** Lesson 11's director: :80 → .101 only, FWM 1 (-p 300) → .102 only, the MARK rule `rule`, one client. */
const markScenario = (rule: string) => ({
  name: 'Lesson 11: where MARK runs',
  commands: [
    `ipvsadm -A -t ${VIP}:80 -s rr`,
    `ipvsadm -a -t ${VIP}:80 -r 192.168.8.101 -g`,
    'ipvsadm -A -f 1 -s rr -p 300',
    'ipvsadm -a -f 1 -r 192.168.8.102 -g',
    rule,
  ],
  connections: [conn(1, '10.0.0.7', 40001, 80, 5)],
  until: 30,
})

/** Lesson 12's manifest: the Service shop (ClusterIP 10.96.0.20:80, ClientIP affinity, `timeout` s if given) and its three pods. */
const shopManifest = (timeout?: number) => `apiVersion: v1
kind: Service
metadata:
  name: shop
spec:
  clusterIP: 10.96.0.20
  sessionAffinity: ClientIP
${timeout ? `  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: ${timeout}\n` : ''}  ports:
  - name: http
    port: 80
    targetPort: 8080
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: shop-8f2kd
  labels:
    kubernetes.io/service-name: shop
addressType: IPv4
ports:
- name: http
  port: 8080
  protocol: TCP
endpoints:
- addresses: [10.244.1.5]
- addresses: [10.244.2.7]
- addresses: [10.244.3.9]
`
const CLUSTER_IP = '10.96.0.20'
const POD_CHOICES: Choice[] = [
  { label: '10.244.1.5', value: '10.244.1.5' },
  { label: '10.244.2.7', value: '10.244.2.7' },
  { label: '10.244.3.9', value: '10.244.3.9' },
  { label: { en: 'refused: no real server', 'zh-CN': '被拒绝：没有真实服务器' }, value: 'null' },
]
const kubeConn = (at: number, client: string, clientPort: number) => ({
  at,
  client,
  clientPort,
  proto: 'tcp',
  vip: CLUSTER_IP,
  vport: 80,
  hold: 2,
})
/** Lesson 12's node: kube-proxy in IPVS mode, the shop Service applied, three clients. */
const kubeAffinityScenario = {
  name: 'Lesson 12: ClientIP affinity in Kubernetes',
  files: { '/root/shop.yaml': shopManifest(), '/root/shop-60s.yaml': shopManifest(60) },
  commands: ['kube-proxy --proxy-mode=ipvs', 'kubectl apply -f shop.yaml'],
  connections: [
    kubeConn(1, '10.0.0.7', 40001),
    kubeConn(2, '10.0.0.8', 40002),
    kubeConn(3, '10.0.0.9', 40003),
    kubeConn(60, '10.0.0.7', 40004),
    kubeConn(120, '10.0.0.5', 40005),
  ],
  until: 600,
}

/** The failover lesson's last part: the kernel sends a connection at its 2nd packet (the ACK), not its 3rd. */
const SYNC_AT_ACK = 'sysctl -w net.ipv4.vs.sync_threshold="2 50"'

export const LESSONS: Lesson[] = [
  {
    id: 'why',
    title: { en: '1. Why persistence: the shopping cart', 'zh-CN': '1. 为什么需要持久化：购物车' },
    steps: [
      {
        kind: 'load',
        file: 'classroom-none.json',
        text: {
          en: 'A shop behind an LVS director: rr over two real servers for HTTP (:80) and HTTPS (:443), no persistence. Each user logs in on the server of their first connection; the session (the cart) lives only there.',
          'zh-CN':
            '一个网店位于 LVS 调度器之后：HTTP（:80）和 HTTPS（:443）都用 rr 分给两台真实服务器，没有持久化。用户在第一个连接到达的服务器上登录，会话（购物车）只保存在那台服务器上。',
        },
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: in the first two minutes, how often will a user’s connection reach a server that does not hold their session?',
          'zh-CN': '预测：头两分钟里，用户的连接落到“没有他会话的服务器”上，会发生多少次？',
        },
        probe: { kind: 'metric', name: 'brokenSessions', atMs: 120_000 },
        choices: [
          { label: { en: 'never', 'zh-CN': '一次也没有' }, value: [0, 0] },
          { label: { en: 'a few times (1–50)', 'zh-CN': '少数几次（1–50 次）' }, value: [1, 50] },
          { label: { en: 'many times (more than 50)', 'zh-CN': '很多次（超过 50 次）' }, value: [51, 1e9] },
        ],
        explain: {
          en: 'Many: {answer} broken sessions by 120 s. With no -p the director keeps no template: rr sends every new connection to the next real server, so a user’s later connections keep landing on the server that does not hold their session. Watch “broken sessions” in the Real servers panel.',
          'zh-CN':
            '很多：到 120 秒共有 {answer} 次会话中断。没有 -p，调度器不保留任何模板：rr 把每个新连接交给下一台真实服务器，所以用户后来的连接一次次落到没有他会话的那台服务器上。请看“真实服务器”面板中的“会话中断”。',
        },
        claims: [answerIs([51, 1e9])],
      },
      {
        kind: 'play',
        until: 120,
        speed: 30,
        text: {
          en: 'Play two minutes: the broken-session counter climbs the whole time.',
          'zh-CN': '播放两分钟：会话中断计数一直在往上涨。',
        },
        claims: [
          keepsGrowing('brokenSessions', { during: [0, 60] }),
          keepsGrowing('brokenSessions', { during: [60, 120] }),
        ],
      },
      {
        kind: 'run',
        cmd: `ipvsadm -E -t ${VIP}:80 -s rr -p 300`,
        text: {
          en: 'Turn persistence on for HTTP (-p 300): a client’s first connection to :80 now makes a template, and its later connections follow it to the same real server.',
          'zh-CN':
            '为 HTTP 打开持久化（-p 300）：客户端第一次连接 :80 时会生成一个模板，之后的连接都按模板去同一台真实服务器。',
        },
        claims: [outputLacks(/./)],
      },
      {
        kind: 'run',
        cmd: `ipvsadm -E -t ${VIP}:443 -s rr -p 300`,
        text: {
          en: 'And the same for HTTPS (-p 300 on :443). ipvsadm prints nothing when a command succeeds.',
          'zh-CN': 'HTTPS 也一样（:443 上 -p 300）。命令成功时 ipvsadm 什么也不输出。',
        },
        claims: [outputLacks(/./)],
      },
      {
        kind: 'play',
        until: 300,
        speed: 30,
        text: {
          en: 'Play on: within half a minute the broken-session counter almost stops. Not quite: :80 and :443 keep a template each, so a user moving from HTTP to HTTPS is scheduled afresh on :443 and may land on the other server. Lessons 3 and 4 join the two.',
          'zh-CN':
            '继续播放：不到半分钟，会话中断计数几乎停住了。但没有完全停：:80 和 :443 各有各的模板，用户从 HTTP 转到 HTTPS 时会在 :443 上重新调度，可能落到另一台服务器。第 3、4 课会把两者合在一起。',
        },
        claims: [
          growsSlower('brokenSessions', { during: [150, 300], than: [0, 120], atMost: 0.1 }),
          keepsGrowing('brokenSessions', { during: [150, 300] }),
        ],
      },
    ],
  },
  {
    id: 'ppc',
    title: { en: '2. PPC: the template and its timer', 'zh-CN': '2. PPC：模板及其定时器' },
    steps: [
      {
        kind: 'load',
        scenario: {
          name: 'Lesson 2: PPC -p 60',
          commands: rs2(`-t ${VIP}:80`, ' -p 60'),
          connections: [
            conn(0, '10.0.0.7', 40001, 80, 5),
            conn(10, '10.0.0.8', 40002, 80, 5),
            conn(30, '10.0.0.7', 40003, 80, 5),
            conn(150, '10.0.0.7', 40004, 80, 5),
            conn(330, '10.0.0.7', 40005, 80, 5),
          ],
          until: 400,
        },
        text: {
          en: `ipvsadm -A -t ${VIP}:80 -s rr -p 60: persistent port, 60 s. Client 10.0.0.7 connects at 0, 30, 150 and 330 s; 10.0.0.8 at 10 s. Each connection lasts 5 s.`,
          'zh-CN': `ipvsadm -A -t ${VIP}:80 -s rr -p 60：端口持久，60 秒。客户端 10.0.0.7 在 0、30、150、330 秒各连一次；10.0.0.8 在 10 秒连一次。每个连接持续 5 秒。`,
        },
      },
      {
        kind: 'play',
        until: 31,
        speed: 5,
        text: {
          en: 'The first connection of 10.0.0.7 creates a template (TCP 10.0.0.7:0 → the server rr chose). At 30 s its second connection finds it: same real server, and the template’s timer starts again from 60 s (a tick on its row of the template timeline).',
          'zh-CN':
            '10.0.0.7 的第一个连接创建了模板（TCP 10.0.0.7:0 → rr 选中的服务器）。30 秒时第二个连接找到了它：同一台真实服务器，模板定时器重新从 60 秒开始计时（模板时间线上它那一行的刻度）。',
        },
        claims: [landsOn(0, '192.168.8.102'), landsOn(2, '192.168.8.102'), templateLive('10.0.0.7', 31)],
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: the last connection before 150 s started at 30 s and lasted 5 s, and -p is 60. Is 10.0.0.7’s template still there just before 150 s?',
          'zh-CN':
            '预测：150 秒之前的最后一个连接在 30 秒开始、持续 5 秒，-p 为 60。到 150 秒前一刻，10.0.0.7 的模板还在吗？',
        },
        probe: { kind: 'template-live', client: '10.0.0.7', atMs: 149_900 },
        choices: YES_NO,
        explain: {
          en: 'Yes. The kernel does not free a template while a connection still depends on it — and a closed connection still does while its entry waits in FIN_WAIT (120 s). So at 90 s, when the 60 s ran out, ip_vs_conn_expire() re-armed the template for another 60 s instead of freeing it. See the hatched part of 10.0.0.7’s row in the template timeline. Texts that say “60 s after the last connection” are wrong here.',
          'zh-CN':
            '在。只要还有连接依赖模板，内核就不会释放它——已关闭的连接在 FIN_WAIT 中等待（120 秒）期间也算。所以 90 秒时 60 秒到期，ip_vs_conn_expire() 没有释放模板，而是再续 60 秒。请看模板时间线上 10.0.0.7 那一行带斜线的部分。说“最后一个连接后 60 秒”的教材在这里是错的。',
        },
        claims: [answerIs(true), templateLiveThroughout('10.0.0.7', [0, 150])],
      },
      {
        kind: 'play',
        until: 160,
        speed: 10,
        text: {
          en: 'Play to 160 s: the connection at 150 s finds the template and goes to the same real server. Check 10.0.0.7’s row on the template timeline.',
          'zh-CN': '播放到 160 秒：150 秒的连接找到了模板，去了同一台真实服务器。请看模板时间线上 10.0.0.7 那一行。',
        },
        claims: [landsOn(3, '192.168.8.102'), templateLive('10.0.0.7', 160)],
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: 10.0.0.7 comes back once more at 330 s, three minutes after its last connection. Which real server?',
          'zh-CN': '预测：10.0.0.7 在 330 秒又来了，距上一个连接已经三分钟。它会去哪台真实服务器？',
        },
        probe: { kind: 'connection-rs', index: 4 },
        choices: RS_CHOICES,
        explain: {
          en: 'It returns to {answer}: the template made at 0 s was still live at 330 s, so rr was not asked. Each time its 60 s ran out, a connection’s FIN_WAIT entry (120 s after it closed) still depended on it, and ip_vs_conn_expire() re-armed it for another 60 s instead of freeing it. Had it expired, rr would have chosen afresh and the session might have broken. See 10.0.0.7’s row on the template timeline: one row, never ended.',
          'zh-CN':
            '它回到了 {answer}：0 秒时建立的模板到 330 秒仍然有效，所以根本没有问 rr。每次 60 秒到期时，总有某个连接的 FIN_WAIT 条目（关闭后保留 120 秒）仍依赖它，ip_vs_conn_expire() 便不释放模板，而是再续 60 秒。如果模板已过期，rr 会重新选择，会话就可能中断。请看模板时间线上 10.0.0.7 那一行：只有一行，从未结束。',
        },
        claims: [answerIs('192.168.8.102'), templateLiveThroughout('10.0.0.7', [0, 330])],
      },
      {
        kind: 'play',
        until: 340,
        speed: 20,
        text: {
          en: 'Play to 340 s and watch 10.0.0.7’s row: it never ends, and the connection at 330 s joins it.',
          'zh-CN': '播放到 340 秒，看 10.0.0.7 那一行：它一直没有断，330 秒的连接也接在上面。',
        },
        claims: [landsOn(4, '192.168.8.102'), templateLive('10.0.0.7', 340)],
      },
    ],
  },
  {
    id: 'pcc',
    title: { en: '3. PCC: a service on port 0', 'zh-CN': '3. PCC：端口为 0 的服务' },
    steps: [
      {
        kind: 'load',
        scenario: {
          name: 'Lesson 3: PCC',
          commands: rs2(`-t ${VIP}:0`, ' -p 300'),
          connections: [
            conn(0, '10.0.0.7', 40001, 80, 20),
            conn(2, '10.0.0.8', 40002, 80, 20),
            conn(5, '10.0.0.7', 40003, 443, 20),
            conn(10, '10.0.0.7', 40004, 22, 20),
          ],
          until: 60,
        },
        text: {
          en: `Persistent client: ipvsadm -A -t ${VIP}:0 -s rr -p 300 — port 0 means every port of the VIP. 10.0.0.7 opens HTTP at 0 s, HTTPS at 5 s and ssh at 10 s; 10.0.0.8 opens HTTP at 2 s.`,
          'zh-CN': `客户端持久：ipvsadm -A -t ${VIP}:0 -s rr -p 300 —— 端口 0 表示 VIP 的所有端口。10.0.0.7 在 0 秒打开 HTTP，5 秒打开 HTTPS，10 秒打开 ssh；10.0.0.8 在 2 秒打开 HTTP。`,
        },
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: where does 10.0.0.7’s ssh connection (port 22) go?',
          'zh-CN': '预测：10.0.0.7 的 ssh 连接（22 端口）会去哪里？',
        },
        probe: { kind: 'connection-rs', index: 3 },
        choices: RS_CHOICES,
        explain: {
          en: 'To {answer}, where its HTTP connection went at 0 s. A PCC template is keyed by the client’s address alone (TCP 10.0.0.7:0 → VIP:0): the first connection made it, and HTTPS and ssh found it, so rr was never asked. That keeps HTTP→HTTPS sessions — and also sends ports you did not mean to balance. Next: ipvsadm -Lnc lists it (also under Listings).',
          'zh-CN':
            '去了 {answer}，也就是它的 HTTP 连接在 0 秒去的那台。PCC 模板只按客户端地址建立（TCP 10.0.0.7:0 → VIP:0）：第一个连接创建了它，HTTPS 和 ssh 都找到了它，rr 根本没被问到。这样 HTTP→HTTPS 的会话不会断——但你不想均衡的端口也被一并送了过去。下一步用 ipvsadm -Lnc 列出来看（“列表”面板里也有）。',
        },
        claims: [answerIs('192.168.8.102'), landsOn(0, '192.168.8.102'), landsOn(2, '192.168.8.102')],
      },
      {
        kind: 'play',
        until: 12,
        speed: 2,
        text: {
          en: 'Play to 12 s: 10.0.0.7’s three connections, one template.',
          'zh-CN': '播放到 12 秒：10.0.0.7 的三个连接，一个模板。',
        },
        claims: [landsOn(3, '192.168.8.102'), landsOn(1, '192.168.8.101')],
      },
      {
        kind: 'run',
        cmd: 'ipvsadm -Lnc',
        text: {
          en: 'The connection table: one template per client (port 0, ASSURED), and 10.0.0.7’s connections to :80, :443 and :22 all to the same real server.',
          'zh-CN':
            '连接表：每个客户端一个模板（端口 0，ASSURED），10.0.0.7 到 :80、:443、:22 的连接都去了同一台真实服务器。',
        },
        claims: [
          outputLists(/ASSURED\s+10\.0\.0\.7:0\s+192\.168\.100\.100:0\s+192\.168\.8\.102:0/),
          outputLists(/10\.0\.0\.7:40001\s+192\.168\.100\.100:80\s+192\.168\.8\.102:80/),
          outputLists(/10\.0\.0\.7:40003\s+192\.168\.100\.100:443\s+192\.168\.8\.102:443/),
          outputLists(/10\.0\.0\.7:40004\s+192\.168\.100\.100:22\s+192\.168\.8\.102:22/),
        ],
      },
    ],
  },
  {
    id: 'fwmark',
    title: {
      en: '4. Firewall marks: a service made of two ports',
      'zh-CN': '4. 防火墙标记：由两个端口组成的服务',
    },
    steps: [
      {
        kind: 'load',
        scenario: {
          name: 'Lesson 4: fwmark 80',
          commands: [
            `iptables -t mangle -A PREROUTING -d ${VIP} -p tcp --dport 80 -j MARK --set-mark 80`,
            `iptables -t mangle -A PREROUTING -d ${VIP} -p tcp --dport 443 -j MARK --set-mark 80`,
            'ipvsadm -A -f 80 -s rr -p 3600',
            'ipvsadm -a -f 80 -r 192.168.8.101 -g -w 2',
            'ipvsadm -a -f 80 -r 192.168.8.102 -g -w 2',
          ],
          connections: [
            conn(0, '10.0.0.7', 40001, 80, 20),
            conn(2, '10.0.0.8', 40002, 80, 20),
            conn(5, '10.0.0.7', 40003, 443, 20),
            conn(8, '10.0.0.7', 40004, 22, 5),
          ],
          until: 60,
        },
        text: {
          en: 'iptables marks TCP 80 and 443 to the VIP with mark 80; ipvsadm -A -f 80 -p 3600 is a service for that mark. (The classic textbook example marks --dport 23 where it means 443: with 23, HTTPS would never be marked.) 10.0.0.7 opens HTTP at 0 s, HTTPS at 5 s, ssh at 8 s.',
          'zh-CN':
            'iptables 给发往 VIP 的 TCP 80 和 443 打上标记 80；ipvsadm -A -f 80 -p 3600 是针对这个标记的服务。（经典教材示例把 443 误写成了 --dport 23：那样 HTTPS 永远不会被标记。）10.0.0.7 在 0 秒打开 HTTP，5 秒打开 HTTPS，8 秒打开 ssh。',
        },
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: 10.0.0.7 moves to HTTPS at 5 s. Which real server?',
          'zh-CN': '预测：10.0.0.7 在 5 秒转到 HTTPS。它会去哪台真实服务器？',
        },
        probe: { kind: 'connection-rs', index: 2 },
        choices: RS_CHOICES,
        explain: {
          en: 'To {answer}, where its HTTP connection went. The mark is set in PREROUTING, before IPVS looks for a service, and the fwmark service is looked up first: both ports belong to FWM 80 and share one template, IP 10.0.0.7:0 → 0.0.0.80:0. Unlike PCC, ssh (22) is not marked: no service matches it and it is not balanced. See it in the next step’s ipvsadm -Lnc.',
          'zh-CN':
            '去了 {answer}，也就是它的 HTTP 连接去的那台。标记在 PREROUTING 中设置，早于 IPVS 查找服务，而且 fwmark 服务优先查找：两个端口都属于 FWM 80，共用一个模板 IP 10.0.0.7:0 → 0.0.0.80:0。与 PCC 不同，ssh（22）没有被标记：没有服务匹配它，也就不参与负载均衡。下一步的 ipvsadm -Lnc 会显示出来。',
        },
        claims: [answerIs('192.168.8.102'), landsOn(0, '192.168.8.102')],
      },
      {
        kind: 'play',
        until: 10,
        speed: 2,
        text: {
          en: 'Play to 10 s and watch where each of 10.0.0.7’s connections goes.',
          'zh-CN': '播放到 10 秒，看 10.0.0.7 的每个连接分别去了哪里。',
        },
        claims: [landsOn(2, '192.168.8.102'), landsOn(3, null)],
      },
      {
        kind: 'run',
        cmd: 'ipvsadm -Lnc',
        text: {
          en: 'One template for the mark (IP, virtual 0.0.0.80:0), its HTTP and HTTPS connections on the same real server, and no entry for ssh.',
          'zh-CN':
            '标记对应一个模板（IP，虚拟地址 0.0.0.80:0），HTTP 和 HTTPS 连接在同一台真实服务器上，ssh 没有任何条目。',
        },
        claims: [
          outputLists(/^IP\s.*ASSURED\s+10\.0\.0\.7:0\s+0\.0\.0\.80:0\s+192\.168\.8\.102:0/),
          outputLists(/10\.0\.0\.7:40003\s+192\.168\.100\.100:443\s+192\.168\.8\.102:443/),
          outputLacks(/10\.0\.0\.7:40004/),
        ],
      },
      {
        kind: 'run',
        cmd: 'iptables -t mangle -L PREROUTING -n -v',
        text: {
          en: 'The rules’ counters: packets that matched each rule — the :443 rule counted HTTPS too.',
          'zh-CN': '规则计数器：匹配每条规则的数据包数——:443 那条规则也计到了 HTTPS 的包。',
        },
        claims: [outputLists(/^\s*[1-9]\d*\s+\d+\s+MARK\s.*dpt:443 MARK set 0x50/)],
      },
    ],
  },
  {
    id: 'online',
    title: { en: '5. -p 10 and a long download', 'zh-CN': '5. -p 10 与一次长时间下载' },
    steps: [
      {
        kind: 'load',
        scenario: {
          name: 'Lesson 5: -p 10 and a long download',
          commands: rs2(`-t ${VIP}:80`, ' -p 10'),
          connections: [conn(0, '10.0.0.7', 40001, 80, 25), conn(40, '10.0.0.7', 40002, 80, 2)],
          until: 200,
        },
        text: {
          en: '-p 10, and 10.0.0.7 keeps one connection open for 25 s (a download). It comes back at 40 s.',
          'zh-CN': '-p 10，10.0.0.7 的一个连接保持 25 秒（一次下载）。它在 40 秒再来一次。',
        },
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: -p is 10 s. Is 10.0.0.7’s template still there at 20 s?',
          'zh-CN': '预测：-p 是 10 秒。20 秒时 10.0.0.7 的模板还在吗？',
        },
        probe: { kind: 'template-live', client: '10.0.0.7', atMs: 20_000 },
        choices: YES_NO,
        explain: {
          en: 'Yes. At 10 s the timer ran out while the download still depended on the template: ip_vs_conn_expire() re-armed it for 60 s — and from then on its timeout stays 60 s. Linux 2.4 re-armed for 2 minutes, which is what older texts (the classic textbook example among them) say. See the hatched part of 10.0.0.7’s row in the template timeline.',
          'zh-CN':
            '在。10 秒时定时器到期，但下载连接仍依赖模板：ip_vs_conn_expire() 把它续期 60 秒——此后它的超时一直是 60 秒。Linux 2.4 续期 2 分钟，这正是老教材（包括经典教材示例）的说法。请看模板时间线上 10.0.0.7 那一行带斜线的部分。',
        },
        claims: [answerIs(true), templateLive('10.0.0.7', 11)],
      },
      {
        kind: 'textbook',
        on: true,
        text: {
          en: 'Switch on “textbook rule”: the same run is replayed under the rule teaching texts state, and the timeline marks where the two disagree.',
          'zh-CN': '打开“教科书规则”：同一次运行按教材所说的规则重放，时间线会标出两者不一致的地方。',
        },
      },
      {
        kind: 'play',
        until: 120,
        speed: 10,
        text: {
          en: 'Watch the row of 10.0.0.7: the kernel keeps the template (hatched) and the connection at 40 s finds it; the textbook mark shows where the textbook would have dropped it.',
          'zh-CN':
            '观察 10.0.0.7 那一行：内核保留了模板（斜线部分），40 秒的连接找到了它；教科书标记显示按教材它本该被删除的位置。',
        },
        claims: [
          templateLiveThroughout('10.0.0.7', [0, 120]),
          landsOn(1, '192.168.8.102'),
          landsOn(0, '192.168.8.102'),
          textbookParts(),
        ],
      },
      {
        kind: 'textbook',
        on: false,
        text: { en: 'Back to the kernel’s rule alone.', 'zh-CN': '回到只有内核规则。' },
      },
    ],
  },
  {
    id: 'megaproxy',
    title: { en: '6. Proxy farms and PCC', 'zh-CN': '6. 代理集群与 PCC' },
    steps: [
      {
        kind: 'load',
        file: 'preset-megaproxy.json',
        text: {
          en: 'PCC (-p 300) over two real servers. 40% of the users browse through proxy farms: each of their connections leaves from another address of the farm’s /24.',
          'zh-CN':
            'PCC（-p 300），两台真实服务器。40% 的用户经由代理集群上网：他们的每个连接都从该集群 /24 网段中的另一个地址发出。',
        },
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: after 3 minutes, will every connection of every user have reached the user’s first real server?',
          'zh-CN': '预测：3 分钟后，每个用户的每个连接是否都到达了该用户的第一台真实服务器？',
        },
        probe: { kind: 'metric', name: 'stickiness', atMs: 180_000 },
        yesWhen: [1, 1],
        choices: YES_NO,
        figures: { broken: { kind: 'metric', name: 'brokenSessions', atMs: 180_000 } },
        explain: {
          en: 'No: stickiness is {answer} (the share of connections that reached the user’s first server), and {broken} sessions broke. A PCC template is keyed by the full source address: to the director every address of a farm is another client, with its own template, and rr spreads them over both servers. See stickiness and broken sessions in the Real servers panel.',
          'zh-CN':
            '否：粘性只有 {answer}（到达用户第一台服务器的连接所占比例），会话中断 {broken} 次。PCC 模板按完整的源地址建立：在调度器看来，代理集群的每个地址都是另一个客户端，各有各的模板，rr 把它们分散到两台服务器上。请看“真实服务器”面板中的粘性和会话中断。',
        },
        claims: [answerIs(false)],
      },
      {
        kind: 'play',
        until: 180,
        speed: 30,
        text: {
          en: 'Play 3 minutes and watch stickiness and broken sessions in the Real servers panel.',
          'zh-CN': '播放 3 分钟，观察“真实服务器”面板中的粘性和会话中断。',
        },
        claims: [keepsGrowing('brokenSessions', { during: [120, 180] })],
      },
      {
        kind: 'run',
        cmd: `ipvsadm -E -t ${VIP}:0 -s rr -p 300 -M 255.255.255.0`,
        text: {
          en: 'A persistence netmask: one template per /24 from now on. Only for new templates: -E never rewrites the ones already in the table.',
          'zh-CN': '加上持久化掩码：从现在起每个 /24 一个模板。只对新模板有效：-E 从不改写表中已有的模板。',
        },
        claims: [outputLacks(/./)],
      },
      {
        kind: 'play',
        until: 420,
        speed: 30,
        text: {
          en: 'Play on: broken sessions still grow for about a minute — the per-address templates made before -M still decide for their addresses, while a new /24 template may point elsewhere — then stop: flat from 240 s on.',
          'zh-CN':
            '继续播放：会话中断还会再涨大约一分钟——加 -M 之前按单个地址建立的模板仍在为这些地址做决定，而新的 /24 模板可能指向另一台——然后就停住了：从 240 秒起不再增加。',
        },
        claims: [
          keepsGrowing('brokenSessions', { during: [180, 240] }),
          stopsGrowing('brokenSessions', { during: [240, 420] }),
        ],
      },
    ],
  },
  {
    id: 'quiesce',
    title: { en: '7. Quiescing and removing a real server', 'zh-CN': '7. 静默与删除真实服务器' },
    steps: [
      {
        kind: 'load',
        scenario: {
          name: 'Lesson 7: weight 0, then -d',
          commands: rs2(`-t ${VIP}:0`, ' -p 300'),
          connections: [
            conn(0, '10.0.0.7', 40001, 80, 5),
            conn(40, '10.0.0.7', 40002, 80, 5),
            conn(45, '10.0.0.9', 40003, 80, 5),
            conn(60, '10.0.0.7', 40004, 80, 5),
          ],
          midCommands: [{ at: 20, cmd: `ipvsadm -e -t ${VIP}:0 -r 192.168.8.102 -g -w 0` }],
          until: 100,
        },
        text: {
          en: 'PCC. 10.0.0.7 connects at 0 s (rr’s first pick is the most recently added server, .102). At 20 s .102 is quiesced: weight 0. 10.0.0.7 returns at 40 s; a new client, 10.0.0.9, comes at 45 s.',
          'zh-CN':
            'PCC。10.0.0.7 在 0 秒连接（rr 第一次选择最后添加的服务器 .102）。20 秒时 .102 被静默：权重设为 0。10.0.0.7 在 40 秒回来；新客户端 10.0.0.9 在 45 秒到来。',
        },
        claims: [landsOn(0, '192.168.8.102')],
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: 10.0.0.7 returns at 40 s, after .102 was set to weight 0. Which real server?',
          'zh-CN': '预测：.102 的权重已设为 0，10.0.0.7 在 40 秒回来。它会去哪台真实服务器？',
        },
        probe: { kind: 'connection-rs', index: 1 },
        choices: RS_CHOICES,
        explain: {
          en: '{answer}, the quiesced server. Its template still points there, and with expire_quiescent_template = 0 (the default) ip_vs_check_template() finds it valid, weight 0 or not. Weight 0 only keeps the scheduler from picking .102: the new client 10.0.0.9 went to {newcomer}. (With sysctl -w net.ipv4.vs.expire_quiescent_template=1 the template would be invalid and 10.0.0.7 rescheduled.) See the template timeline.',
          'zh-CN':
            '去了 {answer}，也就是被静默的那台。它的模板仍指向那里，而在 expire_quiescent_template = 0（默认）时，ip_vs_check_template() 认为模板有效，不管权重是不是 0。权重 0 只是让调度器不再选 .102：新客户端 10.0.0.9 去了 {newcomer}。（如果 sysctl -w net.ipv4.vs.expire_quiescent_template=1，模板会失效，10.0.0.7 会被重新调度。）请看模板时间线。',
        },
        figures: { newcomer: { kind: 'connection-rs', index: 2 } },
        claims: [answerIs('192.168.8.102'), landsOn(2, '192.168.8.101')],
      },
      {
        kind: 'play',
        until: 50,
        speed: 5,
        text: {
          en: 'Play to 50 s: 10.0.0.7 on .102, 10.0.0.9 on .101.',
          'zh-CN': '播放到 50 秒：10.0.0.7 在 .102 上，10.0.0.9 在 .101 上。',
        },
        claims: [landsOn(1, '192.168.8.102'), landsOn(2, '192.168.8.101')],
      },
      {
        kind: 'run',
        cmd: `ipvsadm -d -t ${VIP}:0 -r 192.168.8.102`,
        text: {
          en: 'Now remove .102 altogether. 10.0.0.7’s template still names it; 10.0.0.7 comes back at 60 s.',
          'zh-CN': '现在把 .102 彻底删除。10.0.0.7 的模板仍指向它；10.0.0.7 会在 60 秒回来。',
        },
        claims: [outputLacks(/./), templateLive('10.0.0.7', 50)],
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: at 60 s 10.0.0.7 connects again. Its template points to the deleted .102. Which real server?',
          'zh-CN': '预测：60 秒时 10.0.0.7 再次连接，它的模板指向已删除的 .102。它会去哪台真实服务器？',
        },
        probe: { kind: 'connection-rs', index: 3 },
        choices: RS_CHOICES,
        explain: {
          en: '{answer}. ip_vs_check_template() found the template’s real server gone: it invalidated the template — re-hashed it with ports 65535, so it never matches again — and rr scheduled the connection afresh, making a new template. The invalid one stays listed until its timer runs out: the next step lists both.',
          'zh-CN':
            '去了 {answer}。ip_vs_check_template() 发现模板的真实服务器已不存在：它让模板失效——以端口 65535 重新散列，从此再也匹配不上——rr 重新调度这个连接，并建立新模板。失效的模板会一直列出，直到它的定时器到期：下一步会把两者都列出来。',
        },
        claims: [answerIs('192.168.8.101')],
      },
      {
        kind: 'play',
        until: 65,
        speed: 5,
        text: {
          en: 'Play to 65 s.',
          'zh-CN': '播放到 65 秒。',
        },
        claims: [landsOn(3, '192.168.8.101')],
      },
      {
        kind: 'run',
        cmd: 'ipvsadm -Lnc',
        text: {
          en: 'The old template, invalidated: virtual and destination port 65535, still pointing at .102. Beside it, 10.0.0.7’s new template on .101.',
          'zh-CN': '旧模板已失效：虚拟端口和目标端口都是 65535，仍指向 .102。旁边是 10.0.0.7 在 .101 上的新模板。',
        },
        claims: [
          outputLists(/ASSURED\s+10\.0\.0\.7:0\s+192\.168\.100\.100:65535\s+192\.168\.8\.102:65535/),
          outputLists(/ASSURED\s+10\.0\.0\.7:0\s+192\.168\.100\.100:0\s+192\.168\.8\.101:0/),
        ],
      },
    ],
  },
  {
    id: 'sharing',
    title: { en: '8. Sessions in a shared store', 'zh-CN': '8. 会话放在共享存储里' },
    steps: [
      {
        kind: 'load',
        scenario: {
          name: 'Lesson 8: no persistence, shared sessions',
          seed: 2026,
          commands: [...rs2(`-t ${VIP}:80`), ...rs2(`-t ${VIP}:443`)],
          until: 600,
          traffic: {
            users: 500,
            seed: 2026,
            duration: 600,
            clients: [{ subnet: '10.0.0.0/16' }],
            session: { keepAliveSeconds: 5, httpsSwitch: { probability: 0.7, afterPage: 3 } },
            sessionSharing: true,
          },
        },
        text: {
          en: 'The shop of lesson 1 again: rr on :80 and :443, no -p. This time the application keeps its sessions in a store all its servers use (e.g. Redis), not in each server’s memory.',
          'zh-CN':
            '又是第 1 课的网店：:80 和 :443 都用 rr，没有 -p。不同的是，这次应用把会话放在所有服务器共用的存储里（例如 Redis），而不是各自的内存中。',
        },
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: how many broken sessions after 5 minutes?',
          'zh-CN': '预测：5 分钟后会有多少次会话中断？',
        },
        probe: { kind: 'metric', name: 'brokenSessions', atMs: 300_000 },
        choices: [
          { label: { en: 'none', 'zh-CN': '一次也没有' }, value: [0, 0] },
          { label: { en: 'some', 'zh-CN': '有一些' }, value: [1, 1e9] },
        ],
        figures: { templates: { kind: 'metric', name: 'templatesLive', atMs: 300_000 } },
        explain: {
          en: 'None: {answer} broken sessions. Every server reads the session from the shared store, so no connection can reach a server “without” it. The director keeps {templates} templates and rr keeps its balance. Persistence is the answer when sessions cannot be shared. See the Real servers panel; the Compare view shows all the cases side by side.',
          'zh-CN':
            '一次也没有：会话中断 {answer} 次。每台服务器都从共享存储读取会话，所以没有哪个连接会落到“没有会话”的服务器上。调度器保留 {templates} 个模板，rr 保持均衡。只有在会话无法共享时，持久化才是答案。请看“真实服务器”面板；“对比”视图可以把各种情形放在一起看。',
        },
        claims: [answerIs(0)],
      },
      {
        kind: 'play',
        until: 300,
        speed: 60,
        text: {
          en: 'Play 5 minutes: broken sessions stay at 0, no template is made, and the real servers’ bars stay level.',
          'zh-CN': '播放 5 分钟：会话中断一直是 0，没有生成任何模板，真实服务器的柱子保持一样高。',
        },
        claims: [
          figure('brokenSessions', 300, '=', 0),
          figure('templatesLive', 300, '=', 0),
          figure('connections', 300, '>', 1000),
          figure('imbalance', 300, '<', 1.01),
        ],
      },
    ],
  },
  {
    id: 'roads',
    title: { en: '9. Three roads to the real server', 'zh-CN': '9. 通往真实服务器的三条路' },
    steps: [
      {
        kind: 'load',
        scenario: {
          name: 'Lesson 9: DR, NAT and TUN side by side',
          seed: 2026,
          commands: [
            `ipvsadm -A -t ${VIP}:80 -s rr`,
            `ipvsadm -a -t ${VIP}:80 -r 192.168.8.101 -g`,
            `ipvsadm -A -t ${VIP}:8080 -s rr`,
            `ipvsadm -a -t ${VIP}:8080 -r 192.168.8.102:80 -m`,
            `ipvsadm -A -t ${VIP}:443 -s rr`,
            `ipvsadm -a -t ${VIP}:443 -r 192.168.8.103 -i`,
          ],
          connections: [
            conn(1, '10.0.0.1', 40001, 80, 2),
            conn(2, '10.0.0.1', 40002, 8080, 2),
            conn(3, '10.0.0.1', 40003, 443, 2),
          ],
          until: 10,
        },
        text: {
          en: 'One VIP, three services, three forwarding methods: :80 by direct routing (-g) to 192.168.8.101, :8080 by NAT (-m) to 192.168.8.102 port 80, :443 by an IPIP tunnel (-i) to 192.168.8.103. The same client, 10.0.0.1, opens one connection to each, at 1, 2 and 3 s. The director’s address toward the real servers (DIP) is 192.168.8.1.',
          'zh-CN':
            '一个 VIP，三个服务，三种转发方式：:80 用直接路由（-g）到 192.168.8.101，:8080 用 NAT（-m）到 192.168.8.102 的 80 端口，:443 用 IPIP 隧道（-i）到 192.168.8.103。同一个客户端 10.0.0.1 在第 1、2、3 秒各向它们发起一个连接。调度器朝向真实服务器的地址（DIP）是 192.168.8.1。',
        },
      },
      {
        kind: 'play',
        until: 5,
        speed: 1,
        text: {
          en: 'Play 5 seconds: each connection reaches its real server. Watch the director: the NAT reply flies back through the director, the DR and TUN replies go round it, straight to the client.',
          'zh-CN':
            '播放 5 秒：每个连接都到达了它的真实服务器。看调度器的图：NAT 的回复飞回并穿过调度器，DR 和 TUN 的回复绕过它，直接回到客户端。',
        },
        claims: [
          landsOn(0, '192.168.8.101'),
          landsOn(1, '192.168.8.102'),
          landsOn(2, '192.168.8.103'),
          replySentBy(0, 'real-server'),
          replySentBy(1, 'director'),
          replySentBy(2, 'real-server'),
        ],
      },
      {
        kind: 'run',
        cmd: 'ipvsadm -Ln',
        text: {
          en: 'ipvsadm names each method in its Forward column: Route (DR), Masq (NAT), Tunnel (TUN).',
          'zh-CN': 'ipvsadm 在 Forward 一列写出每种方式：Route（DR）、Masq（NAT）、Tunnel（TUN）。',
        },
        claims: [
          outputLists(/->\s+192\.168\.8\.101:80\s+Route/),
          outputLists(/->\s+192\.168\.8\.102:80\s+Masq/),
          outputLists(/->\s+192\.168\.8\.103:443\s+Tunnel/),
        ],
      },
      {
        kind: 'question',
        text: {
          en: 'Predict, for the DR connection (:80): the real server 192.168.8.101 answers the client’s SYN. Which source address does the client see on that reply?',
          'zh-CN': '预测 DR 连接（:80）：真实服务器 192.168.8.101 回应客户端的 SYN。客户端看到的回复，源地址是哪个？',
        },
        probe: { kind: 'reply', index: 0, what: 'source' },
        choices: REPLY_CHOICES('192.168.8.101'),
        explain: {
          en: '{answer}, the VIP. With DR the director changed only the Ethernet header (ip_vs_dr_xmit); the packet still goes to the VIP, which the real server holds on lo — so it answers from the VIP, straight to the client, and the reply never passes the director. Open its packets: three arrows, the last from the real server to the client.',
          'zh-CN':
            '{answer}，也就是 VIP。DR 方式下调度器只改了以太网头（ip_vs_dr_xmit）；数据包的目的地址仍是 VIP，而真实服务器在 lo 上配置了 VIP——所以它以 VIP 为源地址直接回复客户端，回复不经过调度器。打开它的数据包：三个箭头，最后一个从真实服务器直达客户端。',
        },
        packets: 0,
        claims: [answerIs('192.168.100.100'), replyFrom(0, '192.168.100.100')],
      },
      {
        kind: 'question',
        text: {
          en: 'Predict, for the NAT connection (:8080): the director sent the SYN on to 192.168.8.102 port 80, and the real server answers from its own address. Which source address does the client see on the reply?',
          'zh-CN':
            '预测 NAT 连接（:8080）：调度器把 SYN 转给了 192.168.8.102 的 80 端口，真实服务器用它自己的地址回复。客户端看到的回复，源地址是哪个？',
        },
        probe: { kind: 'reply', index: 1, what: 'source' },
        choices: REPLY_CHOICES('192.168.8.102'),
        explain: {
          en: '{answer}, the VIP again. The real server’s reply (from 192.168.8.102:80) goes to its default gateway, the director, which rewrites the source back to the VIP and port 8080 (handle_response) before it reaches the client. Open its packets: four arrows, the reply through the director, its source address and port marked as changed.',
          'zh-CN':
            '{answer}，仍然是 VIP。真实服务器的回复（源为 192.168.8.102:80）发给它的默认网关——调度器，调度器在它到达客户端之前把源地址改回 VIP、端口改回 8080（handle_response）。打开它的数据包：四个箭头，回复经过调度器，源地址和端口被标为已改动。',
        },
        packets: 1,
        claims: [answerIs('192.168.100.100'), replyFrom(1, '192.168.100.100')],
      },
      {
        kind: 'question',
        text: {
          en: 'Predict, for the TUN connection (:443): the SYN reached 192.168.8.103 inside an IPIP packet from the DIP, 192.168.8.1. Which source address does the client see on the reply?',
          'zh-CN':
            '预测 TUN 连接（:443）：SYN 装在一个来自 DIP（192.168.8.1）的 IPIP 包里到达 192.168.8.103。客户端看到的回复，源地址是哪个？',
        },
        probe: { kind: 'reply', index: 2, what: 'source' },
        choices: REPLY_CHOICES('192.168.8.103'),
        explain: {
          en: '{answer}, the VIP: three roads, one address. The real server unwraps the packet on tunl0, finds it addressed to the VIP it holds there, and answers from the VIP straight to the client — the outer header from the DIP is gone. A client that saw any other address would not recognise the reply and reset the connection. Open its packets: the outer IPIP header on the second arrow only.',
          'zh-CN':
            '{answer}，还是 VIP：三条路，一个地址。真实服务器在 tunl0 上解开数据包，发现目的地址是它在那里配置的 VIP，于是以 VIP 为源地址直接回复客户端——来自 DIP 的外层头已经没有了。如果客户端看到的是别的地址，它不认得这个回复，会重置连接。打开它的数据包：只有第二个箭头带外层 IPIP 头。',
        },
        packets: 2,
        claims: [answerIs('192.168.100.100'), replyFrom(2, '192.168.100.100')],
      },
    ],
  },
  {
    id: 'arp',
    title: { en: '10. The ARP problem', 'zh-CN': '10. ARP 问题' },
    steps: [
      {
        kind: 'load',
        file: 'dr-rs-answers-arp.json',
        text: {
          en: `DR with a router in front of the director: the router finds the VIP’s MAC address by ARP. ipvsadm -A -t ${VIP}:80 -s rr -p 300, real servers 192.168.8.101 and 192.168.8.102 (-g). 102 is set up as DR needs: the VIP on lo, arp_ignore 1, arp_announce 2. 101 has the VIP on lo but kept the defaults, arp_ignore 0 and arp_announce 0. Clients 10.0.0.1 and 10.0.0.2 connect at 1 s, 10.0.0.3 at 3 s, 10.0.0.4 at 4 s.`,
          'zh-CN': `DR 模式，调度器前面有一台路由器：路由器通过 ARP 查找 VIP 的 MAC 地址。ipvsadm -A -t ${VIP}:80 -s rr -p 300，真实服务器 192.168.8.101 和 192.168.8.102（-g）。102 按 DR 的要求配置：VIP 在 lo 上，arp_ignore 1，arp_announce 2。101 的 VIP 也在 lo 上，但保留了默认值 arp_ignore 0、arp_announce 0。客户端 10.0.0.1 和 10.0.0.2 在 1 秒连接，10.0.0.3 在 3 秒，10.0.0.4 在 4 秒。`,
        },
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: the director sends 10.0.0.1 to 102 and 10.0.0.2 to 101. Where does 10.0.0.3’s connection at 3 s go?',
          'zh-CN': '预测：调度器把 10.0.0.1 分给 102，把 10.0.0.2 分给 101。10.0.0.3 在 3 秒的连接会去哪里？',
        },
        probe: { kind: 'connection-rs', index: 2 },
        choices: RS_CHOICES,
        explain: {
          en: 'To {answer}, and the director never saw it. When 101 answered 10.0.0.2 (its SYN-ACK, from the VIP) it had to ask ARP for the router’s MAC, and with arp_announce 0 it named the VIP as its own address. The router took that request as news (arp_process() → neigh_event_ns(), an override): from then on its entry for the VIP holds 101’s MAC, so every client packet to the VIP goes straight to 101.',
          'zh-CN':
            '去了 {answer}，而且调度器根本没看到它。101 回应 10.0.0.2 时（从 VIP 发出的 SYN-ACK）需要用 ARP 查路由器的 MAC，由于 arp_announce 0，它在请求里把 VIP 当作自己的地址。路由器把这个请求当作新消息（arp_process() → neigh_event_ns()，覆盖原条目）：此后它为 VIP 记下的是 101 的 MAC，发往 VIP 的每个客户端包都直接去了 101。',
        },
        claims: [answerIs('192.168.8.101'), landsOn(0, '192.168.8.102'), landsOn(1, '192.168.8.101')],
      },
      {
        kind: 'play',
        until: 5,
        speed: 1,
        text: {
          en: 'Play to 5 s: 10.0.0.3 and 10.0.0.4 both reach 101.',
          'zh-CN':
            '播放到 5 秒：10.0.0.3 和 10.0.0.4 都到了 101。打开其中一个的“数据包”：路由器把 SYN 直接发给了真实服务器，而不是调度器。',
        },
        claims: [landsOn(2, '192.168.8.101'), landsOn(3, '192.168.8.101')],
      },
      {
        kind: 'run',
        cmd: 'ipvsadm -Lnc',
        text: {
          en: 'The director’s connection table: no entry and no template for 10.0.0.3 or 10.0.0.4 — persistence cannot work for packets the director never sees. 10.0.0.2’s entry is stuck in SYN_RECV: its ACK already went straight to 101.',
          'zh-CN':
            '调度器的连接表：10.0.0.3 和 10.0.0.4 既没有连接条目也没有模板——调度器看不到的包，持久化无从谈起。10.0.0.2 的条目停在 SYN_RECV：它的 ACK 已经直接去了 101。',
        },
        claims: [
          outputLacks(/10\.0\.0\.3:/),
          outputLacks(/10\.0\.0\.4:/),
          outputLists(/SYN_RECV\s+10\.0\.0\.2:40002\s+192\.168\.100\.100:80\s+192\.168\.8\.101:80/),
        ],
      },
      {
        kind: 'text',
        text: {
          en: 'The fix, on every DR real server: sysctl -w net.ipv4.conf.all.arp_ignore=1 (answer ARP only for addresses on the interface asked on — not the VIP on lo) and net.ipv4.conf.all.arp_announce=2 (never name the VIP in its own ARP requests). Share and files ▸ “Script for a real director (.sh)” prints them for each real server.',
          'zh-CN':
            '修复方法，在每台 DR 真实服务器上：sysctl -w net.ipv4.conf.all.arp_ignore=1（只为收到请求的接口上的地址应答 ARP——不包括 lo 上的 VIP），以及 net.ipv4.conf.all.arp_announce=2（自己的 ARP 请求里绝不使用 VIP）。“分享与文件”▸“用于真实调度器的脚本（.sh）”会为每台真实服务器打印这些命令。',
        },
      },
    ],
  },
  {
    id: 'mark-path',
    title: {
      en: '11. What MARK does before IPVS sees the packet',
      'zh-CN': '11. IPVS 看到数据包之前，MARK 做了什么',
    },
    steps: [
      {
        kind: 'load',
        scenario: markScenario(`iptables -t mangle -A PREROUTING ${MARK_RULE}`),
        text: {
          en: 'Two services on one director: TCP 192.168.100.100:80 sends to 192.168.8.101 only, FWM 1 (-p 300) to 192.168.8.102 only. One iptables rule, in mangle PREROUTING, gives TCP packets to :80 mark 1. 10.0.0.7 opens :80 at 1 s.',
          'zh-CN':
            '一台调度器上有两个服务：TCP 192.168.100.100:80 只转发到 192.168.8.101，FWM 1（-p 300）只转发到 192.168.8.102。一条放在 mangle PREROUTING 的 iptables 规则给发往 :80 的 TCP 包打上标记 1。10.0.0.7 在 1 秒打开 :80。',
        },
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: the packet matches the :80 service by its port, and FWM 1 by its mark. Which real server does 10.0.0.7 reach?',
          'zh-CN': '预测：这个包按端口匹配 :80 服务，按标记匹配 FWM 1。10.0.0.7 会到哪台真实服务器？',
        },
        probe: { kind: 'connection-rs', index: 0 },
        choices: RS_CHOICES,
        explain: {
          en: '{answer}, FWM 1’s real server. The rule ran in mangle PREROUTING, long before IPVS: IPVS takes packets on the INPUT hook (ip_vs_in_hook(), priority 99, after every table’s INPUT chain). There ip_vs_service_find() looks the packet’s mark up first and the address and port only when no fwmark service has that mark. Next: the rule’s counters.',
          'zh-CN':
            '{answer}，也就是 FWM 1 的真实服务器。规则在 mangle PREROUTING 中执行，远早于 IPVS：IPVS 在 INPUT 钩子上接收数据包（ip_vs_in_hook()，优先级 99，在各个表的 INPUT 链之后）。在那里 ip_vs_service_find() 先按包的标记查找，只有没有哪个 fwmark 服务带这个标记时，才按地址和端口查找。下一步：看规则的计数器。',
        },
        claims: [answerIs('192.168.8.102')],
      },
      {
        kind: 'play',
        until: 3,
        speed: 1,
        text: {
          en: 'Play to 3 s: the connection goes to 192.168.8.102, FWM 1’s only real server.',
          'zh-CN': '播放到 3 秒：连接去了 192.168.8.102，也就是 FWM 1 唯一的真实服务器。',
        },
        claims: [landsOn(0, '192.168.8.102')],
      },
      {
        kind: 'run',
        cmd: 'iptables -t mangle -L PREROUTING -n -v',
        text: {
          en: 'The rule’s counters: the packets of 10.0.0.7’s connection that it marked (pkts, bytes), and the mark it set (MARK set 0x1).',
          'zh-CN':
            '规则的计数器：它为 10.0.0.7 的连接打上标记的数据包（pkts、bytes），以及设置的标记（MARK set 0x1）。',
        },
        claims: [outputLists(/^\s*[1-9]\d*\s+\d+\s+MARK\s.*dpt:80 MARK set 0x1$/m)],
      },
      {
        kind: 'load',
        scenario: markScenario(`iptables -t mangle -A OUTPUT ${MARK_RULE}`),
        text: {
          en: 'The same director, but the rule was written in mangle OUTPUT instead of PREROUTING — the same table, another chain. 10.0.0.7 opens :80 at 1 s again.',
          'zh-CN':
            '同一台调度器，但这条规则写进了 mangle OUTPUT，而不是 PREROUTING——同一个表，另一条链。10.0.0.7 仍在 1 秒打开 :80。',
        },
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: which real server does 10.0.0.7 reach now?',
          'zh-CN': '预测：现在 10.0.0.7 会到哪台真实服务器？',
        },
        probe: { kind: 'connection-rs', index: 0 },
        choices: RS_CHOICES,
        explain: {
          en: '{answer}, the :80 service’s. OUTPUT is walked only by packets the director itself sends; a client’s packet goes PREROUTING → routing → INPUT and never meets the rule. It reaches IPVS with mark 0, no fwmark service matches, and the address and port find TCP 192.168.100.100:80. The next step shows the rule’s counters.',
          'zh-CN':
            '{answer}，也就是 :80 服务的真实服务器。只有调度器自己发出的包才经过 OUTPUT；客户端的包走 PREROUTING → 路由 → INPUT，根本遇不到这条规则。它带着标记 0 到达 IPVS，没有 fwmark 服务匹配，于是按地址和端口找到 TCP 192.168.100.100:80。下一步显示规则的计数器。',
        },
        claims: [answerIs('192.168.8.101')],
      },
      {
        kind: 'play',
        until: 3,
        speed: 1,
        text: {
          en: 'Play to 3 s: this time the connection goes to 192.168.8.101.',
          'zh-CN': '播放到 3 秒：这次连接去了 192.168.8.101。',
        },
        claims: [landsOn(0, '192.168.8.101')],
      },
      {
        kind: 'run',
        cmd: 'iptables -t mangle -L OUTPUT -n -v',
        text: {
          en: 'The rule is there, and its counters read 0 packets, 0 bytes: it never saw the client’s packets.',
          'zh-CN': '规则还在，但计数器是 0 个包、0 字节：它从没见过客户端的包。',
        },
        claims: [outputLists(/^\s+0\s+0\s+MARK\s.*dpt:80 MARK set 0x1$/m)],
      },
      {
        kind: 'load',
        scenario: markScenario(`iptables -A INPUT ${MARK_RULE}`),
        text: {
          en: 'Once more, with the rule in the filter table’s INPUT chain (iptables -A INPUT, no -t): the chain every packet for the director passes after routing.',
          'zh-CN':
            '再来一次，这次规则放在 filter 表的 INPUT 链（iptables -A INPUT，不带 -t）：路由之后，发给调度器的每个包都会经过这条链。',
        },
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: which real server does 10.0.0.7 reach with the mark set in filter INPUT?',
          'zh-CN': '预测：标记在 filter INPUT 中设置时，10.0.0.7 会到哪台真实服务器？',
        },
        probe: { kind: 'connection-rs', index: 0 },
        choices: RS_CHOICES,
        explain: {
          en: '{answer}. On the INPUT hook the filter table runs at priority 0 and IPVS’s ip_vs_in_hook() at 99, so the mark is on the packet when IPVS looks for a service. What matters is the hook and the order, not the table’s name: mangle PREROUTING is the usual place because every packet passes it, before any filtering drops it.',
          'zh-CN':
            '{answer}。在 INPUT 钩子上，filter 表的优先级是 0，IPVS 的 ip_vs_in_hook() 是 99，所以 IPVS 查找服务时，包上已经有了标记。关键在钩子和先后顺序，而不在表的名字：通常放在 mangle PREROUTING，是因为每个包都会经过那里，而且早于任何过滤规则把它丢掉。',
        },
        claims: [answerIs('192.168.8.102')],
      },
      {
        kind: 'play',
        until: 3,
        speed: 1,
        text: {
          en: 'Play to 3 s: the connection goes to 192.168.8.102 again.',
          'zh-CN': '播放到 3 秒：连接又去了 192.168.8.102。',
        },
        claims: [landsOn(0, '192.168.8.102')],
      },
      {
        kind: 'run',
        cmd: 'iptables -L INPUT -n -v',
        text: {
          en: 'The filter INPUT rule counted the client’s packets, as the PREROUTING rule did.',
          'zh-CN': 'filter INPUT 规则计到了客户端的包，和 PREROUTING 那条规则一样。',
        },
        claims: [outputLists(/^\s*[1-9]\d*\s+\d+\s+MARK\s.*dpt:80 MARK set 0x1$/m)],
      },
    ],
  },
  {
    id: 'keepalived-trap',
    title: {
      en: '12. keepalived’s inhibit_on_failure and the quiescent-template trap',
      'zh-CN': '12. keepalived 的 inhibit_on_failure 与静默模板陷阱',
    },
    steps: [
      {
        kind: 'load',
        file: 'keepalived-inhibit-on-failure.json',
        text: {
          en: 'A director as production runs it: keepalived programs PPC on :80 (-p 300, DR) over .101 and .102 and health-checks them — TCP_CHECK every 6 s, 3 retries 3 s apart — with inhibit_on_failure: a failed server is set to weight 0, not removed. 300 users. At 180 s .101 crashes (its port answers RST) until 420 s. expire_quiescent_template is 0, the kernel’s default.',
          'zh-CN':
            '一台和生产环境一样的调度器：由 keepalived 在 :80 上配置 PPC（-p 300，DR），后端 .101 和 .102，并做健康检查——每 6 秒一次 TCP_CHECK，失败后每隔 3 秒重试 3 次——且开启 inhibit_on_failure：失败的服务器权重被设为 0，而不是被删除。300 个用户。180 秒时 .101 崩溃（端口回 RST），直到 420 秒。expire_quiescent_template 为 0，即内核默认值。',
        },
      },
      {
        kind: 'play',
        until: 175,
        speed: 20,
        text: {
          en: 'Play to 175 s: both real servers are healthy; no connection has failed yet.',
          'zh-CN': '播放到 175 秒：两台真实服务器都正常，还没有连接失败。',
        },
        claims: [metricAt('failedConnections', 175, '=', 0), metricAt('refused', 175, '=', 0)],
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: .101 crashes at 180 s, and keepalived’s TCP_CHECK notices within 6 + 3 × 3 s. By 300 s, how many connections will have failed on .101?',
          'zh-CN':
            '预测：.101 在 180 秒崩溃，keepalived 的 TCP_CHECK 在 6 + 3 × 3 秒内就会发现。到 300 秒，会有多少连接在 .101 上失败？',
        },
        probe: { kind: 'metric', name: 'failedConnections', atMs: 300_000 },
        choices: [
          { label: { en: 'none', 'zh-CN': '一个也没有' }, value: [0, 0] },
          {
            label: {
              en: 'a few, before keepalived acts (1–50)',
              'zh-CN': '少数几个，都在 keepalived 动手之前（1–50 个）',
            },
            value: [1, 50],
          },
          {
            label: {
              en: 'many, even after keepalived acts (more than 50)',
              'zh-CN': '很多，keepalived 动手之后还在失败（超过 50 个）',
            },
            value: [51, 1e9],
          },
        ],
        explain: {
          en: 'Many: {answer} by 300 s. keepalived did act — the next steps show its log and the weight 0 — but weight 0 only keeps the scheduler from choosing .101. A client whose template points at .101 is still sent there: with expire_quiescent_template = 0, ip_vs_check_template() finds the template valid whatever the weight, and the dead server answers RST. Click such a connection under “Latest connections”: its explanation says so.',
          'zh-CN':
            '很多：到 300 秒共 {answer} 个。keepalived 确实动手了——后面几步会显示它的日志和权重 0——但权重 0 只是让调度器不再选 .101。模板指向 .101 的客户端仍被送去那里：expire_quiescent_template = 0 时，ip_vs_check_template() 不管权重是多少都认为模板有效，而宕机的服务器回 RST。在“最近的连接”里点开这样一个连接，它的解释会说明这一点。',
        },
        claims: [answerIs([51, 1e9])],
      },
      {
        kind: 'play',
        until: 300,
        speed: 20,
        text: {
          en: 'Play to 300 s: “refused · failed” in the Real servers panel keeps climbing long after keepalived acted; broken sessions stay at 0 — nobody was moved to .102.',
          'zh-CN':
            '播放到 300 秒：“真实服务器”面板中的“被拒绝 · 失败”在 keepalived 动手之后仍在上涨；会话中断保持为 0——没有人被转到 .102。',
        },
        claims: [
          // keepalived set .101 to weight 0 before 200 s (its log, next step)
          metricGrows('failedConnections', [200, 300]),
          figure('brokenSessions', 300, '=', 0),
        ],
      },
      {
        kind: 'run',
        cmd: "journalctl -u keepalived -o cat | grep -E 'failed after|Disabling'",
        text: {
          en: 'keepalived’s own words: its TCP_CHECK gave up on .101 after 3 retries and disabled it — weight 0, as inhibit_on_failure asks.',
          'zh-CN':
            'keepalived 自己的日志：它的 TCP_CHECK 重试 3 次后放弃了 .101，并将其禁用——权重 0，这正是 inhibit_on_failure 的做法。',
        },
        claims: [
          outputLists(/^TCP_CHECK on service \[192\.168\.8\.101\]:tcp:80 failed after 3 retries\.$/),
          outputLists(/^Disabling service \[192\.168\.8\.101\]:tcp:80 of VS \[192\.168\.100\.100\]:tcp:80$/),
        ],
      },
      {
        kind: 'run',
        cmd: 'ipvsadm -Ln',
        text: {
          en: '.101 is still listed, with weight 0: the templates that point at it stay valid.',
          'zh-CN': '.101 仍在列表中，权重为 0：指向它的模板依然有效。',
        },
        claims: [outputLists(/192\.168\.8\.101:80\s+Route\s+0\s/)],
      },
      {
        kind: 'load',
        file: 'keepalived-inhibit-on-failure-expire.json',
        text: {
          en: 'The same director, users and crash at 180 s — with one sysctl changed: net.ipv4.vs.expire_quiescent_template = 1.',
          'zh-CN':
            '同样的调度器、同样的用户、同样在 180 秒崩溃——只改了一个 sysctl：net.ipv4.vs.expire_quiescent_template = 1。',
        },
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: with expire_quiescent_template = 1, how many connections will have failed on .101 by 300 s?',
          'zh-CN': '预测：expire_quiescent_template = 1 时，到 300 秒会有多少连接在 .101 上失败？',
        },
        probe: { kind: 'metric', name: 'failedConnections', atMs: 300_000 },
        choices: [
          { label: { en: 'none', 'zh-CN': '一个也没有' }, value: [0, 0] },
          {
            label: {
              en: 'a few, before keepalived acts (1–50)',
              'zh-CN': '少数几个，都在 keepalived 动手之前（1–50 个）',
            },
            value: [1, 50],
          },
          {
            label: {
              en: 'many, even after keepalived acts (more than 50)',
              'zh-CN': '很多，keepalived 动手之后还在失败（超过 50 个）',
            },
            value: [51, 1e9],
          },
        ],
        explain: {
          en: 'A few: {answer}, all before keepalived set .101 to weight 0. From then on ip_vs_check_template() finds a template that points at a weight-0 server invalid: it expires it and the scheduler sends the client to .102. The price: those users lose their session on .101 — {broken} broken sessions by 300 s.',
          'zh-CN':
            '少数几个：{answer} 个，全都发生在 keepalived 把 .101 的权重设为 0 之前。此后 ip_vs_check_template() 认为指向权重 0 服务器的模板无效：让它过期，调度器把客户端送到 .102。代价是这些用户丢失了在 .101 上的会话——到 300 秒共 {broken} 次会话中断。',
        },
        figures: { broken: { kind: 'metric', name: 'brokenSessions', atMs: 300_000 } },
        claims: [answerIs([1, 50])],
      },
      {
        kind: 'play',
        until: 300,
        speed: 20,
        text: {
          en: 'Play to 300 s: the failures stop once keepalived acts; the broken-session counter rises instead.',
          'zh-CN': '播放到 300 秒：keepalived 一动手，失败就停止了；取而代之的是会话中断计数上升。',
        },
        claims: [
          metricStops('failedConnections', [200, 300]),
          not(metricStops('failedConnections', [180, 200])),
          keepsGrowing('brokenSessions', { during: [190, 240] }),
        ],
      },
    ],
  },
  {
    id: 'failover',
    title: {
      en: '13. Failover: what the backup director knows (with and without sync)',
      'zh-CN': '13. 故障切换：备调度器知道什么（有无同步）',
    },
    steps: [
      {
        kind: 'load',
        file: 'failover-without-sync.json',
        text: {
          en: 'Two directors on one LAN run keepalived. VRRP (vrrp_instance VI_1, advert_int 1) gives the VIP to the director, priority 150; the backup, priority 100, has the same virtual_server and waits. No IPVS sync daemon runs. PPC on :80 (-p 300, DR, three real servers), 200 users shopping. At 240 s the director loses power. The strip under the director’s title shows both directors.',
          'zh-CN':
            '同一局域网上的两台调度器都运行 keepalived。VRRP（vrrp_instance VI_1，advert_int 1）把 VIP 交给主调度器，优先级 150；备调度器优先级 100，配置了同样的 virtual_server，处于等待状态。没有运行 IPVS 同步守护进程。:80 上是 PPC（-p 300、DR、三台真实服务器），200 个用户在购物。第 240 秒主调度器断电。调度器标题下方的条带并排显示两台调度器。',
        },
      },
      {
        kind: 'play',
        until: 120,
        speed: 30,
        text: {
          en: 'Play two minutes. On the strip the director is MASTER 150 and holds the VIP; the backup is BACKUP 100, and its entries stay at 0 connections, 0 templates: nothing tells it what the director does.',
          'zh-CN':
            '播放两分钟。条带上主调度器是 MASTER 150，持有 VIP；备调度器是 BACKUP 100，它的条目一直是 0 个连接、0 个模板：没有任何东西告诉它主调度器在做什么。',
        },
        claims: [
          vipHeldBy(120, 'director'),
          vrrpState('director', 120, 'MASTER'),
          vrrpState('backup', 120, 'BACKUP'),
          pairEntries('backup', 'connections', 120, '=', 0),
          pairEntries('backup', 'templates', 120, '=', 0),
          pairEntries('director', 'templates', 120, '>', 0),
        ],
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: the director loses power at 240 s. When do the clients’ packets reach a director again?',
          'zh-CN': '预测：主调度器在 240 秒断电。客户端的包什么时候能重新到达一台调度器？',
        },
        probe: { kind: 'pair', what: 'vip-moved-at', atMs: 260_000 },
        choices: [
          { label: { en: 'at once (240–240.5 s)', 'zh-CN': '立刻（240–240.5 秒）' }, value: [240, 240.5] },
          {
            label: { en: 'a few seconds later (240.5–245 s)', 'zh-CN': '几秒之后（240.5–245 秒）' },
            value: [240.5, 245],
          },
          {
            label: { en: 'a minute later or more (after 245 s)', 'zh-CN': '一分钟或更久之后（245 秒以后）' },
            value: [245, 1e9],
          },
        ],
        figures: { down: { kind: 'pair', what: 'master-down-interval', of: 'backup', atMs: 0 } },
        explain: {
          en: 'At {answer} s. The backup’s VRRP hears an advert from the master every second; each one restarts its master-down timer, 3 × advert_int + (256 − 100)/256 = {down} s. The last advert left the director just before it lost power; {down} s later the timer ran out, the backup became MASTER, put the VIP on its eth0 and sent gratuitous ARP, and the clients’ packets followed. In between they went to a director with no power. The strip’s foot names the moment.',
          'zh-CN':
            '在 {answer} 秒。备调度器的 VRRP 每秒收到主调度器的一个通告，每个通告都会重启它的 master-down 定时器：3 × advert_int + (256 − 100)/256 = {down} 秒。最后一个通告在主调度器断电前不久发出；{down} 秒后定时器到期，备调度器成为 MASTER，把 VIP 配到自己的 eth0 上并发送免费 ARP，客户端的包随之转过来。在这之间，包都发给了一台没电的调度器。条带底部写着这一时刻。',
        },
        claims: [
          answerIs([240.5, 245]),
          masterDownInterval('backup', '>=', 3.6),
          masterDownInterval('backup', '<', 3.7),
        ],
      },
      {
        kind: 'play',
        until: 250,
        speed: 10,
        text: {
          en: 'Play past 240 s: the director’s card reads “lost power”, the backup is MASTER 100 and holds the VIP, and the strip’s foot says when the VIP moved.',
          'zh-CN':
            '播放到 240 秒之后：主调度器的卡片显示“已断电”，备调度器成为 MASTER 100 并持有 VIP，条带底部写着 VIP 何时转移。',
        },
        claims: [
          vrrpState('director', 250, 'down'),
          vrrpState('backup', 250, 'MASTER'),
          vipHeldBy(250, 'backup'),
          vipMovedAt(250, '>', 243),
          vipMovedAt(250, '<', 243.1),
        ],
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: the users keep shopping through the backup. How many of them reach a real server that does not hold their session?',
          'zh-CN': '预测：用户继续通过备调度器购物。有多少用户会落到没有自己会话的真实服务器上？',
        },
        probe: { kind: 'metric', name: 'brokenSessionsByFailover', atMs: 480_000 },
        choices: [
          { label: { en: 'none', 'zh-CN': '一个也没有' }, value: [0, 0] },
          { label: { en: 'some (1–50)', 'zh-CN': '一部分（1–50 个）' }, value: [1, 50] },
          { label: { en: 'most of them (more than 50)', 'zh-CN': '大多数（超过 50 个）' }, value: [51, 1e9] },
        ],
        explain: {
          en: '{answer} sessions broken by the failover (--metrics: brokenSessionsByFailover). The templates lived only in the kernel of the director that lost power; the backup had none, so each returning user’s next connection was scheduled afresh by rr on the backup and landed on another real server unless rr happened to pick theirs. Users who did not come back, or whose -p 300 had run out anyway, lost nothing.',
          'zh-CN':
            '故障切换使 {answer} 个会话中断（--metrics 中的 brokenSessionsByFailover）。模板只存在于断电那台调度器的内核里；备调度器一个也没有，所以每个回来的用户，下一个连接都由备调度器上的 rr 重新调度，除非 rr 恰好选中原来那台，否则就落到另一台真实服务器上。没有回来的用户，或者 -p 300 本来就已过期的用户，没有损失。',
        },
        claims: [answerIs([1, 50]), pairEntries('backup', 'templates', 239, '=', 0)],
      },
      {
        kind: 'play',
        until: 480,
        speed: 30,
        text: {
          en: 'Play to 480 s: the backup, now MASTER, schedules every returning user afresh.',
          'zh-CN': '播放到 480 秒：已成为 MASTER 的备调度器对每个回来的用户都重新调度。',
        },
        claims: [vrrpState('backup', 480, 'MASTER'), failoverFigure('brokenSessionsByFailover', 480, '>', 0)],
      },
      {
        kind: 'load',
        scenario: {
          ...(failoverWithSync as object),
          connections: [conn(230, '10.1.0.7', 40001, 80, 30)],
        },
        text: {
          en: 'The same pair and the same users, now with lvs_sync_daemon eth0 VI_1 in keepalived’s global_defs: an IPVS sync daemon runs on each director, master on the one VRRP makes MASTER, backup on the other. One more client, 10.1.0.7, opens a connection at 230 s and closes it at 260 s. The director loses power at 240 s again.',
          'zh-CN':
            '同一对调度器、同样的用户，这次 keepalived 的 global_defs 里加了 lvs_sync_daemon eth0 VI_1：每台调度器都运行 IPVS 同步守护进程，VRRP 选出的 MASTER 上运行 master，另一台上运行 backup。另有一个客户端 10.1.0.7 在 230 秒打开一个连接，260 秒关闭。主调度器仍在 240 秒断电。',
        },
      },
      {
        kind: 'play',
        until: 120,
        speed: 30,
        text: {
          en: 'Play two minutes. This time the backup’s card counts connections and templates too: the director’s sync daemon sends them. On the timeline, under the backup’s heading: the same clients, each to the same real server.',
          'zh-CN':
            '播放两分钟。这次备调度器的卡片上也有连接和模板的计数：是主调度器的同步守护进程发过来的。时间线上备调度器的标题下：同样的客户端，各自去往同一台真实服务器。',
        },
        claims: [
          vipHeldBy(120, 'director'),
          pairEntries('backup', 'connections', 120, '>', 0),
          pairEntries('backup', 'templates', 120, '>', 0),
          templatesElsewhere('backup', 120, '=', 0),
        ],
      },
      {
        kind: 'run',
        cmd: 'ipvsadm -L --daemon',
        text: {
          en: 'The director’s sync daemons as ipvsadm shows them: keepalived started a master daemon when VRRP made the director MASTER (syncid 51, the instance’s virtual_router_id).',
          'zh-CN':
            'ipvsadm 显示的主调度器同步守护进程：VRRP 让主调度器成为 MASTER 时，keepalived 启动了 master 守护进程（syncid 51，即该实例的 virtual_router_id）。',
        },
        claims: [outputLists(/^master sync daemon \(mcast=eth0, syncid=51,/)],
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: just before the director loses power (239 s), how many templates does the backup hold?',
          'zh-CN': '预测：主调度器断电前一刻（239 秒），备调度器上有多少个模板？',
        },
        probe: { kind: 'pair', what: 'templates', of: 'backup', atMs: 239_000 },
        choices: [
          { label: { en: 'none', 'zh-CN': '一个也没有' }, value: [0, 0] },
          { label: { en: 'a few (1–20)', 'zh-CN': '少数几个（1–20 个）' }, value: [1, 20] },
          {
            label: { en: 'about as many as the director (more than 20)', 'zh-CN': '和主调度器差不多（超过 20 个）' },
            value: [21, 1e9],
          },
        ],
        figures: { master: { kind: 'pair', what: 'templates', of: 'director', atMs: 239_000 } },
        explain: {
          en: '{answer}, against the director’s {master}. The kernel’s master daemon sends a connection’s template with every packet of every connection it controls (ip_vs_sync_conn_needed() always says yes to a template), in a message the sync thread sends within about 2 s, and the backup arms it with the whole -p 300 from then. Any it lacks were made in the last second or two and not sent yet.',
          'zh-CN':
            '{answer} 个，主调度器上是 {master} 个。内核的 master 守护进程对模板所控制的每个连接的每个包都会发送该模板（ip_vs_sync_conn_needed() 对模板总是同意），同步线程大约 2 秒内把消息发出，备调度器收到后按完整的 -p 300 给它计时。如果少了几个，那是最后一两秒才建立、还没来得及发送的。',
        },
        claims: [answerIs([21, 1e9])],
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: with the sync daemon, how many users reach a real server that does not hold their session after the failover?',
          'zh-CN': '预测：有同步守护进程时，故障切换后有多少用户会落到没有自己会话的真实服务器上？',
        },
        probe: { kind: 'metric', name: 'brokenSessionsByFailover', atMs: 480_000 },
        choices: [
          { label: { en: 'none', 'zh-CN': '一个也没有' }, value: [0, 0] },
          { label: { en: 'some (1–50)', 'zh-CN': '一部分（1–50 个）' }, value: [1, 50] },
          { label: { en: 'most of them (more than 50)', 'zh-CN': '大多数（超过 50 个）' }, value: [51, 1e9] },
        ],
        explain: {
          en: '{answer}. Each returning user’s connection reached the backup, found the template the sync daemon had sent, and went to the real server that holds the session: the backup bound the template to its own entry for that real server. Failover without sync breaks sessions; with sync the users do not notice.',
          'zh-CN':
            '{answer} 个。每个回来的用户的连接到达备调度器时，都找到了同步守护进程发来的模板，于是去了保存会话的那台真实服务器：备调度器把模板绑定到了自己这边对应的真实服务器条目上。没有同步的故障切换会让会话中断；有了同步，用户察觉不到。',
        },
        claims: [answerIs([0, 0])],
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: 10.1.0.7 opened its connection at 230 s (SYN, then ACK) and sends nothing more until its FIN at 260 s. When that FIN reaches the backup, does the backup know the connection?',
          'zh-CN':
            '预测：10.1.0.7 在 230 秒打开连接（先 SYN，再 ACK），之后什么都不发，直到 260 秒发 FIN。这个 FIN 到达备调度器时，备调度器知道这个连接吗？',
        },
        probe: { kind: 'metric', name: 'connectionsResetByFailover', atMs: 270_000 },
        yesWhen: [0, 0],
        choices: YES_NO,
        explain: {
          en: 'No: {answer} connection reset by the failover (--metrics: connectionsResetByFailover). The kernel sends a connection only in ESTABLISHED at its 3rd packet (net.ipv4.vs.sync_threshold = 3 50: when in_pkts % 50 is 3), or when it enters FIN_WAIT or CLOSE. This one had sent 2 packets; its template was sent, the connection never. The backup found no entry for the FIN, its own stack answered RST, and the client saw its connection reset.',
          'zh-CN':
            '不知道：故障切换重置了 {answer} 个连接（--metrics 中的 connectionsResetByFailover）。内核只在 ESTABLISHED 连接的第 3 个包时发送它（net.ipv4.vs.sync_threshold = 3 50：in_pkts % 50 等于 3 时），或在它进入 FIN_WAIT、CLOSE 时发送。这个连接只发了 2 个包：它的模板发过去了，连接本身从没发过。备调度器找不到这个 FIN 的条目，由自己的协议栈回了 RST，客户端看到连接被重置。',
        },
        claims: [answerIs(false)],
      },
      {
        kind: 'play',
        until: 270,
        speed: 10,
        text: {
          en: 'Play to 270 s: the backup holds the VIP, and the FIN of 10.1.0.7 at 260 s met RST.',
          'zh-CN': '播放到 270 秒：备调度器持有 VIP，10.1.0.7 在 260 秒发出的 FIN 收到了 RST。',
        },
        claims: [
          vipHeldBy(270, 'backup'),
          failoverFigure('connectionsResetByFailover', 259, '=', 0),
          failoverFigure('connectionsResetByFailover', 270, '>=', 1),
        ],
      },
      {
        kind: 'load',
        scenario: {
          ...(failoverWithSync as object),
          commands: [SYNC_AT_ACK, 'systemctl start keepalived'],
          backup: { ...failoverWithSync.backup, commands: [SYNC_AT_ACK, 'systemctl start keepalived'] },
          connections: [conn(230, '10.1.0.7', 40001, 80, 30)],
        },
        text: {
          en: `Once more, with ${SYNC_AT_ACK} run on both directors before keepalived starts.`,
          'zh-CN': `再来一次，这次两台调度器在启动 keepalived 之前都运行了 ${SYNC_AT_ACK}。`,
        },
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: with sync_threshold 2 50, does the backup know 10.1.0.7’s connection when its FIN arrives at 260 s?',
          'zh-CN': '预测：sync_threshold 为 2 50 时，10.1.0.7 的 FIN 在 260 秒到达，备调度器知道这个连接吗？',
        },
        probe: { kind: 'metric', name: 'connectionsResetByFailover', atMs: 270_000 },
        yesWhen: [0, 0],
        choices: YES_NO,
        explain: {
          en: 'Yes: {answer} connections reset by the failover. With sync_threshold 2 the connection was sent at its 2nd packet, the ACK, ten seconds before the failover; the backup had its entry, passed the FIN on to the real server, and the connection closed as it should. The price: more sync messages for connections that might never need them.',
          'zh-CN':
            '知道：故障切换重置了 {answer} 个连接。sync_threshold 为 2 时，连接在第 2 个包（ACK）时就发送了，比故障切换早十秒；备调度器有它的条目，把 FIN 转给真实服务器，连接正常关闭。代价是：为可能永远用不上的连接多发同步消息。',
        },
        claims: [answerIs(true)],
      },
    ],
  },
  {
    id: 'kube-affinity',
    title: { en: '14. ClientIP affinity in Kubernetes', 'zh-CN': '14. Kubernetes 中的 ClientIP 亲和性' },
    steps: [
      {
        kind: 'load',
        scenario: kubeAffinityScenario,
        text: {
          en: 'This director is a Kubernetes node. kube-proxy runs in IPVS mode (kube-proxy --proxy-mode=ipvs) and kubectl applied /root/shop.yaml: the Service shop, ClusterIP 10.96.0.20:80, sessionAffinity: ClientIP with no timeoutSeconds, and an EndpointSlice with three pods on :8080. The clients 10.0.0.7, .8 and .9 connect at 1, 2 and 3 s.',
          'zh-CN':
            '这台调度器是一个 Kubernetes 节点。kube-proxy 运行在 IPVS 模式（kube-proxy --proxy-mode=ipvs），kubectl 应用了 /root/shop.yaml：Service shop，ClusterIP 10.96.0.20:80，sessionAffinity: ClientIP，没有设置 timeoutSeconds；EndpointSlice 里有三个 :8080 的 Pod。客户端 10.0.0.7、.8、.9 在第 1、2、3 秒连接。',
        },
      },
      {
        kind: 'run',
        cmd: 'ipvsadm -Ln',
        text: {
          en: 'What kube-proxy made of it: a virtual server TCP 10.96.0.20:80 with rr and persistent 10800 — sessionAffinity: ClientIP is IPVS persistence, -p 10800 (three hours, Kubernetes’ default) — and each pod a Masq real server at :8080, weight 1.',
          'zh-CN':
            'kube-proxy 把它变成了：虚拟服务器 TCP 10.96.0.20:80，rr，persistent 10800——sessionAffinity: ClientIP 就是 IPVS 的持久化，-p 10800（三小时，Kubernetes 的默认值）——每个 Pod 是 :8080 上的 Masq 真实服务器，权重 1。',
        },
        claims: [
          outputLists(/^TCP {2}10\.96\.0\.20:80 rr persistent 10800$/m),
          outputLists(/^ {2}-> 10\.244\.1\.5:8080 +Masq +1 /m),
          outputLists(/^ {2}-> 10\.244\.3\.9:8080 +Masq +1 /m),
        ],
      },
      {
        kind: 'run',
        cmd: 'ip -4 addr show kube-ipvs0',
        text: {
          en: 'The node accepts packets for the ClusterIP because kube-proxy put it on its dummy interface kube-ipvs0, as a /32.',
          'zh-CN':
            '节点之所以接收发往 ClusterIP 的包，是因为 kube-proxy 把它以 /32 的形式加到了自己的虚拟网卡 kube-ipvs0 上。',
        },
        claims: [outputLists(/^ {4}inet 10\.96\.0\.20\/32 scope global kube-ipvs0$/m)],
      },
      {
        kind: 'play',
        until: 5,
        speed: 1,
        text: {
          en: 'Play to 5 s: rr hands the three clients one pod each; 10.0.0.7 lands on 10.244.3.9.',
          'zh-CN': '播放到 5 秒：rr 给三个客户端各分一个 Pod；10.0.0.7 落在 10.244.3.9 上。',
        },
        claims: [landsOn(0, '10.244.3.9'), landsOn(1, '10.244.2.7'), landsOn(2, '10.244.1.5')],
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: 10.0.0.7 connects again at 60 s. rr’s turn has moved on since. Which pod does it reach?',
          'zh-CN': '预测：10.0.0.7 在第 60 秒再次连接，rr 的轮次早已往后走了。它会到哪个 Pod？',
        },
        probe: { kind: 'connection-rs', index: 3 },
        choices: POD_CHOICES,
        explain: {
          en: '{answer}: the same pod as at 1 s. Its first connection left a persistence template 10.0.0.7 → 10.244.3.9 with the service’s timeout, 10800 s, and the scheduler is not asked while the template lives.',
          'zh-CN':
            '{answer}：和第 1 秒时同一个 Pod。第一个连接留下了持久化模板 10.0.0.7 → 10.244.3.9，超时为服务的 10800 秒；模板在的时候不会再问调度器。',
        },
        claims: [answerIs('10.244.3.9')],
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: 10.0.0.8 connected once, at 2 s, for 2 s. Is its template still live an hour later (at 3600 s)?',
          'zh-CN': '预测：10.0.0.8 只在第 2 秒连接过一次，持续 2 秒。一小时后（第 3600 秒）它的模板还在吗？',
        },
        probe: { kind: 'template-live', client: '10.0.0.8', atMs: 3_600_000 },
        choices: YES_NO,
        explain: {
          en: 'Yes. A template’s timer is the service’s timeout, 10800 s here, and it is re-armed while a connection still depends on it. A plain ipvsadm -p 300 would have let it go within minutes; Kubernetes’ three hours keep a client on its pod for a whole working session.',
          'zh-CN':
            '是。模板的计时器就是服务的超时，这里是 10800 秒；还有连接依赖它时，计时器会重新开始。普通的 ipvsadm -p 300 几分钟内就会让它过期；Kubernetes 的三小时能让客户端在整个工作时段都留在同一个 Pod 上。',
        },
        claims: [answerIs(true), templateLive('10.0.0.8', 3600)],
      },
      {
        kind: 'run',
        cmd: 'kubectl apply -f shop-60s.yaml && ipvsadm -Ln',
        text: {
          en: 'Now set sessionAffinityConfig.clientIP.timeoutSeconds: 60 (shop-60s.yaml): kubectl configures the Service, kube-proxy syncs at once, and the virtual server says persistent 60.',
          'zh-CN':
            '现在设置 sessionAffinityConfig.clientIP.timeoutSeconds: 60（shop-60s.yaml）：kubectl 更新 Service，kube-proxy 立即同步，虚拟服务器显示 persistent 60。',
        },
        claims: [
          outputLists(/^service\/shop configured$/m),
          outputLists(/^TCP {2}10\.96\.0\.20:80 rr persistent 60$/m),
        ],
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: a new client, 10.0.0.5, connects at 120 s for 2 s. Is its template still live at 400 s?',
          'zh-CN': '预测：新客户端 10.0.0.5 在第 120 秒连接，持续 2 秒。第 400 秒时它的模板还在吗？',
        },
        probe: { kind: 'template-live', client: '10.0.0.5', atMs: 400_000 },
        choices: YES_NO,
        explain: {
          en: 'No. A template made after the change gets the service’s new timeout, 60 s: once its connection’s entry has gone, the next minute ends it.',
          'zh-CN': '否。修改之后新建的模板使用服务的新超时 60 秒：它的连接条目消失后，再过一分钟它就没有了。',
        },
        claims: [answerIs(false), templateGone('10.0.0.5', 400)],
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: and 10.0.0.9’s template, made at 3 s while the service still said 10800 — is it live at 300 s?',
          'zh-CN': '预测：10.0.0.9 的模板是在第 3 秒、服务还是 10800 的时候建立的——第 300 秒时它还在吗？',
        },
        probe: { kind: 'template-live', client: '10.0.0.9', atMs: 300_000 },
        choices: YES_NO,
        explain: {
          en: 'Yes. Changing the service’s timeout (kube-proxy’s ipvsadm -E) does not touch the templates already there: each keeps the timeout it was made with, so old clients stay on their pods for hours after the Service says one minute.',
          'zh-CN':
            '是。修改服务的超时（kube-proxy 的 ipvsadm -E）不会改动已有的模板：每个模板保留它建立时的超时，所以 Service 改成一分钟后，老客户端仍会在原来的 Pod 上再待几个小时。',
        },
        claims: [answerIs(true), templateLive('10.0.0.9', 300)],
      },
    ],
  },
]

/** A question's answer as its reveal says it: the probe's, or yes/no for a figure (`yesWhen`). */
export function answerOf(
  step: Pick<Extract<LessonStep, { kind: 'question' }>, 'yesWhen'>,
  value: string | number | boolean | null,
): string | number | boolean | null {
  if (!step.yesWhen || typeof value !== 'number') return value
  return value >= step.yesWhen[0] && value <= step.yesWhen[1]
}

/** A probe's figure as the lab shows it: stickiness in per cent (as the Real servers panel), when VRRP moved the VIP to a tenth of a second (as the strip under the director's title), a fraction to two decimals. */
export function quoteFigure(p: Probe, v: number): string {
  if (p.kind === 'metric' && p.name === 'stickiness') return `${Math.round(v * 100)}%`
  // a moment of the run to a tenth of a second, as the strip under the director's title says it
  if (p.kind === 'pair' && p.what === 'vip-moved-at') return v.toFixed(1)
  return Number.isInteger(v) ? String(v) : v.toFixed(2)
}

/** `{name}` placeholders of a text (`{answer}` and a question's figures). */
export const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

/** A text with its placeholders filled (a value not given stays as written). */
export function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole)
}

/**
 * The scenario a load step loads — the file's (`file`, as fetched) or the step's own — described
 * by the step's text in both languages, never by the file's description, which may tell the
 * class the answer to the question that follows (lesson 1's file says "users' sessions break").
 */
/**
 * A scenario connection of the lesson (its load step's own scenario) as the Packets view asks for
 * it: client and virtual service as `ipvsadm -Lnc` names them, and when it started (null: none).
 */
export function lessonConnection(
  lesson: Lesson,
  index: number,
): { client: string; virtual: string; atMs: number } | null {
  const load = lesson.steps.find((s) => s.kind === 'load')
  const scenario = load?.kind === 'load' ? (load.scenario as { connections?: unknown[] } | undefined) : undefined
  const c = scenario?.connections?.[index] as
    | { at: number; client: string; clientPort: number; vip: string; vport: number }
    | undefined
  if (!c) return null
  return { client: `${c.client}:${c.clientPort}`, virtual: `${c.vip}:${c.vport}`, atMs: Math.round(c.at * 1000) }
}

export function lessonScenario(step: Extract<LessonStep, { kind: 'load' }>, file: unknown): object {
  const base = (step.scenario ?? file) as Record<string, unknown>
  return {
    ...(JSON.parse(JSON.stringify(base)) as Record<string, unknown>),
    description: step.text.en,
    descriptions: { 'zh-CN': step.text['zh-CN'] },
  }
}

/** Is `choice` the right one for the engine's `answer`? */
export function isRight(choice: Choice, answer: string | number | boolean | null): boolean {
  const v = choice.value
  if (Array.isArray(v)) return typeof answer === 'number' && answer >= v[0] && answer <= v[1]
  if (typeof v === 'boolean') return answer === v
  return String(answer) === v
}
