import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * A self-signed certificate for localhost and 127.0.0.1, valid for a day,
 * made by openssl in `dir` (cert.pem, key.pem): what the TLS tests of the
 * database and mail nodes serve, and what a client must refuse unless told
 * to ignore certificate issues.
 */
export const selfSignedCertificate = (dir: string): { cert: string; key: string } => {
  const [cert, key] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1'].concat([
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ]),
    { stdio: 'ignore' },
  );
  return { cert, key };
};
