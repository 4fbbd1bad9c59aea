/**
 * The comment match at packet time: net/netfilter/xt_comment.c comment_mt() returns true — the
 * comment only travels with the rule (struct xt_comment_info, XT_MAX_COMMENT_LEN 256 with the
 * NUL). Its command line and listings: userland/iptables/extensions/libxt_comment.ts.
 */

export interface CommentMatch {
  name: 'comment'
  /** At most 255 bytes: iptables cuts a longer one (xtopt_parse_string(), `z >= entry->size`). */
  comment: string
}

/** comment_mt(): every packet. */
export const commentMatches = (_m: CommentMatch): boolean => true
