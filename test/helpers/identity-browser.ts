// A tiny "browser" for the identity pages: follows nothing by itself, keeps cookies per host, and submits
// forms the way a browser would (the page's own fields, including the hidden CSRF token).
export class Browser {
  private readonly cookies = new Map<string, string>();

  /** Holds a cookie for the host of `url` (a signed-in session, say), as if a page had set it. */
  setCookie(url: string, name: string, value: string): this {
    const host = new URL(url).host;
    const kept = (this.cookies.get(host) ?? '').split('; ').filter((c) => c && !c.startsWith(`${name}=`));
    this.cookies.set(host, [...kept, `${name}=${value}`].join('; '));
    return this;
  }

  async get(url: string): Promise<Response> {
    return this.request(url, { method: 'GET' });
  }

  async post(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(url, {
      method: 'POST',
      body: new URLSearchParams(fields),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  }

  /** Follows redirects while they stay on `origin`; returns the first response that is not a redirect there. */
  async follow(url: string, origin: string): Promise<{ response: Response; url: string }> {
    let current = url;
    for (let i = 0; i < 20; i++) {
      const response = await this.get(current);
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        const next = new URL(location, current).href;
        if (!next.startsWith(origin)) return { response, url: next };
        current = next;
        continue;
      }
      return { response, url: current };
    }
    throw new Error('too many redirects');
  }

  /** The fields of the form that contains the named submit button (or the only form), as the page filled them. */
  static formFields(page: string, action?: string): { action: string; fields: Record<string, string> } {
    const forms = [...page.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)];
    const form = action
      ? forms.find((f) => attribute(f[1]!, 'action') === action)
      : forms.find((f) => (attribute(f[1]!, 'method') ?? '').toLowerCase() === 'post');
    if (!form) throw new Error(`no form ${action ?? ''} in page`);
    const fields: Record<string, string> = {};
    for (const input of form[2]!.matchAll(/<input\b([^>]*)>/g)) {
      const name = attribute(input[1]!, 'name');
      if (name) fields[name] = decode(attribute(input[1]!, 'value') ?? '');
    }
    for (const select of form[2]!.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
      const name = attribute(select[1]!, 'name');
      const selected =
        /<option value="([^"]*)" selected>/.exec(select[2]!) ?? /<option value="([^"]*)"/.exec(select[2]!);
      if (name) fields[name] = decode(selected?.[1] ?? '');
    }
    return { action: decode(attribute(form[1]!, 'action') ?? ''), fields };
  }

  private async request(url: string, init: RequestInit): Promise<Response> {
    const host = new URL(url).host;
    const headers = new Headers(init.headers);
    const jar = this.cookies.get(host);
    if (jar) headers.set('cookie', jar);
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name] = pair!.split('=');
      const kept = (this.cookies.get(host) ?? '').split('; ').filter((c) => c && !c.startsWith(`${name}=`));
      if (!/max-age=0|expires=Thu, 01 Jan 1970/i.test(line)) kept.push(pair!);
      this.cookies.set(host, kept.join('; '));
    }
    return response;
  }
}

function attribute(tag: string, name: string): string | undefined {
  return new RegExp(`\\b${name}="([^"]*)"`).exec(tag)?.[1];
}

function decode(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
