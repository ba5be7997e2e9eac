// Worker: the live stream's intake. EventSource and JSON.parse run here; the page gets parsed events.
import { SseClient } from './sse.js';

/** @type {?SseClient} */
let client = null;
self.onmessage = (e) => {
  if (e.data.open && !client) client = new SseClient(e.data.open, (m) => self.postMessage(m));
  if (e.data.close && client) { client.close(); client = null; }
};
