/**
 * The student's service runs in its own network namespace, unreachable from the grader's loopback.
 * This tiny forwarder runs beside it inside the sandbox: it accepts connections on a Unix socket in
 * the shared exchange directory (path sockets cross network namespaces) and pipes each one to the
 * service's TCP port. It is written into the exchange directory and run with the sandbox's node.
 */

/** File name of the forwarder script inside the exchange directory. */
export const FORWARDER_FILE = 'forward.cjs';
/** File name of the socket the load generator connects to. */
export const FORWARDER_SOCKET = 'service.sock';

/** CommonJS source: `node forward.cjs <socket path> <port>`. */
export const FORWARDER_SOURCE = `'use strict';
const net = require('node:net');
const [socketPath, port] = process.argv.slice(2);
net.createServer((client) => {
  const upstream = net.connect({ host: '127.0.0.1', port: Number(port) });
  upstream.setNoDelay(true);
  client.pipe(upstream).pipe(client);
  const close = () => { client.destroy(); upstream.destroy(); };
  client.on('error', close);
  upstream.on('error', close);
}).listen(socketPath);
`;
