import type { CommandResult } from './shell'

/** OpenSSH 9.2p1's usage (Debian 12's `ssh` with no destination, or an option it cannot read). */
const USAGE =
  'usage: ssh [-46AaCfGgKkMNnqsTtVvXxYy] [-B bind_interface]\n' +
  '           [-b bind_address] [-c cipher_spec] [-D [bind_address:]port]\n' +
  '           [-E log_file] [-e escape_char] [-F configfile] [-I pkcs11]\n' +
  '           [-i identity_file] [-J [user@]host[:port]] [-L address]\n' +
  '           [-l login_name] [-m mac_spec] [-O ctl_cmd] [-o option] [-p port]\n' +
  '           [-Q query_option] [-R address] [-S ctl_path] [-W host:port]\n' +
  '           [-w local_tun[:remote_tun]] destination [command [argument ...]]\n'

/** A host `ssh` can reach: the other director of a pair (or this one), by name or address. */
export interface SshHost {
  /** Its address on eth0, as ssh's "connect to host" message names it. */
  addr: string
  /** Lost power: nothing answers (ARP for it fails). */
  down: boolean
  /** Run one command line in its shell. */
  run(line: string): CommandResult
}

const fail = (stderr: string): CommandResult => ({ stdout: '', stderr, exit: 255 })

/**
 * `ssh [USER@]HOST COMMAND …` between the lab's directors (root's keys already exchanged, as on a
 * real pair): the words joined by spaces run in HOST's shell, its output and exit status are
 * ssh's. `resolve` names the hosts there are (the names `director` and `backup`, their
 * addresses) — null for any other, which OpenSSH cannot resolve. Messages are Debian 12's
 * OpenSSH 9.2p1's; the lab's own where a real ssh would open an interactive session or take an
 * option the lab does not model.
 */
export function sshProgram(args: readonly string[], resolve: (host: string) => SshHost | null): CommandResult {
  if (args.length === 0) return fail(USAGE)
  const [dest, ...command] = args
  if (dest.startsWith('-')) return fail(`ssh: the lab's ssh takes no options ('${dest}'): ssh HOST COMMAND\n`)
  const host = dest.includes('@') ? dest.slice(dest.indexOf('@') + 1) : dest
  const h = resolve(host)
  if (!h) {
    // an address: a real server's or a client's, whose shells the lab does not model
    if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.includes(':'))
      return fail(`ssh: the lab has a shell on its directors only, not on ${host}\n`)
    // a name not in /etc/hosts
    return fail(`ssh: Could not resolve hostname ${host}: Name or service not known\n`)
  }
  if (h.down) return fail(`ssh: connect to host ${h.addr} port 22: No route to host\n`)
  if (command.length === 0)
    return fail(`ssh: the lab's console runs one command on ${host}, not a login shell: ssh ${dest} COMMAND\n`)
  return h.run(command.join(' '))
}
