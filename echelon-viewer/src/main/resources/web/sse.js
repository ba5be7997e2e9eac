// The SSE client itself, without DOM: EventSource on /events with exponential-backoff reconnects
// and Last-Event-ID resume. It runs in the intake Worker (so parsing 2 MB chunks never blocks
// rendering) or, where Workers are unavailable, on the page.

const MIN_DELAY_MS = 1000;
const MAX_DELAY_MS = 10000;

/**
 * @typedef {{kind: 'status', status: 'connecting'|'connected'|'disconnected', detail?: string}
 *         | {kind: 'event', type: string, data: any, bytes: number, id: string}} StreamMessage
 */

export class SseClient {
  /**
   * @param {string} url
   * @param {(m: StreamMessage) => void} post
   */
  constructor(url, post) {
    this.url = url;
    this.post = post;
    this.delay = MIN_DELAY_MS;
    /** @type {?EventSource} */
    this.source = null;
    this.timer = 0;
    this.closed = false;
    /** the last event id seen, sent back on reconnect so that nothing is missed */
    this.lastEventId = '';
    this.connect();
  }

  connect() {
    if (this.closed) return;
    this.post({ kind: 'status', status: 'connecting' });
    const sep = this.url.includes('?') ? '&' : '?';
    const resume = this.lastEventId ? `${this.url}${sep}last_event_id=${encodeURIComponent(this.lastEventId)}` : this.url;
    const es = new EventSource(resume);
    this.source = es;
    es.onopen = () => {
      this.delay = MIN_DELAY_MS; // reset on success
      this.post({ kind: 'status', status: 'connected' });
    };
    es.onerror = () => {
      es.close();
      if (this.source !== es || this.closed) return;
      this.source = null;
      const wait = this.delay;
      this.delay = Math.min(MAX_DELAY_MS, this.delay * 2);
      this.post({ kind: 'status', status: 'disconnected', detail: `retrying in ${Math.round(wait / 1000)} s` });
      this.timer = setTimeout(() => this.connect(), wait);
    };
    for (const type of ['replay_start', 'replay_chunk', 'replay_end', 'resync']) {
      es.addEventListener(type, (e) => this.forward(type, /** @type {MessageEvent} */ (e)));
    }
  }

  /** @param {string} type @param {MessageEvent} e */
  forward(type, e) {
    if (e.lastEventId) this.lastEventId = e.lastEventId;
    let data;
    try {
      data = JSON.parse(e.data);
    } catch (err) {
      console.warn('echelon: ignoring an event that is not JSON', err);
      return;
    }
    this.post({ kind: 'event', type, data, bytes: e.data.length, id: e.lastEventId });
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.source) this.source.close();
    this.source = null;
  }
}
