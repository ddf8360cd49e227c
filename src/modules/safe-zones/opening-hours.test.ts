import { canonicalTimeZone, formatHoursText, isOpenAt, localTime, parseHoursText, weeklyHoursProblem } from './opening-hours';

const nineToFive = [{ opens: '09:00', closes: '17:00' }];

describe('parseHoursText', () => {
  it('reads day ranges, single days and several intervals', () => {
    expect(parseHoursText('Mon-Fri 09:00-17:00; Sat 10:00-12:00,13:00-16:00')).toEqual({
      ok: true,
      hours: {
        mon: nineToFive,
        tue: nineToFive,
        wed: nineToFive,
        thu: nineToFive,
        fri: nineToFive,
        sat: [
          { opens: '10:00', closes: '12:00' },
          { opens: '13:00', closes: '16:00' },
        ],
      },
    });
  });

  it('accepts any case, day lists, "closed", a range over the weekend and closing at midnight', () => {
    expect(parseHoursText('fri-mon 18:00-24:00; wed,THU 08:30-09:00; Tue closed')).toEqual({
      ok: true,
      hours: {
        fri: [{ opens: '18:00', closes: '24:00' }],
        sat: [{ opens: '18:00', closes: '24:00' }],
        sun: [{ opens: '18:00', closes: '24:00' }],
        mon: [{ opens: '18:00', closes: '24:00' }],
        wed: [{ opens: '08:30', closes: '09:00' }],
        thu: [{ opens: '08:30', closes: '09:00' }],
      },
    });
  });

  it('reads 24/7 as every day all day, and empty text as unknown hours', () => {
    const result = parseHoursText(' 24/7 ');
    expect(result.ok && result.hours && Object.keys(result.hours)).toEqual(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']);
    expect(result.ok && result.hours?.sun).toEqual([{ opens: '00:00', closes: '24:00' }]);
    expect(parseHoursText('   ')).toEqual({ ok: true, hours: null });
  });

  it.each([
    ['Mon-Fry 09:00-17:00', /"Mon-Fry" is not a day/],
    ['Monday 09:00-17:00', /"Monday" is not a day/],
    ['Mon 9:00-17:00', /is not HH:MM-HH:MM/],
    ['Mon 09:00', /is not HH:MM-HH:MM/],
    ['Mon', /is not "<days> <HH:MM-HH:MM>"/],
    ['Mon 17:00-09:00', /closes before it opens/],
    ['Mon 09:00-25:00', /HH:MM/],
    ['Mon 24:00-24:00', /HH:MM/],
    ['Mon 09:00-13:00,12:00-17:00', /overlap/],
    ['Mon-Fri 09:00-17:00; Fri 16:00-18:00', /Fri: intervals overlap/],
  ])('refuses %s', (text, message) => {
    const result = parseHoursText(text);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.message).toMatch(message);
  });

  it('formats a week back to the same text form', () => {
    const text = 'Mon-Fri 09:00-17:00; Sat 10:00-12:00,13:00-16:00';
    const parsed = parseHoursText(text);
    expect(parsed.ok && formatHoursText(parsed.hours)).toBe(text);
    expect(formatHoursText(null)).toBe('');
  });
});

describe('weeklyHoursProblem', () => {
  it('accepts touching intervals and refuses out-of-order or malformed ones', () => {
    expect(
      weeklyHoursProblem({
        mon: [
          { opens: '13:00', closes: '17:00' },
          { opens: '09:00', closes: '13:00' },
        ],
      }),
    ).toBeNull();
    expect(weeklyHoursProblem({ tue: [{ opens: '09:00', closes: '09:00' }] })).toMatch(/Tue 09:00-09:00: closes before it opens/);
    expect(weeklyHoursProblem({ wed: [{ opens: '9', closes: '17:00' }] })).toMatch(/HH:MM/);
  });
});

describe('isOpenAt', () => {
  const week = { mon: nineToFive, sat: [{ opens: '22:00', closes: '24:00' }] };

  it('judges the time in the zone’s own time zone, closing time excluded', () => {
    // Monday 2026-12-07 14:00 UTC is 09:00 in Toronto (EST, UTC−5) and 06:00 in Vancouver.
    const at = new Date('2026-12-07T14:00:00Z');
    expect(isOpenAt(week, 'America/Toronto', at)).toBe(true);
    expect(isOpenAt(week, 'America/Vancouver', at)).toBe(false);
    expect(isOpenAt(week, 'America/Toronto', new Date('2026-12-07T22:00:00Z'))).toBe(false); // 17:00 sharp
    expect(isOpenAt(week, 'America/Toronto', new Date('2026-12-07T21:59:00Z'))).toBe(true);
  });

  it('uses the local weekday, not the UTC one, and follows daylight saving time', () => {
    // Sunday 2026-12-06 04:30 UTC is Saturday 23:30 in Toronto.
    expect(isOpenAt(week, 'America/Toronto', new Date('2026-12-06T04:30:00Z'))).toBe(true);
    // Monday 2026-07-06 13:00 UTC is 09:00 in Toronto in summer (EDT, UTC−4).
    expect(isOpenAt(week, 'America/Toronto', new Date('2026-07-06T13:00:00Z'))).toBe(true);
    expect(localTime(new Date('2026-07-06T13:00:00Z'), 'America/Toronto')).toEqual({ day: 'mon', time: '09:00' });
  });

  it('is null when hours are unknown and false on a day not listed', () => {
    expect(isOpenAt(null, 'America/Toronto', new Date())).toBeNull();
    expect(isOpenAt(week, 'America/Toronto', new Date('2026-12-08T15:00:00Z'))).toBe(false);
  });
});

describe('canonicalTimeZone', () => {
  it('canonicalizes IANA names and refuses unknown ones', () => {
    expect(canonicalTimeZone('America/Toronto')).toBe('America/Toronto');
    expect(canonicalTimeZone('america/montreal')).toMatch(/^America\/(Montreal|Toronto)$/);
    expect(canonicalTimeZone('Mars/Olympus')).toBeNull();
    expect(canonicalTimeZone('')).toBeNull();
  });
});
