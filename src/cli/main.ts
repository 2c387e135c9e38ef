// `digest <command>`: the one CLI. Loads the config (a bad value stops here,
// naming the variable), builds the context, runs the command, exits with its code.
import { ConfigError, loadConfig } from '../config.js';
import { createContext, type AppContext } from '../context.js';
import { editionPreviewCommand } from './edition-preview.js';
import { editionSendCommand } from './edition-send.js';
import { editionListCommand, editionReportCommand } from './editions-report.js';
import { ingestCommand, sourcesCheckCommand } from './ingest.js';
import { whenConnected } from '../redis-tls.js';
import { runProcesses, type ProcessName } from './processes.js';
import { queuesCommand } from './queues.js';
import { sourcesTryCommand } from './sources-try.js';
import { stdio, type Output } from './output.js';
import { subscribersCommand } from './subscribers.js';

const HELP = `usage: digest <command>

processes:
  api | worker | scheduler       run one process
  all                            run api, worker and scheduler together

subscribers:
  subscribers import FILE.csv [--confirmed]
  subscribers export             CSV to stdout
  subscribers forget EMAIL       delete a person, keep a hashed suppression entry

stories:
  ingest [--wait]                gather stories from every source now
  sources check                  fetch each source once and print its health
  sources try URL [URL…] [--topic ID] [--allow-private] [--now ISO] [--json]
                                 read feeds through the ingest path, store nothing;
                                 several are clustered as ingest would cluster them

editions:
  edition preview [--out FILE] [--png DIR]   render the current edition to HTML (and PNG)
  edition send --now [--wait]    build an edition now and send it to every confirmed subscriber
  edition list [--days N]        recent editions with their status and counts
  edition report ID              one edition's funnel

operations:
  queues [retry-failed [QUEUE]]  counts per queue and state; retry failed jobs
`;

type Command = (ctx: AppContext, args: string[], out: Output) => Promise<number>;

/** `digest <group> <sub> …` → the sub-command's handler. */
function group(name: string, subs: Record<string, Command>): Command {
  return async (ctx, args, out) => {
    const [sub, ...rest] = args;
    const handler = sub ? subs[sub] : undefined;
    return handler ? handler(ctx, rest, out) : out.usage(`digest ${name} ${Object.keys(subs).join('|')} …`);
  };
}

const COMMANDS: Record<string, Command> = {
  subscribers: subscribersCommand,
  queues: queuesCommand,
  ingest: ingestCommand,
  // `sources try` runs before any context is built (STANDALONE); listed here for the usage line.
  sources: group('sources', { check: sourcesCheckCommand, try: (_ctx, args, out) => sourcesTryCommand(args, out) }),
  edition: group('edition', {
    preview: editionPreviewCommand,
    send: (ctx, args, out) => editionSendCommand(ctx, args, { out }),
    list: editionListCommand,
    report: editionReportCommand,
  }),
};

/** Commands that need no configuration and no Redis (`digest <group> <sub>`). */
const STANDALONE: Record<string, (args: string[], out: Output) => Promise<number>> = {
  'sources try': sourcesTryCommand,
};

const PROCESSES: Record<string, ProcessName[]> = {
  api: ['api'],
  worker: ['worker'],
  scheduler: ['scheduler'],
  all: ['api', 'worker', 'scheduler'],
};

export async function main(argv: string[], out: Output = stdio): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    out.line(HELP);
    return name ? 0 : 2;
  }
  const standalone = STANDALONE[`${name} ${args[0] ?? ''}`];
  if (standalone) return standalone(args.slice(1), out);
  const command = COMMANDS[name];
  const processes = PROCESSES[name];
  if (!command && !processes) {
    out.err(`unknown command "${name}"\n`);
    out.err(HELP);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      out.err(`configuration error: ${err.message}`);
      return 78; // EX_CONFIG
    }
    throw err;
  }
  if (processes) return runProcesses(config, processes);
  const ctx = createContext(config, { name: `cli-${name}` });
  try {
    await whenConnected(ctx.redis);
    return await command!(ctx, args, out);
  } catch (err) {
    out.err(`digest ${name}: ${(err as Error).message}`);
    return 1;
  } finally {
    await ctx.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
if (!['api', 'worker', 'scheduler', 'all'].includes(process.argv[2] ?? '')) {
  // One-shot commands: do not wait for idle sockets (pools, timers) to drain.
  setTimeout(() => process.exit(), 50).unref();
}
