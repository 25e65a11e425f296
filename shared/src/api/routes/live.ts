import { defineRoute } from '../contract.ts';
import { forbidden, tooMany } from './responses.ts';

export const openLiveFeed = defineRoute({
  operationId: 'openLiveFeed',
  method: 'get',
  path: '/api/live',
  tag: 'live',
  summary: 'The live feed: who is in each workflow, and runs as they change (Server-Sent Events)',
  description:
    "A `text/event-stream` that stays open. First the snapshot — a `presence` event for each readable workflow someone has open, one `executions` event with the queued and running runs — then `ready`, then changes as they happen: `presence` `{ workflowId, users: [{ id, name }] }` (the whole list) and `executions` `{ executions: [...], deleted: [ids], overflow }` (each run's newest state; `overflow`: more changed than one event carries, read the list again). Only what the caller may read is sent; the stream closes when the account, session or token stops working, and a reader too far behind is closed (reconnect for a fresh snapshot). Shapes: shared/src/protocol/live-feed.ts.",
  auth: 'user',
  responses: {
    200: { description: 'The event stream', media: 'text/event-stream' },
    403: forbidden('a cookie-authenticated request from another origin'),
    429: tooMany('this account has too many feeds open'),
  },
});
