/** Written at build time by scripts/golden-assets.ts: the recordings "Check against Linux" offers. */
declare module 'virtual:golden' {
  /** Names of the recordings under `golden/recordings/` (and their scenarios under `golden/scenarios/`), sorted. */
  export const GOLDEN_NAMES: readonly string[]
}
