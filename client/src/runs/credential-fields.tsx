import type { CredentialType } from '#shared/api/credentials.ts';
import { fieldText } from '../ui/form.ts';

/**
 * The fields of a new credential, per type, and what the form sends for
 * them. Secrets are password inputs: written once, never shown again (the
 * server never sends them back). Numbers and switches go as JSON numbers and
 * booleans; an empty optional number is left out (the server's default).
 */

export interface CredentialField {
  name: string;
  label: string;
  kind: 'text' | 'secret' | 'secretText' | 'number' | 'checkbox' | 'select';
  /** The values a select offers; the first is chosen at first. */
  choices?: readonly { value: string; label: string }[];
  required?: boolean;
  placeholder?: string;
  /** Checked at first (checkbox), or the number shown (number). */
  initial?: boolean | number;
}

export const fieldsOf: Record<CredentialType, readonly CredentialField[]> = {
  apiKeyHeader: [
    { name: 'name', label: 'Header name', kind: 'text' },
    { name: 'value', label: 'Header value', kind: 'secret', required: true },
  ],
  bearer: [{ name: 'token', label: 'Token', kind: 'secret', required: true }],
  basic: [
    { name: 'user', label: 'User', kind: 'text' },
    { name: 'password', label: 'Password', kind: 'secret', required: true },
  ],
  smtp: [
    { name: 'host', label: 'Host', kind: 'text', required: true, placeholder: 'smtp.example.com' },
    { name: 'port', label: 'Port', kind: 'number', initial: 465 },
    { name: 'secure', label: 'SSL/TLS from the start (port 465)', kind: 'checkbox', initial: true },
    { name: 'user', label: 'User', kind: 'text' },
    { name: 'password', label: 'Password', kind: 'secret' },
    { name: 'disableStartTls', label: 'Never use STARTTLS', kind: 'checkbox', initial: false },
    { name: 'hostName', label: 'Client host name (EHLO)', kind: 'text' },
  ],
  crypto: [
    { name: 'hmacSecret', label: 'HMAC secret', kind: 'secret' },
    { name: 'signPrivateKey', label: 'Private key for signing (PEM)', kind: 'secretText' },
  ],
  postgres: [
    { name: 'host', label: 'Host', kind: 'text', required: true, placeholder: 'db.example.com' },
    { name: 'port', label: 'Port', kind: 'number', initial: 5432 },
    { name: 'database', label: 'Database', kind: 'text', required: true, placeholder: 'postgres' },
    { name: 'user', label: 'User', kind: 'text', required: true, placeholder: 'postgres' },
    { name: 'password', label: 'Password', kind: 'secret' },
    {
      name: 'ssl',
      label: 'SSL',
      kind: 'select',
      choices: [
        { value: 'disable', label: 'Disable' },
        { value: 'allow', label: 'Allow' },
        { value: 'require', label: 'Require' },
      ],
    },
    { name: 'allowUnauthorizedCerts', label: 'Ignore SSL certificate issues (insecure)', kind: 'checkbox' },
  ],
  mysql: [
    { name: 'host', label: 'Host', kind: 'text', required: true, placeholder: 'db.example.com' },
    { name: 'port', label: 'Port', kind: 'number', initial: 3306 },
    { name: 'database', label: 'Database', kind: 'text', required: true, placeholder: 'mysql' },
    { name: 'user', label: 'User', kind: 'text', required: true, placeholder: 'mysql' },
    { name: 'password', label: 'Password', kind: 'secret' },
    { name: 'ssl', label: 'SSL', kind: 'checkbox', initial: false },
    { name: 'allowUnauthorizedCerts', label: 'Ignore SSL certificate issues (insecure)', kind: 'checkbox' },
  ],
};

export const typeLabels: Record<CredentialType, string> = {
  apiKeyHeader: 'API key in a header',
  bearer: 'Bearer token',
  basic: 'Basic auth',
  smtp: 'SMTP server',
  crypto: 'Crypto keys (HMAC, signing)',
  postgres: 'PostgreSQL database',
  mysql: 'MySQL database',
};

/** The `data` of a create-credential request, read from the form. */
export const credentialData = (form: HTMLFormElement, type: CredentialType): Record<string, unknown> => {
  const data: Record<string, unknown> = {};
  for (const f of fieldsOf[type]) {
    const text = fieldText(form, f.name);
    if (f.kind === 'checkbox') data[f.name] = text === 'on';
    else if (f.kind === 'number') {
      if (text.trim() !== '') data[f.name] = Number(text);
    } else data[f.name] = text;
  }
  return data;
};

/** The inputs of one credential type (keyed by type, so switching types starts from each field's initial value). */
export const CredentialFields = ({ type }: { type: CredentialType }) => (
  <>
    {fieldsOf[type].map((f) =>
      f.kind === 'secretText' ? (
        <label key={`${type}.${f.name}`}>
          {f.label}
          <textarea
            name={f.name}
            rows={4}
            autoComplete="off"
            spellCheck={false}
            required={f.required}
            className="secret-text"
          />
        </label>
      ) : f.kind === 'select' ? (
        <label key={`${type}.${f.name}`}>
          {f.label}
          <select name={f.name} defaultValue={f.choices?.[0]?.value}>
            {f.choices?.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
      ) : f.kind === 'checkbox' ? (
        <label key={`${type}.${f.name}`} className="check">
          <input name={f.name} type="checkbox" defaultChecked={f.initial === true} /> {f.label}
        </label>
      ) : (
        <label key={`${type}.${f.name}`}>
          {f.label}
          <input
            name={f.name}
            type={f.kind === 'secret' ? 'password' : f.kind === 'number' ? 'number' : 'text'}
            autoComplete={f.kind === 'secret' ? 'new-password' : 'off'}
            required={f.required}
            placeholder={f.placeholder}
            defaultValue={typeof f.initial === 'number' ? f.initial : undefined}
          />
        </label>
      ),
    )}
  </>
);
