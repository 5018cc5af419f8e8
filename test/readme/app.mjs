import { createServer } from 'node:http';
import { Webhook } from 'svix';

const webhook = new Webhook(process.env.SCANDOCS_WEBHOOK_SECRET ?? 'whsec_c2NhbmRvY3MtbG9jYWwtdGVzdC1rZXkh');
const handled = new Set(); // the svix-ids already processed: your database in production

const server = createServer(async (req, res) => {
  if (req.method !== 'POST' || req.url !== '/webhooks') return res.writeHead(404).end();
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const body = Buffer.concat(chunks).toString('utf8'); // decode once, at the end: never chunk by chunk
  try {
    // The raw bytes as received (never re-serialized JSON); checks the signature and the timestamp.
    webhook.verify(body, req.headers);
  } catch {
    return res.writeHead(401).end('invalid signature');
  }
  const event = JSON.parse(body); // svix 2.x's verify() returns nothing: parse the verified body yourself
  if (!handled.has(req.headers['svix-id'])) {
    handled.add(req.headers['svix-id']);
    setImmediate(() => handle(event)); // answer first, work afterwards
  }
  res.writeHead(204).end();
});
server.listen(process.env.PORT ?? 3000, () => console.log(`listening on http://localhost:${server.address().port}/webhooks`));

function handle(event) {
  switch (event.type) {
    case 'task.completed': /* … */ break;
    default: break; // a type you do not know yet: ignore it, never fail on it
  }
}
