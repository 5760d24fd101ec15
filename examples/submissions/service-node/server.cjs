// A small inference service: a fixed linear classifier over 4 features.
// POST /predict {"features": [..4 numbers..]} -> {"label": k}
// POST /predict/batch {"batch": [[..], ..]} -> {"labels": [..]}
const http = require('node:http');

const WEIGHTS = [
  [0.2, -0.5, 1.1, 0.3],
  [-0.7, 0.9, 0.1, -0.2],
  [0.4, 0.3, -0.8, 0.6],
];

function predict(features) {
  let best = 0;
  let bestScore = -Infinity;
  WEIGHTS.forEach((row, label) => {
    const score = row.reduce((sum, w, i) => sum + w * (features[i] ?? 0), 0);
    if (score > bestScore) [best, bestScore] = [label, score];
  });
  return best;
}

function reply(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

http
  .createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') return reply(res, 200, { ok: true });
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      try {
        const input = JSON.parse(body || '{}');
        if (req.url === '/predict') return reply(res, 200, { label: predict(input.features) });
        if (req.url === '/predict/batch') return reply(res, 200, { labels: input.batch.map(predict) });
        reply(res, 404, { error: 'not found' });
      } catch (error) {
        reply(res, 400, { error: String(error) });
      }
    });
  })
  .listen(Number(process.env.PORT ?? 8080), '127.0.0.1');
