/**
 * The Content-Security-Policy of the app's pages, sent as a response header by both hosts (the
 * renderer's index.html carries the same policy in a <meta> for file:// loads, where no header exists).
 * Nothing but the app's own scripts runs; article images come from the app or data:/blob: URLs, so a
 * saved article can never make the reader fetch from the network; the page cannot be framed, cannot
 * post forms and cannot change its base URL.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');
