// Portcullis' page behaviour. htmx is bundled here so that no page loads anything from outside the app.
import htmx from 'htmx.org';

window.htmx = htmx;

// The Content-Security-Policy allows no eval and no inline style (docs/adr/012): htmx must not compile hx-on or
// js: expressions, nor insert its indicator <style>. Set here, before htmx reads its configuration on load.
htmx.config.allowEval = false;
htmx.config.allowScriptTags = false;
htmx.config.includeIndicatorStyles = false;
// settling copies these attributes from the old element to the new one with setAttribute, which the CSP blocks for
// style (no page uses style attributes)
htmx.config.attributesToSettle = ['class', 'width', 'height'];

// A refused form comes back as 409, 413 or 422 with the form re-rendered (STYLE.md): swap it in like a success,
// instead of the error banner below. One listener for every page, in place of per-page hx-on attributes.
document.addEventListener('htmx:beforeSwap', (event) => {
  if ([409, 413, 422].includes(event.detail.xhr.status)) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// Mobile navigation: the menu button opens and closes the sidebar.
document.addEventListener('click', (event) => {
  const toggle = event.target.closest('[data-nav-toggle]');
  if (!toggle) {
    return;
  }
  const nav = document.getElementById(toggle.getAttribute('aria-controls'));
  const open = toggle.getAttribute('aria-expanded') !== 'true';
  toggle.setAttribute('aria-expanded', String(open));
  nav.classList.toggle('open', open);
});

// CSRF: every htmx request carries the token that the page declares in <meta name="_csrf">.
document.addEventListener('htmx:configRequest', (event) => {
  const token = document.querySelector('meta[name="_csrf"]');
  const header = document.querySelector('meta[name="_csrf_header"]');
  if (token && header) {
    event.detail.headers[header.content] = token.content;
  }
});

// A failed htmx request shows a banner in #errors instead of failing silently.
document.addEventListener('htmx:responseError', (event) => {
  const errors = document.getElementById('errors');
  if (!errors || event.detail.target?.closest('#errors')) {
    return;
  }
  const status = event.detail.xhr.status;
  errors.innerHTML = '';
  const banner = document.createElement('div');
  banner.className = 'banner banner-error';
  banner.setAttribute('role', 'alert');
  banner.textContent = status >= 500
    ? 'Something went wrong on the server. Please try again.'
    : `The request was refused (HTTP ${status}).`;
  errors.appendChild(banner);
});
document.addEventListener('htmx:sendError', () => {
  const errors = document.getElementById('errors');
  if (errors) {
    errors.innerHTML = '<div class="banner banner-error" role="alert">Portcullis cannot be reached. Check your connection.</div>';
  }
});
