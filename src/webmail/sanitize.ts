// HTML mail made safe to show: a tokenizer and an allow-list rebuild the document from scratch (known
// elements, known attributes, every value re-escaped), so nothing the sender wrote reaches the browser as
// markup unless it was understood. No script, no event handler, no form, no frame, no SVG/MathML; links
// only to http(s)/mailto and opened outside the page; remote images and stylesheets are removed unless the
// reader asked for them, and counted so that the page can offer « Afficher le contenu distant ». The page
// that shows the result adds a strict CSP and a sandboxed iframe: this is the first of three walls.
import { escapeHtml } from '../web/html.ts';

export interface SanitizeOptions {
  /** Keep http(s) images and stylesheets (the reader asked for this message's remote content). */
  remote: boolean;
  /** A data: URL for an inline part named by its Content-ID (cid: references), when the message has one. */
  inline?: (contentId: string) => string | undefined;
}

export interface Sanitized {
  html: string;
  /** Remote references removed (images, backgrounds, stylesheets, imports). */
  blockedRemote: number;
}

type Token =
  | { kind: 'text'; text: string }
  | { kind: 'start'; name: string; attributes: [string, string][] }
  | { kind: 'end'; name: string }
  /** The content of an element the browser reads as raw text (script, style, title…). */
  | { kind: 'raw'; name: string; text: string };

const ALLOWED = new Set(
  (
    'a abbr acronym address article aside b bdi bdo big blockquote br caption center cite code col colgroup dd del ' +
    'details dfn div dl dt em figcaption figure font footer h1 h2 h3 h4 h5 h6 header hr i img ins kbd li main mark ' +
    'nav ol p pre q s samp section small span strike strong sub summary sup table tbody td tfoot th thead time tr tt ' +
    'u ul var wbr'
  ).split(' '),
);
const VOID = new Set(['br', 'hr', 'img', 'col', 'wbr']);
/** Elements dropped with everything inside them (their content is code, or markup in another namespace). */
const DROPPED_WITH_CONTENT = new Set(['template', 'object', 'applet', 'frameset', 'svg', 'math', 'select', 'datalist']);
/** Elements whose content the HTML parser reads as text up to their end tag. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes']);
/** Presentation attributes safe on any allowed element (none of them holds a URL or code). */
const ATTRIBUTES = new Set(
  (
    'abbr align alt bgcolor border cellpadding cellspacing class clear color cols colspan datetime dir face frame ' +
    'headers height hspace id lang name nowrap open reversed rows rowspan rules scope size span start summary title ' +
    'type valign value vspace width'
  ).split(' '),
);

export function sanitizeHtml(input: string, options: SanitizeOptions): Sanitized {
  const out: string[] = [];
  const state = { blocked: 0 };
  for (const token of withoutDropped(tokenize(input))) {
    switch (token.kind) {
      case 'text':
        out.push(escapeText(token.text));
        break;
      case 'raw':
        if (token.name === 'style') {
          const css = safeCss(token.text, options, state);
          if (css !== undefined && !/<\/style/i.test(css)) out.push(`<style>${css}</style>`);
        } else if (token.name === 'textarea' || token.name === 'xmp') {
          out.push(`<pre>${escapeText(token.text)}</pre>`);
        }
        break;
      case 'start':
        if (ALLOWED.has(token.name)) out.push(startTag(token.name, token.attributes, options, state));
        break;
      case 'end':
        if (ALLOWED.has(token.name) && !VOID.has(token.name)) out.push(`</${token.name}>`);
        break;
    }
  }
  return { html: out.join(''), blockedRemote: state.blocked };
}

