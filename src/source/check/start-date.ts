/** Pure: the problem with a start_date after now (a mistyped year syncs nothing), or undefined. */
export function futureStartDate(startMs: number, nowMs: number): string | undefined {
  if (startMs <= nowMs) return undefined;
  return (
    `config.start_date ${new Date(startMs).toISOString()} is after now (${new Date(nowMs).toISOString()}): ` +
    'no instance has been created since, so a sync would read nothing. Set a start_date in the past (YYYY-MM-DD).'
  );
}
