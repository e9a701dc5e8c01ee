// FreshRAG console: sign-in with an API key kept in sessionStorage, sent as a Bearer header on every htmx request.
(function () {
  'use strict';
  var KEY = 'freshrag.key';
  var session = null;

  function $(id) { return document.getElementById(id); }

  function banner(text) {
    var b = $('banner');
    b.textContent = text || '';
    b.hidden = !text;
  }

  // every htmx request carries the key; ':tenant' in a path is the signed-in key's tenant
  document.addEventListener('htmx:configRequest', function (e) {
    var key = sessionStorage.getItem(KEY);
    if (key) { e.detail.headers['Authorization'] = 'Bearer ' + key; }
    if (session && session.tenant) { e.detail.path = e.detail.path.replace(':tenant', encodeURIComponent(session.tenant)); }
    if (session && session.role === 'operator' && e.detail.path === '/v1/console/overview') {
      e.detail.path = '/v1/operator/console/overview'; // an operator key is refused everywhere else
    }
  });

  // console fragments answer errors as HTML (shown where the result goes); anything else (problem+json from the
  // API-key filter, a 5xx) goes to the banner
  document.addEventListener('htmx:beforeSwap', function (e) {
    var xhr = e.detail.xhr;
    var type = xhr.getResponseHeader('Content-Type') || '';
    if (xhr.status >= 400 && type.indexOf('text/html') === 0) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    } else if (xhr.status >= 400) {
      var detail = xhr.status + ' ' + xhr.statusText;
      try { detail = JSON.parse(xhr.responseText).detail || detail; } catch (ignored) { }
      banner(detail);
    } else {
      banner('');
    }
  });
  document.addEventListener('htmx:sendError', function () { banner('The query-service did not answer.'); });

  // a citation marker moves focus to its passage (keyboard users land where the link points)
  document.addEventListener('click', function (e) {
    var a = e.target.closest ? e.target.closest('a.cite') : null;
    if (!a) { return; }
    var target = document.querySelector(a.getAttribute('href'));
    if (target) { e.preventDefault(); target.scrollIntoView(); target.focus(); history.replaceState(null, '', a.getAttribute('href')); }
  });

  function show(name) {
    document.querySelectorAll('#main > section').forEach(function (s) { s.hidden = s.dataset.page !== name; });
    document.querySelectorAll('#pages button').forEach(function (b) {
      b.setAttribute('aria-current', b.dataset.page === name ? 'page' : 'false');
    });
  }

  function start(s) {
    session = s;
    $('sign-in').hidden = true;
    $('sign-out').hidden = false;
    $('whoami').textContent = s.tenant ? ('tenant ' + s.tenant + ', role ' + s.role) : ('role ' + s.role + ' (no tenant)');
    var nav = $('pages');
    var main = $('main');
    // only the pages this key may use are put in the page at all
    s.pages.forEach(function (name) {
      var tpl = $('page-' + name);
      if (!tpl) { return; }
      var section = tpl.content.firstElementChild.cloneNode(true);
      section.dataset.page = name;
      main.appendChild(section);
      var b = document.createElement('button');
      b.type = 'button';
      b.textContent = tpl.dataset.title;
      b.dataset.page = name;
      b.id = 'nav-' + name;
      b.addEventListener('click', function () { show(name); });
      nav.appendChild(b);
    });
    nav.hidden = false;
    htmx.process(main);
    show(s.pages[0]);
  }

  function signIn(key, onFail) {
    fetch('/console/session', { headers: { 'Authorization': 'Bearer ' + key } }).then(function (r) {
      if (!r.ok) {
        return r.json().then(function (p) { throw new Error(p.detail || ('HTTP ' + r.status)); });
      }
      return r.json();
    }).then(function (s) {
      sessionStorage.setItem(KEY, key);
      start(s);
    }).catch(function (err) {
      sessionStorage.removeItem(KEY);
      onFail(err.message);
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('sign-in').addEventListener('submit', function (e) {
      e.preventDefault();
      $('sign-in-error').textContent = '';
      signIn($('api-key').value.trim(), function (msg) { $('sign-in-error').textContent = 'Sign-in failed: ' + msg; });
    });
    $('sign-out').addEventListener('click', function () {
      sessionStorage.removeItem(KEY);
      location.reload();
    });
    var saved = sessionStorage.getItem(KEY);
    if (saved) { signIn(saved, function () { }); }
  });
})();
