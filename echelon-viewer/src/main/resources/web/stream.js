// The live event stream: EventSource on /events with exponential-backoff reconnects.

/**
 * @typedef {{onStatus: (s: 'connecting'|'connected'|'disconnected', detail?: string) => void,
 *            onStart: (data: any) => void, onChunk: (data: any, bytes: number) => void,
 *            onEnd: (data: any) => void, onResync: (data: any) => void}} StreamHandlers
 */

const MIN_DELAY_MS = 1000;
const MAX_DELAY_MS = 10000;

export class EventStream {
  /**
   * @param {string} url
   * @param {StreamHandlers} handlers
   */
  constructor(url, handlers) {
    this.url = url;
    this.handlers = handlers;
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
    this.handlers.onStatus('connecting');
    const sep = this.url.includes('?') ? '&' : '?';
    const resume = this.lastEventId ? `${this.url}${sep}last_event_id=${encodeURIComponent(this.lastEventId)}` : this.url;
    const es = new EventSource(resume);
    this.source = es;
    es.onopen = () => {
      this.delay = MIN_DELAY_MS; // reset on success
      this.handlers.onStatus('connected');
    };
    es.onerror = () => {
      es.close();
      if (this.source !== es || this.closed) return;
      this.source = null;
      const wait = this.delay;
      this.delay = Math.min(MAX_DELAY_MS, this.delay * 2);
      this.handlers.onStatus('disconnected', `retrying in ${Math.round(wait / 1000)} s`);
      this.timer = setTimeout(() => this.connect(), wait);
    };
    es.addEventListener('replay_start', (e) => this.dispatch(e, this.handlers.onStart));
    es.addEventListener('replay_chunk', (e) => this.dispatch(e, this.handlers.onChunk));
    es.addEventListener('replay_end', (e) => this.dispatch(e, this.handlers.onEnd));
    es.addEventListener('resync', (e) => this.dispatch(e, this.handlers.onResync));
  }

  /**
   * @param {MessageEvent} e
   * @param {(data: any, bytes: number) => void} handler
   */
  dispatch(e, handler) {
    if (e.lastEventId) this.lastEventId = e.lastEventId;
    let data;
    try {
      data = JSON.parse(e.data);
    } catch (err) {
      console.warn('echelon: ignoring an event that is not JSON', err);
      return;
    }
    try {
      handler(data, e.data.length);
    } catch (err) {
      console.error('echelon: failed to handle', e.type, err);
    }
  }

  close() {
    this.closed = true;
    clearTimeout(this.timer);
    if (this.source) this.source.close();
    this.source = null;
  }
}
