/** Dollar amounts are kept to a millionth of a cent so repeated additions do not drift. */
export function round(usd: number): number {
  return Math.round(usd * 1e8) / 1e8;
}
