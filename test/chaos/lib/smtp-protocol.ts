// Messages between the suite and its SMTP child (smtp-main.ts).
export interface Faults {
  /** Share of messages answered 421 at the end of DATA (0.2 = one in five). */
  tempfail?: number;
  /** Share of messages whose connection is cut while the body is arriving. */
  dropMidData?: number;
  /** Delay before the reply to every message. */
  slowMs?: number;
  /** Share of messages accepted (recorded) whose connection is then cut before the 250 reaches the client. */
  dropAfterAccept?: number;
}

export interface Received {
  to: string[];
  messageId: string;
  kind: 'digest' | 'confirm' | 'welcome';
  at: number;
  /** How many Subject / To header fields the message had (header injection adds more). */
  headerCount: { subject: number; to: number };
}

export interface SmtpCounters {
  tempfailed: number;
  dropped: number;
  droppedAfterAccept: number;
  refusedWindows: number;
  connections: number;
}

export type SmtpCommand =
  | { type: 'faults'; id: number; faults: Faults }
  | { type: 'refuse'; id: number; ms: number }
  | { type: 'keep-raw'; id: number; pattern: string | null }
  | { type: 'received'; id: number; from?: number }
  | { type: 'raw'; id: number };

export type SmtpReply =
  | { type: 'ready' | 'ok'; id: number }
  | { type: 'received'; id: number; received: Received[]; counters: SmtpCounters }
  | { type: 'raw'; id: number; raw: Record<string, string[]> };
