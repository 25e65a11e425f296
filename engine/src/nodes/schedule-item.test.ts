import { describe, expect, it } from 'vitest';
import { scheduleItem } from './schedule-item.ts';

/** n8n's Schedule Trigger item (ScheduleTrigger.node: moment.tz(timezone) formatted). */
describe('Schedule Trigger item', () => {
  it('is the moment in the workflow time zone, as n8n formats it', () => {
    expect(scheduleItem(Date.parse('2026-12-03T11:08:23.191Z'), 'Europe/Berlin')).toEqual({
      timestamp: '2026-12-03T12:08:23.191+01:00',
      'Readable date': 'December 3rd 2026, 12:08:23 pm',
      'Readable time': '12:08:23 pm',
      'Day of week': 'Thursday',
      Year: '2026',
      Month: 'December',
      'Day of month': '03',
      Hour: '12',
      Minute: '08',
      Second: '23',
      Timezone: 'Europe/Berlin (UTC+01:00)',
    });
  });

  it('writes midnight as 12 am, ordinals as moment does, and offsets west of UTC', () => {
    const item = scheduleItem(Date.parse('2026-07-12T04:05:06.007Z'), 'America/New_York');
    expect(item.timestamp).toBe('2026-07-12T00:05:06.007-04:00');
    expect(item['Readable date']).toBe('July 12th 2026, 12:05:06 am');
    expect(item.Timezone).toBe('America/New_York (UTC-04:00)');
    expect(scheduleItem(Date.parse('2026-01-22T00:00:00Z'), 'UTC')['Readable date']).toBe(
      'January 22nd 2026, 12:00:00 am',
    );
  });
});
