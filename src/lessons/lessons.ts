import type { Probe } from '../worker/protocol'

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

export type LessonStep =
  | { kind: 'text'; text: L10n }
  /** Load a scenario (a file in public/scenarios, or one written here) into the lab. */
  | { kind: 'load'; text: L10n; file?: string; scenario?: object }
  /** Play until `until` seconds of simulated time, then pause. */
  | { kind: 'play'; text: L10n; until: number; speed?: number }
  /** A command shown and run in the console. */
  | { kind: 'run'; text: L10n; cmd: string }
  /** Predict, then reveal: the right choice is the one matching the engine's answer. */
  | { kind: 'question'; text: L10n; probe: Probe; choices: Choice[]; explain: L10n }
  /** Turn the "textbook rule" replay on or off. */
  | { kind: 'textbook'; text: L10n; on: boolean }

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

export const LESSONS: Lesson[] = [
  {
    id: 'why',
    title: { en: '1. Why persistence: the shopping cart', 'zh-CN': '1. 为什么需要持久化：购物车' },
    steps: [
      {
        kind: 'load',
        file: 'classroom-none.json',
        text: {
          en: 'A shop behind an LVS director with rr and no persistence. Each user logs in on the server of their first connection; the session (the cart) lives only there.',
          'zh-CN':
            '一个商店站点位于 LVS 调度器之后，使用 rr、没有持久化。每个用户在第一个连接到达的服务器上登录，会话（购物车）只保存在那里。',
        },
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: after two minutes of traffic, how many times will a user’s connection have reached a server that does not hold their session?',
          'zh-CN': '预测：两分钟后，用户的连接到达“没有其会话的服务器”会发生多少次？',
        },
        probe: { kind: 'metric', name: 'brokenSessions', atMs: 120_000 },
        choices: [
          { label: { en: 'none', 'zh-CN': '0 次' }, value: [0, 0] },
          { label: { en: 'a few (1–50)', 'zh-CN': '少数（1–50 次）' }, value: [1, 50] },
          { label: { en: 'many (more than 50)', 'zh-CN': '很多（超过 50 次）' }, value: [51, 1e9] },
        ],
        explain: {
          en: 'rr sends each new connection to the next server: about every other connection of a user lands on the wrong one. Watch “broken sessions” grow.',
          'zh-CN':
            'rr 把每个新连接发给下一台服务器：一个用户大约每两个连接就有一个落在错误的服务器上。观察“会话中断次数”不断增长。',
        },
      },
      {
        kind: 'play',
        until: 120,
        speed: 30,
        text: { en: 'Play two minutes and watch the figures.', 'zh-CN': '播放两分钟，观察各项数字。' },
      },
      {
        kind: 'run',
        cmd: `ipvsadm -E -t ${VIP}:80 -s rr -p 300`,
        text: {
          en: 'Turn persistence on for HTTP (-p 300). From now on, a returning client of :80 goes back to the same server.',
          'zh-CN': '为 HTTP 打开持久化（-p 300）。从现在起，访问 :80 的回头客会回到同一台服务器。',
        },
      },
      {
        kind: 'play',
        until: 300,
        speed: 30,
        text: {
          en: 'Play on: the broken-session counter grows much more slowly — but not to zero, because HTTPS (:443) is still a separate service. Lessons 3 and 4 fix that.',
          'zh-CN':
            '继续播放：会话中断次数增长明显变慢——但不为零，因为 HTTPS（:443）仍是另一个服务。第 3、4 课会解决这个问题。',
        },
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
          'zh-CN': `ipvsadm -A -t ${VIP}:80 -s rr -p 60：端口持久，60 秒。客户端 10.0.0.7 在 0、30、150、330 秒连接；10.0.0.8 在 10 秒连接。每个连接持续 5 秒。`,
        },
      },
      {
        kind: 'play',
        until: 31,
        speed: 5,
        text: {
          en: 'The first connection of 10.0.0.7 creates a template (TCP 10.0.0.7:0 → the server rr chose). At 30 s its second connection finds it: same server, and the template’s timer is reset to 60 s (a tick on the timeline).',
          'zh-CN':
            '10.0.0.7 的第一个连接创建了模板（TCP 10.0.0.7:0 → rr 选中的服务器）。30 秒时第二个连接找到了它：同一台服务器，模板定时器被重置为 60 秒（时间线上的刻度）。',
        },
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: the last connection before 150 s started at 30 s, and -p is 60. Is 10.0.0.7’s template still there at 150 s?',
          'zh-CN': '预测：150 秒之前的最后一个连接在 30 秒开始，-p 为 60。150 秒时 10.0.0.7 的模板还在吗？',
        },
        probe: { kind: 'template-live', client: '10.0.0.7', atMs: 149_900 },
        choices: YES_NO,
        explain: {
          en: 'The kernel does not expire a template while connections still depend on it — and a closed connection still counts while it waits in FIN_WAIT (120 s). So at 90 s the template is re-armed for 60 s instead of expiring. Textbooks that say “60 s after the last connection” are wrong here.',
          'zh-CN':
            '只要还有连接依赖模板，内核就不会让它过期——已关闭的连接在 FIN_WAIT 状态等待（120 秒）期间也算。所以 90 秒时模板没有过期，而是被续期 60 秒。说“最后一个连接后 60 秒”的教科书在这里是错的。',
        },
      },
      {
        kind: 'play',
        until: 160,
        speed: 10,
        text: {
          en: 'Play to 160 s and check on the timeline (the hatched segment).',
          'zh-CN': '播放到 160 秒，在时间线上查看（带斜线的部分）。',
        },
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: at 330 s 10.0.0.7 comes back once more. Which server?',
          'zh-CN': '预测：330 秒时 10.0.0.7 再次到来。它会去哪台服务器？',
        },
        probe: { kind: 'connection-rs', index: 4 },
        choices: RS_CHOICES,
        explain: {
          en: 'If its template has expired by then, rr schedules it afresh — maybe to the other server, and that is the moment a session breaks; if the template is still alive (re-armed while FIN_WAIT entries lasted), it goes back. The timeline shows which.',
          'zh-CN':
            '如果此时它的模板已经过期，rr 会重新调度——可能去另一台服务器，会话就在这一刻中断；如果模板还活着（FIN_WAIT 条目存在期间被续期），它就回到原来的服务器。时间线会告诉你是哪一种。',
        },
      },
      {
        kind: 'play',
        until: 340,
        speed: 20,
        text: {
          en: 'Reveal: play to 340 s; type ipvsadm -Lnc to see the entries.',
          'zh-CN': '揭晓：播放到 340 秒；输入 ipvsadm -Lnc 查看条目。',
        },
      },
    ],
  },
  {
    id: 'pcc',
    title: { en: '3. PCC: one client, every port', 'zh-CN': '3. PCC：一个客户端，所有端口' },
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
          en: `Persistent client: ipvsadm -A -t ${VIP}:0 -s rr -p 300 — port 0 means every port of the VIP. 10.0.0.7 opens HTTP at 0 s, HTTPS at 5 s and ssh at 10 s.`,
          'zh-CN': `客户端持久：ipvsadm -A -t ${VIP}:0 -s rr -p 300 —— 端口 0 表示 VIP 的所有端口。10.0.0.7 在 0 秒打开 HTTP，5 秒打开 HTTPS，10 秒打开 ssh。`,
        },
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: where does 10.0.0.7’s ssh connection (port 22) go?',
          'zh-CN': '预测：10.0.0.7 的 ssh 连接（22 端口）去哪里？',
        },
        probe: { kind: 'connection-rs', index: 3 },
        choices: RS_CHOICES,
        explain: {
          en: 'One template per client (TCP 10.0.0.7:0 → VIP:0) decides every port: HTTP, HTTPS and ssh all reach the same server. That keeps HTTP→HTTPS sessions — and also sends ports you did not mean to balance to it.',
          'zh-CN':
            '每个客户端一个模板（TCP 10.0.0.7:0 → VIP:0）决定所有端口：HTTP、HTTPS 和 ssh 都到同一台服务器。这保住了 HTTP→HTTPS 的会话——也把你并不想负载均衡的端口一起送了过去。',
        },
      },
      {
        kind: 'play',
        until: 12,
        speed: 2,
        text: {
          en: 'Reveal, then type ipvsadm -Lnc: one template, three connections.',
          'zh-CN': '揭晓，然后输入 ipvsadm -Lnc：一个模板，三个连接。',
        },
      },
    ],
  },
  {
    id: 'fwmark',
    title: {
      en: '4. Firewall marks: HTTP and HTTPS as one service',
      'zh-CN': '4. 防火墙标记：把 HTTP 和 HTTPS 当作一个服务',
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
          en: 'iptables marks TCP 80 and 443 to the VIP with mark 80; ipvsadm -A -f 80 -p 3600 is one service for both. (The classic textbook example marks --dport 23 where it means 443: with 23, HTTPS would never be marked.)',
          'zh-CN':
            'iptables 给发往 VIP 的 TCP 80 和 443 打上标记 80；ipvsadm -A -f 80 -p 3600 把两者当作一个服务。（经典教材示例把 443 误写成了 --dport 23：那样 HTTPS 永远不会被标记。）',
        },
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: 10.0.0.7 moves to HTTPS at 5 s. Which server?',
          'zh-CN': '预测：10.0.0.7 在 5 秒转到 HTTPS。去哪台服务器？',
        },
        probe: { kind: 'connection-rs', index: 2 },
        choices: RS_CHOICES,
        explain: {
          en: 'The mark is set before IPVS looks up a service, and the fwmark service is looked up first: both ports share the template IP 10.0.0.7:0 → 0.0.0.80:0. Unlike PCC, ssh (22) is not marked and is not balanced.',
          'zh-CN':
            '标记在 IPVS 查找服务之前设置，且优先查找 fwmark 服务：两个端口共用模板 IP 10.0.0.7:0 → 0.0.0.80:0。与 PCC 不同，ssh（22）没有被标记，也不参与负载均衡。',
        },
      },
      { kind: 'play', until: 10, speed: 2, text: { en: 'Reveal.', 'zh-CN': '揭晓。' } },
      {
        kind: 'run',
        cmd: 'iptables -t mangle -L PREROUTING -n -v',
        text: {
          en: 'The rules’ counters: packets that matched each rule.',
          'zh-CN': '规则计数器：匹配每条规则的数据包数。',
        },
      },
    ],
  },
  {
    id: 'online',
    title: { en: '5. “Still online”: the template outlives its timeout', 'zh-CN': '5. “仍在线”：模板比超时活得更久' },
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
          en: '-p 10, and 10.0.0.7 keeps one connection open for 25 s (a download).',
          'zh-CN': '-p 10，10.0.0.7 的一个连接保持 25 秒（一次下载）。',
        },
      },
      {
        kind: 'question',
        text: { en: 'Predict: is the template still there at 20 s?', 'zh-CN': '预测：20 秒时模板还在吗？' },
        probe: { kind: 'template-live', client: '10.0.0.7', atMs: 20_000 },
        choices: YES_NO,
        explain: {
          en: 'At 10 s the timer runs out while the connection still depends on the template: ip_vs_conn_expire() re-arms it for 60 s — and from then on its timeout stays 60 s. Linux 2.4 re-armed for 2 minutes, which is what older texts (the classic textbook example among them) say.',
          'zh-CN':
            '10 秒时定时器到期，但连接仍依赖模板：ip_vs_conn_expire() 把它续期 60 秒——此后它的超时一直是 60 秒。Linux 2.4 续期 2 分钟，这正是老教材（包括经典教材示例）的说法。',
        },
      },
      {
        kind: 'textbook',
        on: true,
        text: {
          en: 'Switch on “textbook rule”: the same run is replayed under the rule teaching texts state, and the timeline marks where the two disagree.',
          'zh-CN': '打开“教科书规则”：同一次运行按教材所说的规则重放，时间线会标出两者不一致之处。',
        },
      },
      {
        kind: 'play',
        until: 120,
        speed: 10,
        text: {
          en: 'Watch the row of 10.0.0.7: the kernel keeps it (hatched), the textbook mark shows where the textbook would have dropped it.',
          'zh-CN': '观察 10.0.0.7 那一行：内核保留了它（斜线部分），教科书标记显示按教科书它早该被删除的位置。',
        },
      },
      { kind: 'textbook', on: false, text: { en: 'Back to the kernel’s rule alone.', 'zh-CN': '回到只有内核规则。' } },
    ],
  },
  {
    id: 'megaproxy',
    title: { en: '6. Mega-proxies and -M 255.255.255.0', 'zh-CN': '6. 超级代理与 -M 255.255.255.0' },
    steps: [
      {
        kind: 'load',
        file: 'preset-megaproxy.json',
        text: {
          en: 'Many users browse through proxy farms: each of their connections leaves from another address of the farm’s /24. PCC without a netmask sees each address as a new client.',
          'zh-CN':
            '很多用户通过代理集群上网：他们的每个连接都从该集群 /24 网段中的另一个地址发出。不带掩码的 PCC 把每个地址都当作新客户端。',
        },
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: after 3 minutes, will every user’s connections have stayed on the user’s first server?',
          'zh-CN': '预测：3 分钟后，每个用户的连接是否都还停留在他的第一台服务器上？',
        },
        probe: { kind: 'metric', name: 'stickiness', atMs: 180_000 },
        choices: [
          { label: { en: 'yes, all of them', 'zh-CN': '是，全部都是' }, value: [1, 1] },
          { label: { en: 'no', 'zh-CN': '否' }, value: [0, 0.9999] },
        ],
        explain: {
          en: 'A proxy-farm user changes source address from one connection to the next: each address gets its own template, and rr spreads them over both servers.',
          'zh-CN': '代理集群用户的源地址在连接之间不断变化：每个地址各有一个模板，rr 把它们分散到两台服务器。',
        },
      },
      {
        kind: 'play',
        until: 180,
        speed: 30,
        text: { en: 'Play and watch stickiness and broken sessions.', 'zh-CN': '播放，观察粘性和会话中断次数。' },
      },
      {
        kind: 'run',
        cmd: `ipvsadm -E -t ${VIP}:0 -s rr -p 300 -M 255.255.255.0`,
        text: {
          en: 'One template per /24 now (new templates only: -E never rewrites the existing ones).',
          'zh-CN': '现在每个 /24 一个模板（只影响新模板：-E 从不改写已有模板）。',
        },
      },
      {
        kind: 'play',
        until: 420,
        speed: 30,
        text: {
          en: 'Watch broken sessions stop growing, and balance get coarser.',
          'zh-CN': '观察会话中断不再增加，而均衡变得更粗糙。',
        },
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
          name: 'Lesson 7: weight 0',
          commands: rs2(`-t ${VIP}:0`, ' -p 300'),
          connections: [
            conn(0, '10.0.0.7', 40001, 80, 5),
            conn(40, '10.0.0.7', 40002, 80, 5),
            conn(45, '10.0.0.9', 40003, 80, 5),
          ],
          midCommands: [{ at: 20, cmd: `ipvsadm -e -t ${VIP}:0 -r 192.168.8.102 -g -w 0` }],
          until: 100,
        },
        text: {
          en: 'PCC. 10.0.0.7 connects at 0 s (rr’s first pick is the most recently added server, .102). At 20 s .102 is quiesced: weight 0.',
          'zh-CN': 'PCC。10.0.0.7 在 0 秒连接（rr 第一次选择最后添加的服务器 .102）。20 秒时 .102 被静默：权重 0。',
        },
      },
      {
        kind: 'question',
        text: {
          en: 'Predict: 10.0.0.7 returns at 40 s. Which server?',
          'zh-CN': '预测：10.0.0.7 在 40 秒回来。去哪台服务器？',
        },
        probe: { kind: 'connection-rs', index: 1 },
        choices: RS_CHOICES,
        explain: {
          en: 'With expire_quiescent_template = 0 (the default) a valid template still decides, weight 0 or not: the client returns to the quiesced server. New clients (10.0.0.9) go elsewhere.',
          'zh-CN':
            '在 expire_quiescent_template = 0（默认）时，有效模板仍然起决定作用，不管权重是否为 0：客户端回到被静默的服务器。新客户端（10.0.0.9）去别的服务器。',
        },
      },
      { kind: 'play', until: 50, speed: 5, text: { en: 'Reveal.', 'zh-CN': '揭晓。' } },
      {
        kind: 'text',
        text: {
          en: 'With sysctl -w net.ipv4.vs.expire_quiescent_template=1 the template would be expired on its next use and the client rescheduled. Deleting the server (ipvsadm -d) invalidates its templates (listed with port 65535).',
          'zh-CN':
            '如果 sysctl -w net.ipv4.vs.expire_quiescent_template=1，模板会在下次使用时过期，客户端被重新调度。删除服务器（ipvsadm -d）会使其模板失效（以端口 65535 列出）。',
        },
      },
    ],
  },
  {
    id: 'sharing',
    title: { en: '8. The alternative: share the sessions', 'zh-CN': '8. 另一种做法：共享会话' },
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
          en: 'No persistence at all, but the servers keep sessions in a shared store (e.g. Redis): any server can serve any user.',
          'zh-CN': '完全不用持久化，但服务器把会话保存在共享存储中（例如 Redis）：任何服务器都能服务任何用户。',
        },
      },
      {
        kind: 'question',
        text: { en: 'Predict: how many broken sessions after 5 minutes?', 'zh-CN': '预测：5 分钟后有多少次会话中断？' },
        probe: { kind: 'metric', name: 'brokenSessions', atMs: 300_000 },
        choices: [
          { label: { en: 'none', 'zh-CN': '0 次' }, value: [0, 0] },
          { label: { en: 'some', 'zh-CN': '有一些' }, value: [1, 1e9] },
        ],
        explain: {
          en: 'Nothing breaks, no template is kept, and rr keeps its perfect balance. Persistence is the answer when sessions cannot be shared. Try the Compare view to see all of them side by side.',
          'zh-CN':
            '什么都不会中断，不保留任何模板，rr 也保持完美均衡。只有在会话无法共享时，持久化才是答案。可以在“对比”视图中把它们放在一起看。',
        },
      },
      { kind: 'play', until: 300, speed: 60, text: { en: 'Reveal.', 'zh-CN': '揭晓。' } },
    ],
  },
]

/** Is `choice` the right one for the engine's `answer`? */
export function isRight(choice: Choice, answer: string | number | boolean | null): boolean {
  const v = choice.value
  if (Array.isArray(v)) return typeof answer === 'number' && answer >= v[0] && answer <= v[1]
  if (typeof v === 'boolean') return answer === v
  return String(answer) === v
}
