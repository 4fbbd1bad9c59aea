import type { CommentMatch } from '../../../netfilter/rule'
import { perr } from '../errors'
import type { OptDef } from '../getopt'
import { putString, saveString } from '../xtables'

/**
 * The comment match, iptables' side: extensions/libxt_comment.c (1.8.9) — comment_opts
 * (XTTYPE_STRING, XTOPT_MAND | XTOPT_PUT into char[XT_MAX_COMMENT_LEN = 256], so a longer
 * comment is cut to 255 bytes), its help, comment_print() `/* … *\/` and comment_save()
 * through xtables_save_string(). The packet-time side: netfilter/xt_comment.ts.
 */

export const COMMENT_OPTIONS: OptDef[] = [{ name: 'comment', arg: 'required', val: 'comment:comment' }]

export const COMMENT_HELP = 'comment match options:\n--comment COMMENT             Attach a comment to a rule\n'

/** xtables_option_parse() for --comment: once, never inverted. */
export function parseComment(current: string | null, arg: string, invert: boolean): string {
  if (current !== null) throw perr('comment: option "--comment" can only be used once.\n')
  if (invert) throw perr('comment: option "--comment" cannot be inverted.\n')
  return putString(arg, 256)
}

/** The x6 final check: XTOPT_MAND. */
export function checkComment(current: string | null): void {
  if (current === null) throw perr('comment: option "--comment" must be specified\n')
}

/** comment_print(). */
export const printComment = (m: CommentMatch): string => ` /* ${m.comment} */`

/** comment_save(). */
export const saveComment = (m: CommentMatch): string => ` -m comment --comment${saveString(m.comment)}`
