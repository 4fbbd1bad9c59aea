// TODO(eng layers): the old path of ipvsadm's parser, kept only for src/engine/scenario/compare.ts,
// which this refactoring may not edit. Once compare.ts imports '../userland/ipvsadm/parse', delete
// this file and the src/engine/cli/ folder.
export { parseIpvsadm } from '../../userland/ipvsadm/parse'
