// The live event stream as the page sees it: intake (EventSource + JSON.parse) runs in a Worker
// so rendering can never starve it; handlers get parsed events on the main thread.
import { SseClient } from './sse.js';

/**
 * @typedef {{onStatus: (s: 'connecting'|'connected'|'disconnected', detail?: string) => void,
 *            onStart: (data: any) => void, onChunk: (data: any, bytes: number) => void,
 *            onEnd: (data: any) => void, onResync: (data: any) => void}} StreamHandlers
 */

export class EventStream {
  /**
   * @param {string} url
   * @param {StreamHandlers} handlers
   */
  constructor(url, handlers) {
    this.handlers = handlers;
    this.lastEventId = '';
    /** where parsing happens, for tests and the curious */
    this.intake = 'worker';
    /** @type {?Worker} */
    this.worker = null;
    /** @type {?SseClient} */
    this.inline = null;
    const receive = (/** @type {import('./sse.js').StreamMessage} */ m) => this.receive(m);
    try {
      this.worker = new Worker(new URL('./intake.worker.js', import.meta.url), { type: 'module' });
      this.worker.onmessage = (e) => receive(e.data);
      this.worker.onerror = (e) => { // module workers unsupported: parse on the page instead
        e.preventDefault();
        this.worker.terminate();
        this.worker = null;
        this.startInline(url, receive);
      };
      this.worker.postMessage({ open: new URL(url, location.href).href });
    } catch (err) {
      this.startInline(url, receive);
    }
  }

  /** @param {string} url @param {(m: any) => void} receive */
  startInline(url, receive) {
    if (this.inline) return;
    this.intake = 'page';
    this.inline = new SseClient(url, receive);
  }

  /** @param {import('./sse.js').StreamMessage} m */
  receive(m) {
    if (m.kind === 'status') {
      this.handlers.onStatus(m.status, m.detail);
      return;
    }
    if (m.id) this.lastEventId = m.id;
    const h = this.handlers;
    const handler = { replay_start: h.onStart, replay_chunk: h.onChunk, replay_end: h.onEnd, resync: h.onResync }[m.type];
    try {
      if (handler) handler(m.data, m.bytes);
    } catch (err) {
      console.error('echelon: failed to handle', m.type, err);
    }
  }

  close() {
    if (this.worker) { this.worker.postMessage({ close: true }); this.worker.terminate(); }
    if (this.inline) this.inline.close();
  }
}
