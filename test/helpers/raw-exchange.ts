import { connect } from 'node:net';

/**
 * Writes raw bytes on one connection and collects what comes back (as latin1) until it closes, `done` says so,
 * or 10 s pass: for requests no HTTP client would send (pipelined, malformed, absolute-form, CONNECT).
 */
export function rawExchange(port: number, bytes: string | Buffer, done: (received: string) => boolean = () => false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => (socket.destroy(), resolve(received)), 10_000);
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (done(received)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(received);
      }
    });
    socket.on('error', (error) => (clearTimeout(timer), reject(error)));
    socket.on('close', () => (clearTimeout(timer), resolve(received)));
    socket.write(bytes);
  });
}
