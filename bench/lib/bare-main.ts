// Baseline for the signup benchmark, run as its own process: a bare fastify app whose
// POST /api/subscribe parses the JSON body and answers 202, nothing else.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.post('/api/subscribe', async (_req, reply) => reply.code(202).send({ status: 'accepted' }));
const url = await app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' });
console.log(JSON.stringify({ event: 'api.listening', url }));
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
