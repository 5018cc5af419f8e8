// The floor for bench/listen.js: only the work `listen` must do for a plain delivery, inline, with no error
// handling, options or reports. Verify the HMAC, parse the JSON, append a JSON line to the journal before
// answering (one write per turn of the event loop), print a line. `node bench/listen.js --floor` measures it in
// place of the listener, to tell the cost of that work from the cost of the listener's own code.
// Usage: node bench/listen-floor.cjs <journal path> <whsec_ secret>
const { createHmac, timingSafeEqual } = require('node:crypto');
const { openSync, writeSync } = require('node:fs');
const { createServer } = require('node:http');

const key = Buffer.from(process.argv[3].replace(/^whsec_/, ''), 'base64');
const journal = openSync(process.argv[2], 'a');
let lines = [];
let output = '';
let answers = [];

function flush() {
  writeSync(journal, `${lines.join('\n')}\n`);
  const pending = answers;
  lines = [];
  answers = [];
  for (const answer of pending) answer();
  writeSync(1, output);
  output = '';
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const h = req.headers;
    const expected = createHmac('sha256', key).update(`${h['svix-id']}.${h['svix-timestamp']}.`).update(body).digest('base64');
    const given = Buffer.from(String(h['svix-signature']).split(' ')[0].slice(3));
    const ok = given.length === expected.length && timingSafeEqual(given, Buffer.from(expected));
    const text = body.toString('utf8');
    const event = JSON.parse(text);
    const receivedAt = new Date().toISOString();
    lines.push(JSON.stringify({ receivedAt, method: req.method, path: req.url, headers: h, body: text, eventType: event.type, verified: ok, status: ok ? 200 : 401 }));
    if (answers.length === 0) setImmediate(flush);
    answers.push(() => {
      res.writeHead(ok ? 200 : 401, ['content-type', 'text/plain; charset=utf-8', 'content-length', '3']).end('ok\n');
      output += `${receivedAt.slice(11, 19)}  ${req.method} ${req.url}  ${event.type} ${event.id}  ${ok ? 'verified' : 'INVALID'}  → ${ok ? 200 : 401}\n`;
    });
  });
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ type: 'ready', url: `http://127.0.0.1:${server.address().port}` })));
