// Portcullis' page behaviour. htmx is bundled here so that no page loads anything from outside the app.
import htmx from 'htmx.org';

window.htmx = htmx;

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
