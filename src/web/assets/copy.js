// « Copier » buttons: each copies its data-copy value, or the text of the element named by data-copy-from, to
// the clipboard, then says « Copié » for a moment (data-copied). The buttons stay hidden without this script,
// so that a page without JavaScript shows no button that does nothing.
(() => {
  const copy = async (text) => {
    if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
    // Plain http on another host than localhost: no Clipboard API; a selected textarea and execCommand still work.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.append(area);
    area.select();
    const done = document.execCommand('copy');
    area.remove();
    if (!done) throw new Error('copy refused');
  };
  for (const button of document.querySelectorAll('button[data-copy], button[data-copy-from]')) {
    button.hidden = false;
    const label = button.innerHTML;
    button.addEventListener('click', () => {
      const source = button.dataset.copyFrom ? document.getElementById(button.dataset.copyFrom) : null;
      const text = source ? ('value' in source ? source.value : source.textContent) : button.dataset.copy;
      copy(text ?? '').then(
        () => {
          button.textContent = button.dataset.copied || '✓';
          button.classList.add('copied');
          setTimeout(() => {
            button.innerHTML = label;
            button.classList.remove('copied');
          }, 2000);
        },
        () => button.classList.add('copy-failed'),
      );
    });
  }
})();
