/** Simulated time in integer milliseconds since the scenario started. The engine never reads a clock. */
export type SimMs = number & { readonly __brand: 'SimMs' }

export const simMs = (ms: number): SimMs => Math.round(ms) as SimMs
export const secondsToSimMs = (seconds: number): SimMs => Math.round(seconds * 1000) as SimMs
export const MS_PER_SECOND = 1000
