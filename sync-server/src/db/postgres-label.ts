/** `postgres://host:port/name` without user or password: what logs and error messages may show. */
export const postgresLabel = (url: string): string => {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return 'postgres://…';
  }
};
