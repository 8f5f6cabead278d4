/** The ISO 8601 basic form AWS signatures carry their time in (`20130524T000000Z`). */

/** `YYYYMMDDTHHMMSSZ` as milliseconds since the epoch; NaN for anything else. */
export function amzDateToMillis(amzDate: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amzDate);
  if (!m) return NaN;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}
