/**
 * The emulator's admin API (`/_emulator/...`, loopback, HTTPS with the emulator's CA) for suites the
 * runners started an emulator for (SYNAPSE_EMULATOR_URL, SYNAPSE_EMULATOR_CA): faults, settings.
 */
import * as fs from 'fs';
import * as https from 'https';

export function emulatorAdmin(method: string, p: string, body?: unknown): Promise<any> {
  const url = process.env.SYNAPSE_EMULATOR_URL;
  const ca = process.env.SYNAPSE_EMULATOR_CA;
  if (!url || !ca) return Promise.reject(new Error('SYNAPSE_EMULATOR_URL / SYNAPSE_EMULATOR_CA are not set: run through the test runners'));
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${url}${p}`,
      { method, ca: fs.readFileSync(ca, 'utf8'), headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () =>
          (res.statusCode ?? 500) >= 400
            ? reject(new Error(`${method} ${p}: ${res.statusCode} ${text}`))
            : resolve(text ? JSON.parse(text) : undefined),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
