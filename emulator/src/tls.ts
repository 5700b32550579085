/**
 * The emulator's TLS material: a private CA and a server certificate for 127.0.0.1/localhost signed by it.
 * Generated once per data folder and reused, so a CA path given to the extension (or to NODE_EXTRA_CA_CERTS)
 * stays valid across restarts. Clients trust the CA explicitly; nothing disables verification.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import forge from 'node-forge';

export interface TlsMaterial {
  caPath: string;
  caPem: string;
  certPath: string;
  certPem: string;
  keyPath: string;
  keyPem: string;
}

const CA_FILE = 'ca.pem';
const CA_KEY_FILE = 'ca-key.pem';
const CERT_FILE = 'server-cert.pem';
const KEY_FILE = 'server-key.pem';

/** Returns the CA + server certificate in `dir`, creating them on first use or when the server cert is near expiry. */
export function ensureTlsMaterial(dir: string): TlsMaterial {
  fs.mkdirSync(dir, { recursive: true });
  const p = (f: string) => path.join(dir, f);
  const haveAll = [CA_FILE, CA_KEY_FILE, CERT_FILE, KEY_FILE].every((f) => fs.existsSync(p(f)));
  if (!haveAll || !serverCertStillValid(fs.readFileSync(p(CERT_FILE), 'utf8'))) {
    let ca: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey };
    if (fs.existsSync(p(CA_FILE)) && fs.existsSync(p(CA_KEY_FILE))) {
      // Keep an existing CA so clients that already trust it keep working.
      ca = {
        cert: forge.pki.certificateFromPem(fs.readFileSync(p(CA_FILE), 'utf8')),
        key: forge.pki.privateKeyFromPem(fs.readFileSync(p(CA_KEY_FILE), 'utf8')) as forge.pki.rsa.PrivateKey,
      };
    } else {
      ca = createCa();
      writePrivate(p(CA_KEY_FILE), forge.pki.privateKeyToPem(ca.key));
      fs.writeFileSync(p(CA_FILE), forge.pki.certificateToPem(ca.cert));
    }
    const server = createServerCert(ca);
    writePrivate(p(KEY_FILE), forge.pki.privateKeyToPem(server.key));
    fs.writeFileSync(p(CERT_FILE), forge.pki.certificateToPem(server.cert));
  }
  return {
    caPath: p(CA_FILE),
    caPem: fs.readFileSync(p(CA_FILE), 'utf8'),
    certPath: p(CERT_FILE),
    certPem: fs.readFileSync(p(CERT_FILE), 'utf8'),
    keyPath: p(KEY_FILE),
    keyPem: fs.readFileSync(p(KEY_FILE), 'utf8'),
  };
}

function writePrivate(file: string, content: string): void {
  fs.writeFileSync(file, content, { mode: 0o600 });
}

function serverCertStillValid(pem: string): boolean {
  try {
    const cert = forge.pki.certificateFromPem(pem);
    return cert.validity.notAfter.getTime() - Date.now() > 7 * 24 * 3600 * 1000;
  } catch {
    return false;
  }
}

function randomSerial(): string {
  // Positive serial: leading nibble below 8 keeps the DER integer non-negative.
  return '0' + forge.util.bytesToHex(forge.random.getBytesSync(15));
}

function createCa(): { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey } {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 10 * 365 * 24 * 3600 * 1000);
  const attrs = [
    { name: 'commonName', value: 'Azure ML Synapse Spark Emulator Local CA' },
    { name: 'organizationName', value: 'azureml-synapse-spark emulator' },
  ];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { cert, key: keys.privateKey };
}

function createServerCert(ca: { cert: forge.pki.Certificate; key: forge.pki.rsa.PrivateKey }) {
  const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = randomSerial();
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  // Under 398 days, the limit modern TLS clients enforce for leaf certificates.
  cert.validity.notAfter = new Date(Date.now() + 390 * 24 * 3600 * 1000);
  cert.setSubject([{ name: 'commonName', value: 'localhost' }]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
      ],
    },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return { cert, key: keys.privateKey };
}
