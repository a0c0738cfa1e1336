// Talks to Loupe's REST API with the session cookie; writes carry the session's CSRF token.
let csrfToken = null;

export class ApiError extends Error {
  constructor(status, problem) {
    const fields = (problem?.errors ?? []).map((e) => `${e.field}: ${e.message}`);
    super(fields.length ? fields.join('; ') : problem?.detail ?? `request failed (${status})`);
    this.status = status;
    this.problem = problem;
  }
}

export function setCsrf(token) { csrfToken = token; }

// `keepalive` lets a request outlive the page (a release sent as the tab closes).
export async function api(method, path, body, { keepalive = false } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (csrfToken && method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  let response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', keepalive,
                                   body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, { detail: 'Loupe cannot be reached; check your connection and try again.' });
  }
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}
