// Prometheus metrics (prom-client) shared by every door: members by door, messages, bytes, uploads, errors.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { Chat } from './core/chat/chat.js';

/** The server's metrics; doors increment the counters, /metrics renders the registry. */
export class Metrics {
  readonly registry = new Registry();
  readonly messages: Counter<'door'>;
  readonly bytesIn: Counter<'door'>;
  readonly bytesOut: Counter<'door'>;
  readonly uploads: Counter<'door'>;
  readonly errors: Counter<'door' | 'code'>;

  constructor(chat: Chat) {
    // prom-client's own names already say what they are (process_cpu_user_seconds_total,
    // nodejs_eventloop_lag_seconds): one prefix in front, not a second "process_".
    collectDefaultMetrics({ register: this.registry, prefix: 'netroom_' });
    const registers = [this.registry];
    new Gauge({
      name: 'netroom_members',
      help: 'Members connected, by door',
      labelNames: ['door'],
      registers,
      collect() {
        this.reset();
        for (const member of chat.online()) this.inc({ door: member.door });
      },
    });
    this.messages = new Counter({ name: 'netroom_messages_total', help: 'Chat messages said, by door', labelNames: ['door'], registers });
    this.bytesIn = new Counter({ name: 'netroom_bytes_in_total', help: 'File bytes received, by door', labelNames: ['door'], registers });
    this.bytesOut = new Counter({ name: 'netroom_bytes_out_total', help: 'File bytes sent, by door', labelNames: ['door'], registers });
    this.uploads = new Counter({ name: 'netroom_uploads_total', help: 'Completed uploads, by door', labelNames: ['door'], registers });
    this.errors = new Counter({ name: 'netroom_errors_total', help: 'Errors answered, by door and code', labelNames: ['door', 'code'], registers });
  }
}
