/**
 * RFC 3339 §5.6 `full-date` and `date-time`, written from the RFC's grammar as an oracle apart
 * from the connector's own checks (src/kit/schema.ts): what a server validating configs with
 * format assertion accepts. Replaces ajv-formats, which only this test used.
 */
const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/** §5.7: February has 29 days in a leap year, the months their usual lengths. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function isFullDate(value: string): boolean {
  const m = FULL_DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function isDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m || !isFullDate(m[1]!)) return false;
  const [hour, minute, second] = [Number(m[2]), Number(m[3]), Number(m[4])];
  const [offsetHour, offsetMinute] = m[5] ? [Number(m[6]), Number(m[7])] : [0, 0];
  if (hour > 23 || minute > 59 || second > 60 || offsetHour > 23 || offsetMinute > 59) return false;
  if (second < 60) return true;
  // A leap second is 23:59:60 in UTC, whatever the local offset says.
  const sign = m[5] === '-' ? 1 : -1;
  const utcMinutes = (((hour * 60 + minute + sign * (offsetHour * 60 + offsetMinute)) % 1440) + 1440) % 1440;
  return utcMinutes === 23 * 60 + 59;
}
