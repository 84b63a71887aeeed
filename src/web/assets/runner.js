// The execution page, live. The server renders everything (the page works without this script); here we
// only (1) append the live log's lines as the REST API streams them (server-sent events, one stream per
// running execution: the job, and the step of a global job or campaign running now), (2) re-read the page
// at each new step and at the end, and swap the parts marked data-part (progress, actions, verdict, steps,
// statistics), the status text (a polite live region) and the log's new structure, and (3) move the
// listening window's countdown, the elapsed times (data-since) and the browser tab's title (countdown, then
// verdict) every second. French texts come from the page (data-texts).
(() => {
  const page = document.querySelector('[data-execution-page]');
  if (!page) return;
  const texts = JSON.parse(page.dataset.texts);
  const timeZone = page.dataset.tz || undefined;
  // The server's clock, as windows are in its time.
  const clockOffset = Number(page.dataset.now) - Date.now();
  const box = page.querySelector('.log-box');
  const jump = page.querySelector('.jump');
  const note = page.querySelector('.stream-note');
  const status = document.getElementById('etat');
  const streams = new Map();

  const fill = (template, values) =>
    template.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  const clock = (at) =>
    new Date(at).toLocaleTimeString('fr-FR', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit' });

  // Auto-scroll only while the reader is at the end of the log: scrolling up stops it, « Aller aux dernières
  // lignes » (shown meanwhile) resumes it.
  const atEnd = () => box.scrollHeight - box.scrollTop - box.clientHeight < 32;
  const keepEnd = (wasAtEnd) => {
    if (wasAtEnd) box.scrollTop = box.scrollHeight;
    else jump.hidden = false;
  };
  box.addEventListener('scroll', () => {
    if (atEnd()) jump.hidden = true;
  });
  jump.addEventListener('click', () => {
    box.scrollTop = box.scrollHeight;
    jump.hidden = true;
    box.focus();
  });

  const showNote = (text) => {
    note.textContent = text;
    note.hidden = false;
  };
  const hideNote = () => {
    note.hidden = true;
  };

  // As log-view.ts renders a line (render.ts lineMark): the mark comes from the line's run event, not its words.
  const CHECK_MARKS = { pass: 'pass', fail: 'fail', missing: 'fail', not_evaluated: 'not-evaluated', info: 'note' };
  const lineClass = (line) => {
    const event = line.event;
    const mark = event?.type === 'fix' ? 'fix' : event?.type === 'check' ? CHECK_MARKS[event.check.outcome] : undefined;
    return `line l-${line.level}${mark ? ` ${mark}` : ''}`;
  };
  const lineElement = (line) => {
    const item = document.createElement('li');
    item.className = lineClass(line);
    item.dataset.seq = String(line.seq);
    const stamp = document.createElement('time');
    stamp.dateTime = new Date(line.at).toISOString();
    stamp.textContent = clock(line.at);
    const text = document.createElement('span');
    text.className = 'text';
    text.textContent = line.text;
    item.append(stamp, ' ', text);
    return item;
  };
  const listOf = (id) => box.querySelector(`ol.log[data-execution="${id}"]`);
  const lastSeq = (list) => {
    let seq = 0;
    for (const item of list.children) if (item.dataset.seq) seq = Math.max(seq, Number(item.dataset.seq));
    return seq;
  };

  const append = (id, line) => {
    const list = listOf(id);
    if (!list || line.seq <= lastSeq(list)) return;
    const wasAtEnd = atEnd();
    list.append(lineElement(line));
    keepEnd(wasAtEnd);
  };

  // Brings `mine` to the structure of the freshly rendered `fresh`: its lines and nested step logs in the
  // server's order; lines only the stream has delivered yet stay after them.
  const merge = (mine, fresh) => {
    mine.toggleAttribute('data-running', fresh.hasAttribute('data-running'));
    let cursor = null;
    for (const item of fresh.children) {
      const inner = item.querySelector(':scope > ol.log');
      let match = inner
        ? mine.querySelector(`:scope > li > ol.log[data-execution="${inner.dataset.execution}"]`)?.parentElement
        : mine.querySelector(`:scope > li[data-seq="${item.dataset.seq}"]`);
      if (match && inner) merge(match.querySelector(':scope > ol.log'), inner);
      if (!match) match = document.importNode(item, true);
      if (cursor ? cursor.nextElementSibling !== match : mine.firstElementChild !== match) {
        if (cursor) cursor.after(match);
        else mine.prepend(match);
      }
      cursor = match;
    }
  };

  let refreshing = false;
  let again = false;
  const refresh = () => {
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = true;
    fetch(location.href, { headers: { accept: 'text/html' }, cache: 'no-store', credentials: 'same-origin' })
      .then((response) => (response.ok ? response.text() : Promise.reject(new Error(String(response.status)))))
      .then((markup) => apply(new DOMParser().parseFromString(markup, 'text/html')))
      .catch(() => showNote(texts.refreshFailed))
      .finally(() => {
        refreshing = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  };

  const apply = (doc) => {
    for (const part of page.querySelectorAll('[data-part]')) {
      const fresh = doc.querySelector(`[data-part="${part.dataset.part}"]`);
      if (fresh && fresh.innerHTML !== part.innerHTML) part.innerHTML = fresh.innerHTML;
    }
    // The live region keeps its node: only its text changes, and is announced.
    const freshStatus = doc.getElementById('etat');
    if (freshStatus && freshStatus.textContent !== status.textContent) status.textContent = freshStatus.textContent;
    const freshLog = doc.querySelector('.log-box > ol.log');
    if (freshLog) {
      const wasAtEnd = atEnd();
      merge(box.querySelector(':scope > ol.log'), freshLog);
      keepEnd(wasAtEnd);
    }
    follow();
    tick();
  };

  // One stream per running execution of the tree; each closes itself at its execution's end.
  const follow = () => {
    for (const list of box.querySelectorAll('ol.log[data-running]')) {
      const id = list.dataset.execution;
      if (streams.has(id)) continue;
      const source = new EventSource(`/api/v1/executions/${id}/events?after=${lastSeq(list)}`);
      streams.set(id, source);
      source.addEventListener('log', (event) => {
        hideNote();
        const line = JSON.parse(event.data);
        append(id, line);
        if (line.level === 'step') refresh();
      });
      source.addEventListener('end', () => {
        source.close();
        streams.delete(id);
        refresh();
      });
      source.addEventListener('error', () => {
        if (source.readyState !== EventSource.CLOSED) return showNote(texts.streamRetry);
        streams.delete(id);
        showNote(texts.streamClosed);
      });
    }
  };

  // As views.ts durationText writes it: 42 s, 3 min 05 s, 1 h 02 min.
  const duration = (ms) => {
    const seconds = Math.max(0, Math.round(ms / 1000));
    if (seconds < 60) return fill(texts.durationS, { s: seconds });
    const minutes = Math.floor(seconds / 60);
    if (minutes < 60) return fill(texts.durationMin, { m: minutes, s: String(seconds % 60).padStart(2, '0') });
    return fill(texts.durationH, { h: Math.floor(minutes / 60), m: String(minutes % 60).padStart(2, '0') });
  };

  const tick = () => {
    for (const element of page.querySelectorAll('[data-since]'))
      element.textContent = duration(Date.now() + clockOffset - Number(element.dataset.since));
    for (const window of page.querySelectorAll('.window[data-start][data-end]')) {
      const start = Number(window.dataset.start);
      const end = Number(window.dataset.end);
      const now = Date.now() + clockOffset;
      const total = Math.round((end - start) / 1000);
      const elapsed = Math.min(total, Math.max(0, Math.floor((now - start) / 1000)));
      const bar = window.querySelector('progress');
      if (bar) bar.value = Math.min(1000, Math.max(0, Math.round(((now - start) / (end - start)) * 1000)));
      const countdown = window.querySelector('.countdown');
      if (countdown)
        countdown.textContent =
          now >= end
            ? texts.windowOver
            : fill(texts.countdown, { elapsed, total, remaining: total - elapsed, until: clock(end) });
    }
    // The browser tab: the countdown of the window open now, then the verdict (the server writes data-tab).
    const tab = page.querySelector('[data-tab]')?.dataset.tab;
    const open = page.querySelector('.window[data-start][data-end]');
    const left = open ? Math.ceil((Number(open.dataset.end) - (Date.now() + clockOffset)) / 1000) : 0;
    if (tab)
      document.title =
        left > 0
          ? fill(texts.tabCountdown, {
              remaining: `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`,
              title: tab,
            })
          : tab;
  };

  if (box.querySelector('ol.log[data-running]')) box.scrollTop = box.scrollHeight;
  follow();
  tick();
  setInterval(tick, 1000);
})();
