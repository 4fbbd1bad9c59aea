/**
 * 65519 → "65,519": digits grouped by three, the same in English and Chinese. Not
 * toLocaleString(): its first call loads the ICU number data, a 30 ms stall on the page's thread.
 */
export function groupDigits(n: number): string {
  const text = String(Math.round(n))
  return text.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}
