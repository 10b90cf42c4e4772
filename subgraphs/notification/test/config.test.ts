import { parseNotificationConfig } from '../src/config';

describe('parseNotificationConfig', () => {
  it('has defaults that run the embedded default', () => {
    const c = parseNotificationConfig({});
    expect(c).toMatchObject({ PORT: 4005, NOTIFICATION_GROUP_WINDOW_HOURS: 12, NOTIFICATION_RETENTION_DAYS: 90, CONSUMER_CONCURRENCY: 16 });
    expect(c.MONGODB_URI).toBeUndefined();
  });

  it('lists every bad setting at once', () => {
    expect(() =>
      parseNotificationConfig({ MONGODB_URI: 'http://x', NOTIFICATION_GROUP_WINDOW_HOURS: '0', CONSUMER_CONCURRENCY: 'many' }),
    ).toThrow(/MONGODB_URI[\s\S]*NOTIFICATION_GROUP_WINDOW_HOURS[\s\S]*CONSUMER_CONCURRENCY/);
  });
});
