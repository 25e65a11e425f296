// Every built-in template file, imported so esbuild carries them in the server bundle and the binary.
import cleanCrmExport from './builtin/clean-crm-export.json' with { type: 'json' };
import dailyReport from './builtin/daily-report.json' with { type: 'json' };
import echoApi from './builtin/echo-api.json' with { type: 'json' };
import enrichContacts from './builtin/enrich-contacts.json' with { type: 'json' };
import eventRouter from './builtin/event-router.json' with { type: 'json' };
import feedDigest from './builtin/feed-digest.json' with { type: 'json' };
import formSignups from './builtin/form-signups.json' with { type: 'json' };
import learnItems from './builtin/learn-items.json' with { type: 'json' };
import newItemsDigest from './builtin/new-items-digest.json' with { type: 'json' };
import normalizeContact from './builtin/normalize-contact.json' with { type: 'json' };
import priceWatcher from './builtin/price-watcher.json' with { type: 'json' };
import rateLimitedCalls from './builtin/rate-limited-calls.json' with { type: 'json' };
import requestFailureAlert from './builtin/request-failure-alert.json' with { type: 'json' };
import syncTwoApis from './builtin/sync-two-apis.json' with { type: 'json' };
import uptimeCheck from './builtin/uptime-check.json' with { type: 'json' };
import webhookSecret from './builtin/webhook-secret.json' with { type: 'json' };

export const builtinFiles: readonly unknown[] = [
  cleanCrmExport,
  dailyReport,
  echoApi,
  enrichContacts,
  eventRouter,
  feedDigest,
  formSignups,
  learnItems,
  newItemsDigest,
  normalizeContact,
  priceWatcher,
  rateLimitedCalls,
  requestFailureAlert,
  syncTwoApis,
  uptimeCheck,
  webhookSecret,
];
