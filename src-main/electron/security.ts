/**
 * Hardening that applies to every page Electron shows: the app's pages get the strict CSP header,
 * no page may navigate or open windows (web links go to the user's browser), no page gets a
 * permission, and nothing may reach the network except the dev server in development.
 */
import { type Session, type WebContents, shell } from 'electron';
import { pathToFileURL } from 'node:url';
import { CONTENT_SECURITY_POLICY } from '../host/csp';

/** Opens http(s) links in the user's browser; anything else (file:, javascript:, custom) is dropped. */
function openIfWebLink(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return;
  }
  if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
    void shell.openExternal(parsed.href);
  }
}

/**
 * The app is a single page: any navigation is either a clicked link in an article (open it outside)
 * or something hostile (refuse). The same goes for window.open and <webview>.
 */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    openIfWebLink(url);
  });
  contents.setWindowOpenHandler(({ url }) => {
    openIfWebLink(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export interface SessionRules {
  /** Recognises the app's pages: they get the CSP header. */
  isAppUrl: (url: string) => boolean;
  /** The one network origin allowed, in development only (Vite and its hot-reload socket). */
  devServerOrigin: string | null;
  /** file:// URLs are allowed only inside this folder (the built renderer). */
  rendererDir: string;
}

/**
 * Session-wide rules: no permissions for anyone, no network (an offline reader's article must not be
 * able to phone home, whatever slipped past the sanitizer and the CSP), no local file outside the
 * renderer, and the strict CSP on the app's pages.
 */
export function secureSession(session: Session, rules: SessionRules): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);

  const devHost = rules.devServerOrigin ? new URL(rules.devServerOrigin).host : null;
  const rendererPrefix = pathToFileURL(rules.rendererDir).href.replace(/\/?$/, '/');
  session.webRequest.onBeforeRequest((details, callback) => {
    let url: URL;
    try {
      url = new URL(details.url);
    } catch {
      callback({ cancel: true });
      return;
    }
    if (['http:', 'https:', 'ws:', 'wss:'].includes(url.protocol)) {
      callback({ cancel: url.host !== devHost });
    } else if (url.protocol === 'file:') {
      callback({ cancel: !url.href.startsWith(rendererPrefix) });
    } else {
      callback({});
    }
  });

  session.webRequest.onHeadersReceived((details, callback) => {
    if (!rules.isAppUrl(details.url)) {
      callback({});
      return;
    }
    const headers = { ...details.responseHeaders };
    // Replace, never add to, whatever policy the response carried (header names vary in case).
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    }
    headers['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
    callback({ responseHeaders: headers });
  });
}
