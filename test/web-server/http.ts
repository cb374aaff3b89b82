/** Raw HTTP over node:net for the server tests: the request goes out byte for byte, unnormalised. */
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: string;
  body: string;
}

/** Sends `request` as is and reads until the server closes the connection (or 5 s pass). */
export function rawRequest(port: number, request: string | Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5000, () => socket.destroy(new Error(`no answer within 5 s to ${JSON.stringify(request.toString().slice(0, 80))}`)));
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (!m) {
        reject(new Error(`not an HTTP response to ${JSON.stringify(request.toString().slice(0, 80))}: ${JSON.stringify(text.slice(0, 200))}`));
        return;
      }
      resolve({ status: Number(m[1]), headers: split === -1 ? text : text.slice(0, split), body: split === -1 ? '' : text.slice(split + 4) });
    });
    socket.write(request);
  });
}

/** GET `target` verbatim, with Host and Connection: close. */
export function rawGet(port: number, target: string, method = 'GET'): Promise<RawResponse> {
  return rawRequest(port, `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
}
