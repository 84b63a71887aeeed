// The webmail's progressive enhancements; every page works without them (« Actualiser » link, server-side
// size check). 1. New mail without reloading: the server's change stream (/webmail/evenements) makes the
// folder page fetch itself again and swap its live parts (folder counts, rows, pager), keeping the reader's
// selection and focus. 2. The compose form refuses attachments over the size limit before uploading them.

(() => {
  const live = document.querySelectorAll('[data-live]');
  if (live.length > 0 && 'EventSource' in window) {
    let timer;
    const source = new EventSource('/webmail/evenements');
    source.addEventListener('change', () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, 150);
    });
  }

  async function refresh() {
    let response;
    try {
      response = await fetch(location.href, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
    } catch {
      return;
    }
    if (!response.ok || response.redirected) return;
    const fresh = new DOMParser().parseFromString(await response.text(), 'text/html');
    const checked = new Set(
      [...document.querySelectorAll('#message-rows input[type=checkbox]:checked')].map((box) => box.name),
    );
    const focused = document.activeElement;
    const focusKey = focused?.closest('[data-live]') ? focused.name || focused.getAttribute('href') : null;
    for (const region of document.querySelectorAll('[data-live]')) {
      const replacement = fresh.getElementById(region.id);
      if (replacement) region.replaceWith(document.importNode(replacement, true));
    }
    for (const box of document.querySelectorAll('#message-rows input[type=checkbox]'))
      box.checked = checked.has(box.name);
    if (focusKey) {
      const again = [...document.querySelectorAll('[data-live] a, [data-live] input')].find(
        (el) => (el.name || el.getAttribute('href')) === focusKey,
      );
      if (again) again.focus();
    }
    const status = document.getElementById('live-status');
    if (status) status.textContent = status.dataset.text || '';
  }

  const compose = document.querySelector('form[data-max-bytes]');
  if (compose) {
    compose.addEventListener('submit', (event) => {
      const limit = Number(compose.dataset.maxBytes);
      let bytes = 0;
      for (const input of compose.querySelectorAll('input[type=file]'))
        for (const file of input.files) bytes += file.size;
      for (const kept of compose.querySelectorAll('input[data-size]:checked')) bytes += Number(kept.dataset.size);
      // Attachments travel in base64: four bytes for three, plus line breaks.
      if (Math.ceil((bytes * 4) / 3) * (78 / 76) <= limit) return;
      event.preventDefault();
      const error = document.getElementById('f-pj-error');
      const input = document.getElementById('f-pj');
      error.textContent = compose.dataset.tooLarge;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    });
  }
})();
