/** The login form of the web view: one token field, posted to /login. Plain HTML, no scripts. */
export function renderLoginPage(next: string, failed: boolean): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · tracehound</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; background: #f6f7f9; color: #1d2127; display: grid; place-items: center; min-height: 100vh; margin: 0; }
  form { background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 1px 4px rgba(0,0,0,.12); width: min(22rem, 90vw); }
  h1 { font-size: 1.25rem; margin: 0 0 1rem; }
  label { display: block; margin-bottom: .25rem; }
  input { width: 100%; box-sizing: border-box; padding: .5rem; font: inherit; border: 1px solid #b8bec7; border-radius: 4px; }
  button { margin-top: 1rem; padding: .5rem 1rem; font: inherit; border: 0; border-radius: 4px; background: #2457c5; color: #fff; cursor: pointer; }
  .error { color: #b3261e; margin: 0 0 1rem; }
</style>
</head>
<body>
<form method="post" action="/login">
  <h1>tracehound</h1>
  ${failed ? '<p class="error" role="alert">That token is not valid.</p>' : ''}
  <label for="token">API token</label>
  <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
  <input type="hidden" name="next" value="${escapeHtml(next)}">
  <button type="submit">Sign in</button>
</form>
</body>
</html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

/** Only same-site paths are followed after login (no `//host`, no scheme, no control characters). */
export function safeNextPath(next: string | undefined | null): string {
  if (typeof next !== 'string' || !isLocalPath(next) || next.length > 2048) return '/';
  return next;
}

/**
 * True for a path on this server that is safe in a Location header: starts with one `/`, no `\\`,
 * and no control characters (CR/LF would split the header; Node refuses them with a 500).
 */
export function isLocalPath(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('//') && !path.includes('\\') && !/[\u0000-\u001f\u007f]/.test(path);
}