function startTag(
  name: string,
  attributes: [string, string][],
  options: SanitizeOptions,
  state: { blocked: number },
): string {
  const kept: [string, string][] = [];
  const seen = new Set<string>();
  for (const [attribute, rawValue] of attributes) {
    if (seen.has(attribute)) continue; // the browser keeps the first of duplicates
    seen.add(attribute);
    if (ATTRIBUTES.has(attribute)) {
      kept.push([attribute, decodeReferences(rawValue, true)!]);
      continue;
    }
    const value = decodeReferences(rawValue);
    if (value === undefined) continue; // an entity we do not know: in doubt, leave the attribute out
    if (attribute === 'style') {
      const css = safeCss(value, options, state);
      if (css !== undefined) kept.push([attribute, css]);
    } else if (attribute === 'href' && name === 'a') {
      const url = cleanUrl(value);
      if (/^(https?:|mailto:|#)/i.test(url)) kept.push(['href', url]);
    } else if ((attribute === 'src' && name === 'img') || attribute === 'background') {
      const url = resourceUrl(cleanUrl(value), options, state);
      if (url) kept.push([attribute, url]);
    }
  }
  // Links leave the message's frame for a new tab, without telling the target where they came from.
  if (name === 'a' && kept.some(([k]) => k === 'href')) kept.push(['target', '_blank'], ['rel', 'noopener noreferrer']);
  return `<${name}${kept.map(([k, v]) => ` ${k}="${escapeHtml(v)}"`).join('')}>`;
}

/** What an image or background may point at: inline data, an inline part, or (when allowed) the web. */
function resourceUrl(url: string, options: SanitizeOptions, state: { blocked: number }): string | undefined {
  if (/^data:image\/(png|gif|jpe?g|webp|bmp);base64,[a-z0-9+/=\s]*$/i.test(url)) return url;
  if (/^cid:/i.test(url)) return options.inline?.(percentDecoded(url.slice(4)));
  if (/^(https?:)?\/\//i.test(url)) {
    if (options.remote) return url;
    state.blocked++;
  }
  return undefined;
}

/**
 * CSS kept only when understood: url() targets go through the same rule as images, @import goes (remote
 * unless allowed), and anything that could hide a reference or run code (escapes, expression(), bindings,
 * image-set()) drops the whole declaration block.
 */
function safeCss(css: string, options: SanitizeOptions, state: { blocked: number }): string | undefined {
  if (/[\\\0]|expression\s*\(|javascript:|behaviou?r\s*:|-moz-binding|image-set|\bsrc\s*\(|@namespace/i.test(css))
    return undefined;
  let out = css.replace(
    /@import\s+(url\(\s*)?(['"])?\s*([^'")\s;]*)[^;]*;?/gi,
    (_whole, _url, _quote, target: string) => {
      if (/^(https?:)?\/\//i.test(target) && options.remote) return _whole;
      if (/^(https?:)?\/\//i.test(target)) state.blocked++;
      return '';
    },
  );
  out = out.replace(/url\(\s*(['"]?)([^'")]*)\1\s*\)/gi, (_whole, _quote, target: string) => {
    const url = resourceUrl(cleanUrl(target), options, state);
    return url ? `url("${url.replace(/"/g, '%22')}")` : 'none';
  });
  // A url( the pattern above did not understand (odd quoting, unbalanced) could still load something.
  if (/url\s*\(/i.test(out.replace(/url\("[^"]*"\)/gi, ''))) return undefined;
  return out;
}

/** As browsers read a URL: tabs and line breaks inside are ignored, spaces and controls around trimmed. */
function cleanUrl(value: string): string {
  return value.replace(/[\t\n\r]/g, '').replace(/^[\0-\x20]+|[\0-\x20]+$/g, '');
}

/** cid: URLs percent-encode the Content-ID (RFC 2392); a malformed escape is taken as written. */
function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function escapeText(text: string): string {
  return text.replace(/\0/g, '').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The text of an HTML part, for replies and for a reader that prefers text: blocks become lines. */
export function htmlToText(input: string): string {
  const out: string[] = [];
  for (const token of withoutDropped(tokenize(input))) {
    if (token.kind === 'text') out.push((decodeReferences(token.text, true) ?? token.text).replace(/\s+/g, ' '));
    else if (token.kind === 'raw' && (token.name === 'textarea' || token.name === 'xmp')) out.push(`\n${token.text}\n`);
    else if (token.kind === 'start' && token.name === 'li') out.push('\n- ');
    else if (
      (token.kind === 'start' || token.kind === 'end') &&
      /^(br|p|div|tr|h[1-6]|table|blockquote|pre|ul|ol|dl|dt|dd|hr|section|article|header|footer)$/.test(token.name)
    )
      out.push('\n');
  }
  return out
    .join('')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  shy: '\u00ad',
  copy: '©',
  reg: '®',
  deg: '°',
  middot: '·',
  bull: '•',
  hellip: '…',
  laquo: '«',
  raquo: '»',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  ndash: '–',
  mdash: '—',
  euro: '€',
  times: '×',
  agrave: 'à',
  acirc: 'â',
  auml: 'ä',
  ccedil: 'ç',
  eacute: 'é',
  egrave: 'è',
  ecirc: 'ê',
  euml: 'ë',
  icirc: 'î',
  iuml: 'ï',
  ocirc: 'ô',
  ouml: 'ö',
  ugrave: 'ù',
  ucirc: 'û',
  uuml: 'ü',
  yuml: 'ÿ',
  oelig: 'œ',
  aelig: 'æ',
  szlig: 'ß',
  Agrave: 'À',
  Acirc: 'Â',
  Ccedil: 'Ç',
  Eacute: 'É',
  Egrave: 'È',
  Ecirc: 'Ê',
  Icirc: 'Î',
  Ocirc: 'Ô',
  Ugrave: 'Ù',
  Ucirc: 'Û',
  OElig: 'Œ',
  AElig: 'Æ',
};

/**
 * Character references resolved: numeric ones, and the named ones above when closed by « ; ». An unknown
 * closed name gives undefined (the caller decides), or is kept as written when `lenient`.
 */
function decodeReferences(text: string, lenient = false): string | undefined {
  let unknown = false;
  const decoded = text.replace(
    /&(?:#x([0-9a-f]+);?|#(\d+);?|([a-z][a-z0-9]*);)/gi,
    (whole, hex?: string, dec?: string, name?: string) => {
      if (name !== undefined) {
        const value = NAMED[name];
        if (value === undefined) unknown = true;
        return value ?? whole;
      }
      const code = hex !== undefined ? parseInt(hex, 16) : parseInt(dec!, 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
        ? String.fromCodePoint(code)
        : '\ufffd';
    },
  );
  return unknown && !lenient ? undefined : decoded;
}

/** The tokens outside the elements dropped with their content (nested ones of the same name counted). */
function* withoutDropped(tokens: Iterable<Token>): Generator<Token> {
  let skipping: { name: string; depth: number } | undefined;
  for (const token of tokens) {
    if (skipping) {
      if (token.kind === 'start' && token.name === skipping.name) skipping.depth++;
      if (token.kind === 'end' && token.name === skipping.name && --skipping.depth === 0) skipping = undefined;
    } else if (token.kind === 'start' && DROPPED_WITH_CONTENT.has(token.name)) {
      skipping = { name: token.name, depth: 1 };
    } else {
      yield token;
    }
  }
}

/**
 * Tokens as an HTML parser sees them, closely enough that a disagreement only ever loses content: comments,
 * doctypes and processing instructions vanish; an unterminated tag at the end is dropped; raw-text elements
 * run to their end tag.
 */
function* tokenize(input: string): Generator<Token> {
  const length = input.length;
  let i = 0;
  while (i < length) {
    const lt = input.indexOf('<', i);
    if (lt < 0) {
      yield { kind: 'text', text: input.slice(i) };
      return;
    }
    if (lt > i) yield { kind: 'text', text: input.slice(i, lt) };
    const next = input[lt + 1] ?? '';
    if (input.startsWith('<!--', lt)) {
      const end = input.indexOf('-->', lt + 4);
      i = end < 0 ? length : end + 3;
    } else if (next === '!' || next === '?' || (next === '/' && !/[a-z]/i.test(input[lt + 2] ?? ''))) {
      const end = input.indexOf('>', lt + 2);
      i = end < 0 ? length : end + 1;
    } else if (next === '/') {
      const close = input.indexOf('>', lt + 2);
      if (close < 0) return;
      yield { kind: 'end', name: /^[a-z][^\s/>]*/i.exec(input.slice(lt + 2, close))![0].toLowerCase() };
      i = close + 1;
    } else if (/[a-z]/i.test(next)) {
      const tag = readStartTag(input, lt);
      if (!tag) return;
      i = tag.end;
      if (RAW_TEXT.has(tag.name)) {
        const close = new RegExp(`</${tag.name}[\\s/>]`, 'ig');
        close.lastIndex = i;
        const found = close.exec(input);
        const text = input.slice(i, found ? found.index : length);
        yield { kind: 'raw', name: tag.name, text };
        if (!found) return;
        const end = input.indexOf('>', found.index);
        i = end < 0 ? length : end + 1;
      } else {
        yield { kind: 'start', name: tag.name, attributes: tag.attributes };
      }
    } else {
      yield { kind: 'text', text: '<' };
      i = lt + 1;
    }
  }
}

/** A start tag from `<`: its lower-cased name, attributes (names lower-cased, values raw) and where it ends. */
function readStartTag(
  input: string,
  start: number,
): { name: string; attributes: [string, string][]; end: number } | undefined {
  const nameMatch = /[a-z][^\s/>]*/iy;
  nameMatch.lastIndex = start + 1;
  const name = nameMatch.exec(input)![0].toLowerCase();
  const attributes: [string, string][] = [];
  let i = nameMatch.lastIndex;
  const length = input.length;
  const isSpace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
  for (;;) {
    while (i < length && (isSpace(input[i]) || input[i] === '/')) i++;
    if (i >= length) return undefined;
    if (input[i] === '>') return { name, attributes, end: i + 1 };
    const nameStart = i;
    i++; // the first character belongs to the name, even « = » (HTML §13.2.5.32)
    while (i < length && !isSpace(input[i]) && input[i] !== '/' && input[i] !== '>' && input[i] !== '=') i++;
    const attribute = input.slice(nameStart, i).toLowerCase();
    while (i < length && isSpace(input[i])) i++;
    let value = '';
    if (input[i] === '=') {
      i++;
      while (i < length && isSpace(input[i])) i++;
      const quote = input[i];
      if (quote === '"' || quote === "'") {
        const close = input.indexOf(quote, i + 1);
        if (close < 0) return undefined;
        value = input.slice(i + 1, close);
        i = close + 1;
      } else {
        const valueStart = i;
        while (i < length && !isSpace(input[i]) && input[i] !== '>') i++;
        value = input.slice(valueStart, i);
      }
    }
    attributes.push([attribute, value]);
  }
}
