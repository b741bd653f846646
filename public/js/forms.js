// Never lose what a user typed or uploaded (README "Never lose what you typed"): upload progress
// with the submit buttons held until every upload has finished, a question before leaving a
// changed form, the idle-timeout warning with 继续 and a keepalive while typing, and a draft of
// each form in this tab's sessionStorage, put back after logging in again. Without this file the
// forms still post their fields and files in one multipart request (urlencodeUploadForms).
(function () {
  'use strict';
  var UPLOAD_WAIT = '文件上传中，请稍候…';
  var LEAVE_QUESTION = '您有尚未保存的修改，离开此页面将丢失这些修改。确定离开吗？';
  var KEEPALIVE_EVERY_MS = 60 * 1000;
  var body = document.body;
  var user = body ? body.getAttribute('data-user') : null;

  function csrfToken() {
    try {
      return JSON.parse(body.getAttribute('hx-headers:inherited') || '{}')['X-CSRF-Token'] || '';
    } catch (error) {
      return '';
    }
  }
  function storage() {
    try { return window.sessionStorage; } catch (error) { return null; }
  }

  // ---- Which forms are guarded: POST forms with something to type or choose. -----------------
  function fieldsOf(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      if (!el.name || el.disabled) { return false; }
      var type = (el.type || '').toLowerCase();
      return ['hidden', 'password', 'file', 'submit', 'button', 'reset', 'image'].indexOf(type) < 0 &&
        /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName);
    });
  }
  function guarded(form) {
    return form instanceof HTMLFormElement && (form.getAttribute('method') || '').toLowerCase() === 'post' &&
      !form.hasAttribute('data-no-guard') && fieldsOf(form).length > 0;
  }
  // What the user changed: every field but the tokens and the file inputs (an uploaded file is in
  // its hidden id input, so it counts).
  function serialise(form) {
    var parts = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      var type = (el.type || '').toLowerCase();
      if (!el.name || el.name === '_csrf' || el.name === '_once' || type === 'file' || type === 'password' ||
          type === 'submit' || type === 'button') { return; }
      if ((type === 'checkbox' || type === 'radio') && !el.checked) { return; }
      if (el.tagName === 'SELECT' && el.multiple) {
        Array.prototype.forEach.call(el.selectedOptions, function (option) { parts.push(el.name + '=' + option.value); });
        return;
      }
      parts.push(el.name + '=' + el.value);
    });
    return JSON.stringify(parts);
  }
  var snapshots = new WeakMap();
  function isDirty(form) {
    return snapshots.has(form) && document.contains(form) && serialise(form) !== snapshots.get(form);
  }
  function dirtyForms() {
    return Array.prototype.filter.call(document.querySelectorAll('form'), isDirty);
  }

  // ---- Forms with files: uploaded first, posted urlencoded. -----------------------------------
  // Without this script a form with an upload field posts its files in one multipart request (the
  // CSRF token in its action URL, as the server reads it only there for multipart). Here each file
  // is uploaded on its own first (progress, below) and only its id is posted: the form goes back to
  // urlencoded, and the token to its hidden field alone.
  function urlencodeUploadForms(root) {
    root.querySelectorAll('form[enctype="multipart/form-data"]').forEach(function (form) {
      if (!form.querySelector('.upload-field input[type=file][hx-post]')) { return; }
      form.setAttribute('enctype', 'application/x-www-form-urlencoded');
      form.setAttribute('action', withoutToken(form.getAttribute('action') || ''));
    });
  }
  function withoutToken(action) {
    var url = new URL(action, location.href);
    if (!url.searchParams.has('_csrf')) { return action; }
    url.searchParams.delete('_csrf');
    return url.pathname + url.search;
  }

  // ---- Drafts: sessionStorage of this tab, per user and form. --------------------------------
  function draftKey(form) {
    var action = new URL(withoutToken(form.getAttribute('action') || location.href), location.href);
    return 'draft:' + user + ':' + action.pathname + action.search + '#' + (form.id || '');
  }
  function saveDraft(form) {
    var store = storage();
    if (!store || !user || !snapshots.has(form)) { return; }
    if (!isDirty(form)) { store.removeItem(draftKey(form)); return; }
    var values = fieldsOf(form).map(function (el) {
      var type = (el.type || '').toLowerCase();
      if (type === 'checkbox' || type === 'radio') { return [el.name, el.value, el.checked]; }
      if (el.tagName === 'SELECT' && el.multiple) {
        return [el.name, Array.prototype.map.call(el.selectedOptions, function (option) { return option.value; }), true];
      }
      return [el.name, el.value, true];
    });
    try { store.setItem(draftKey(form), JSON.stringify({ savedAt: Date.now(), values: values })); } catch (error) { /* full */ }
  }
  function restoreDraft(form) {
    var store = storage();
    var text = store ? store.getItem(draftKey(form)) : null;
    if (!text) { return; }
    var draft;
    try { draft = JSON.parse(text); } catch (error) { return; }
    var fields = fieldsOf(form);
    var changed = false;
    (draft.values || []).forEach(function (entry, index) {
      var el = fields[index];
      if (!el || el.name !== entry[0]) {
        el = fields.filter(function (candidate) { return candidate.name === entry[0] && candidate.value === entry[1]; })[0] ||
          fields.filter(function (candidate) { return candidate.name === entry[0]; })[0];
      }
      if (!el) { return; }
      var type = (el.type || '').toLowerCase();
      if (type === 'checkbox' || type === 'radio') {
        if (el.value === entry[1] && el.checked !== entry[2]) { el.checked = entry[2]; changed = true; }
      } else if (el.tagName === 'SELECT' && el.multiple) {
        Array.prototype.forEach.call(el.options, function (option) { option.selected = entry[1].indexOf(option.value) >= 0; });
        changed = true;
      } else if (el.value !== entry[1]) {
        el.value = entry[1];
        changed = true;
      }
      el.dispatchEvent(new Event('input', { bubbles: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    });
    if (!changed) { return; }
    var note = document.createElement('div');
    note.className = 'flash flash-info draft-note';
    note.setAttribute('role', 'status');
    note.textContent = '已恢复您上次未提交的内容（登录超时或离开页面前填写的），请核对后再提交。附件需重新上传。 ';
    var discard = document.createElement('button');
    discard.type = 'button';
    discard.className = 'link-button';
    discard.textContent = '放弃这些内容';
    discard.addEventListener('click', function () {
      store.removeItem(draftKey(form));
      leaving = true;
      location.reload();
    });
    note.appendChild(discard);
    form.parentNode.insertBefore(note, form);
  }
  function clearAllDrafts() {
    var store = storage();
    if (!store) { return; }
    for (var i = store.length - 1; i >= 0; i -= 1) {
      var key = store.key(i);
      if (key && (key.indexOf('draft:') === 0 || key.indexOf('draft-sent:') === 0)) { store.removeItem(key); }
    }
  }
  // A form sent as a whole page (not htmx) leaves a marker. On the next page: the login page means
  // the session had ended (the draft stays and comes back after logging in); the same form with an
  // error means the server refused it (the server kept the values, the draft stays); anything else
  // means it was saved (the draft goes).
  function settleSentDrafts() {
    var store = storage();
    if (!store) { return; }
    var sent = [];
    for (var i = 0; i < store.length; i += 1) {
      var key = store.key(i);
      if (key && key.indexOf('draft-sent:') === 0) { sent.push(key); }
    }
    var refused = Array.prototype.some.call(document.querySelectorAll('.flash-error, .field-error'), function (el) {
      return el.textContent.trim() !== '';
    });
    var here = {};
    document.querySelectorAll('form').forEach(function (form) { if (guarded(form)) { here[draftKey(form)] = true; } });
    // On the login page: come back to the page the interrupted form was on.
    var next = document.querySelector('#login-form input[name="next"]');
    sent.forEach(function (marker) {
      var page = null;
      try { page = JSON.parse(store.getItem(marker) || '{}').page; } catch (error) { /* old marker */ }
      if (!user && next && page && (next.value === '' || next.value === '/')) { next.value = page; }
      store.removeItem(marker);
      var key = marker.slice('draft-sent:'.length);
      if (!user) { return; }
      if (here[key] && refused) { here[key] = 'refused'; return; }
      store.removeItem(key);
    });
    return here;
  }

  function initialise(root, restore, settled) {
    root.querySelectorAll('form').forEach(function (form) {
      if (snapshots.has(form) || !guarded(form)) { return; }
      snapshots.set(form, serialise(form));
      if (restore && user && !(settled && settled[draftKey(form)] === 'refused')) { restoreDraft(form); }
    });
  }
  function start() {
    urlencodeUploadForms(document);
    var settled = settleSentDrafts();
    initialise(document, true, settled);
    startIdleWatch();
  }
  document.addEventListener('htmx:after:swap', function () {
    urlencodeUploadForms(document);
    initialise(document, false);
  });
  // A form (or a button in it) sent by htmx: answered fine, it is no longer "changed" and its draft
  // goes; led to the login page (the session ended), its draft stays for after the login.
  document.addEventListener('htmx:after:request', function (event) {
    var elt = event.target;
    var ctx = event.detail && event.detail.ctx;
    var redirect = ctx && ctx.hx ? ctx.hx.redirect : null;
    var status = ctx && ctx.response ? ctx.response.status : 0;
    if (redirect && redirect.indexOf('/login') === 0) {
      dirtyForms().forEach(markSent);
      leaving = true;
      return;
    }
    var form = elt instanceof Element ? (elt.form || elt.closest('form')) : null;
    if (form && snapshots.has(form) && status > 0 && status < 400) {
      snapshots.set(form, serialise(form));
      var store = storage();
      if (store && user) { store.removeItem(draftKey(form)); }
    }
    if (redirect) { leaving = true; }
  });
  var draftTimer = null;
  document.addEventListener('input', function (event) {
    var form = event.target && event.target.form;
    if (!form || !snapshots.has(form)) { return; }
    clearTimeout(draftTimer);
    draftTimer = setTimeout(function () { saveDraft(form); }, 400);
    if (event.isTrusted) { keepaliveWhileTyping(); }
  });
  document.addEventListener('change', function (event) {
    var form = event.target && event.target.form;
    if (form && snapshots.has(form)) { saveDraft(form); }
  });

  // ---- Uploads: progress, and the submit buttons held until every upload has finished. --------
  function pendingUploads(form) { return Number(form.getAttribute('data-uploads-pending') || 0); }
  function submitButtons(form) {
    var own = Array.prototype.slice.call(form.querySelectorAll('button:not([type]), button[type=submit], input[type=submit]'));
    return form.id ? own.concat(Array.prototype.slice.call(document.querySelectorAll('[form="' + form.id + '"]'))) : own;
  }
  function waitMessage(form) {
    var message = form.querySelector('.upload-wait');
    if (!message) {
      message = document.createElement('p');
      message.className = 'upload-wait';
      message.setAttribute('role', 'status');
      var buttons = submitButtons(form);
      var anchor = buttons.length ? buttons[0].parentNode : form;
      if (anchor === form || !form.contains(anchor)) {
        form.appendChild(message);
      } else {
        anchor.insertAdjacentElement('afterend', message);
      }
    }
    return message;
  }
  function setPending(form, delta) {
    var count = Math.max(0, pendingUploads(form) + delta);
    form.setAttribute('data-uploads-pending', String(count));
    submitButtons(form).forEach(function (button) {
      if (count > 0 && !button.disabled) {
        button.disabled = true;
        button.setAttribute('data-upload-held', '');
      } else if (count === 0 && button.hasAttribute('data-upload-held')) {
        button.disabled = false;
        button.removeAttribute('data-upload-held');
      }
    });
    waitMessage(form).textContent = count > 0 ? UPLOAD_WAIT : '';
  }
  // A submit while uploads are pending is refused (Enter in a field, a script): capture on window
  // runs before every other submit handler, htmx's included.
  window.addEventListener('submit', function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && pendingUploads(form) > 0) {
      event.preventDefault();
      event.stopImmediatePropagation();
      waitMessage(form).textContent = UPLOAD_WAIT;
    }
  }, true);
  // The server's fragment (escaped by its templates, as every htmx answer) is parsed by the
  // browser as a document and its nodes moved in: no HTML is built from strings here.
  function insert(target, html, swap) {
    if (!target) { return; }
    var nodes = new DOMParser().parseFromString(html, 'text/html').body.childNodes;
    if (swap !== 'beforeend') {
      while (target.firstChild) { target.removeChild(target.firstChild); }
    }
    while (nodes.length > 0) { target.appendChild(document.adoptNode(nodes[0])); }
    if (window.htmx && typeof window.htmx.process === 'function') { window.htmx.process(target); }
  }
  // The file input's own htmx upload (hx-post) is done here with XMLHttpRequest instead: fetch has
  // no upload progress. Same endpoint, headers and answer (chips appended, or the message retargeted).
  window.addEventListener('change', function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== 'file' || !input.hasAttribute('hx-post') ||
        !input.closest('.upload-field') || !input.files || input.files.length === 0 || !window.FormData) { return; }
    event.stopImmediatePropagation();
    var form = input.form;
    var data = new FormData();
    var names = [];
    Array.prototype.forEach.call(input.files, function (file) { data.append(input.name, file); names.push(file.name); });
    var field = input.closest('.upload-field');
    var progress = document.createElement('div');
    progress.className = 'upload-progress';
    progress.setAttribute('role', 'status');
    var bar = document.createElement('progress');
    bar.max = 100;
    bar.value = 0;
    var label = document.createElement('span');
    label.textContent = '正在上传 ' + names.join('、') + '…';
    bar.setAttribute('aria-label', label.textContent);
    progress.appendChild(bar);
    progress.appendChild(label);
    input.insertAdjacentElement('afterend', progress);
    var errorBox = field.querySelector('.field-error');
    if (errorBox) { errorBox.textContent = ''; }
    if (form) { setPending(form, 1); }
    var xhr = new XMLHttpRequest();
    xhr.open('POST', input.getAttribute('hx-post'));
    xhr.setRequestHeader('X-CSRF-Token', csrfToken());
    xhr.setRequestHeader('HX-Request', 'true');
    xhr.upload.onprogress = function (progressEvent) {
      if (progressEvent.lengthComputable) {
        var percent = Math.round((progressEvent.loaded / progressEvent.total) * 100);
        bar.value = percent;
        label.textContent = '正在上传 ' + names.join('、') + '… ' + percent + '%';
      }
    };
    function done(failure) {
      progress.remove();
      input.value = '';
      if (failure && errorBox) { errorBox.textContent = failure; }
      if (form) {
        setPending(form, -1);
        saveDraft(form);
      }
    }
    xhr.onload = function () {
      var redirect = xhr.getResponseHeader('HX-Redirect');
      if (redirect) {
        done();
        if (redirect.indexOf('/login') === 0) { dirtyForms().forEach(markSent); }
        leaving = true;
        location.href = redirect;
        return;
      }
      var retarget = xhr.getResponseHeader('HX-Retarget');
      if (retarget) {
        insert(document.querySelector(retarget), xhr.responseText, xhr.getResponseHeader('HX-Reswap') || 'innerHTML');
        done();
      } else if (xhr.status >= 200 && xhr.status < 300) {
        insert(document.querySelector(input.getAttribute('hx-target')), xhr.responseText, input.getAttribute('hx-swap') || 'innerHTML');
        done();
      } else {
        done(xhr.status === 413 ? '文件过大，单个文件不超过 20 MB' : '上传失败，请重试');
      }
    };
    xhr.onerror = function () { done('上传失败（网络中断），请重试'); };
    xhr.onabort = function () { done('上传已取消'); };
    xhr.send(data);
  }, true);

  // ---- Leaving a changed form asks first (not after sending it). ------------------------------
  var leaving = false;
  function saveAllDrafts() { dirtyForms().forEach(saveDraft); }
  window.addEventListener('beforeunload', function (event) {
    if (leaving || dirtyForms().length === 0) { return; }
    event.preventDefault();
    event.returnValue = LEAVE_QUESTION;
    return LEAVE_QUESTION;
  });
  window.addEventListener('pageshow', function () { leaving = false; });
  document.addEventListener('click', function (event) {
    var link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey ||
        (link.target && link.target !== '_self') || link.hasAttribute('download')) { return; }
    var url = new URL(link.href, location.href);
    if (url.origin === location.origin && url.pathname === location.pathname && url.search === location.search && url.hash) { return; }
    var dirty = dirtyForms();
    if (dirty.length === 0) { return; }
    if (window.confirm(LEAVE_QUESTION)) {
      var store = storage();
      dirty.forEach(function (form) { if (store && user) { store.removeItem(draftKey(form)); } });
      leaving = true;
    } else {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  // Sending the form itself is no leaving; its draft is marked as sent (settleSentDrafts).
  window.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) { return; }
    if ((form.getAttribute('action') || '') === '/logout') {
      clearAllDrafts();
      leaving = true;
      return;
    }
    if (form.hasAttribute('hx-post') || form.hasAttribute('hx-put') || form.hasAttribute('hx-patch')) { return; }
    leaving = true;
    if (snapshots.has(form)) { markSent(form); }
  });
  function markSent(form) {
    var store = storage();
    if (!store || !user) { return; }
    saveDraft(form);
    try { store.setItem('draft-sent:' + draftKey(form), JSON.stringify({ page: location.pathname + location.search })); } catch (error) { /* full */ }
  }

  // ---- The idle timeout: a warning before it, 继续, and a keepalive while typing. ------------
  var idleMs = Number(body ? body.getAttribute('data-idle-minutes') : 0) * 60 * 1000;
  var activityKey = 'session-activity:' + user;
  var lastKeepalive = Date.now();
  var banner = null;
  function markActivity() {
    try { window.localStorage.setItem(activityKey, String(Date.now())); } catch (error) { /* storage off */ }
    localActivity = Date.now();
  }
  var localActivity = Date.now();
  function lastActivity() {
    var shared = 0;
    try { shared = Number(window.localStorage.getItem(activityKey) || 0); } catch (error) { /* storage off */ }
    return Math.max(localActivity, shared);
  }
  function showBanner(text, action) {
    if (!banner) {
      banner = document.createElement('div');
      banner.className = 'idle-warning';
      banner.setAttribute('role', 'alertdialog');
      banner.setAttribute('aria-live', 'assertive');
      banner.setAttribute('aria-labelledby', 'idle-warning-text');
      document.body.appendChild(banner);
    }
    while (banner.firstChild) { banner.removeChild(banner.firstChild); }
    var message = document.createElement('p');
    message.id = 'idle-warning-text';
    message.textContent = text;
    banner.appendChild(message);
    banner.appendChild(action);
    banner.hidden = false;
  }
  function hideBanner() { if (banner) { banner.hidden = true; } }
  function showExpired() {
    if (banner && !banner.hidden && banner.querySelector('.idle-login')) { return; }
    saveAllDrafts();
    var link = document.createElement('a');
    link.href = '/login?next=' + encodeURIComponent(location.pathname + location.search);
    link.className = 'button primary idle-login';
    link.textContent = '重新登录';
    link.addEventListener('click', function () { leaving = true; });
    showBanner('登录已超时，请重新登录。您在本页填写的内容已保存在本浏览器中，重新登录后将自动恢复。', link);
  }
  function keepalive() {
    lastKeepalive = Date.now();
    return fetch('/session/keepalive', {
      method: 'POST',
      credentials: 'same-origin',
      redirect: 'manual',
      headers: { 'X-CSRF-Token': csrfToken() },
    }).then(function (response) {
      if (response.ok) {
        markActivity();
        hideBanner();
      } else {
        showExpired();
      }
    }, function () { /* offline: the next tick tries again */ });
  }
  function keepaliveWhileTyping() {
    if (user && idleMs > 0 && Date.now() - lastKeepalive >= Math.min(KEEPALIVE_EVERY_MS, idleMs / 4)) { keepalive(); }
  }
  function checkIdle() {
    var left = idleMs - (Date.now() - lastActivity());
    var lead = Math.min(2 * 60 * 1000, idleMs / 2);
    if (left <= 0) {
      showExpired();
    } else if (left <= lead) {
      if (banner && !banner.hidden && banner.querySelector('.idle-continue')) {
        var text = banner.querySelector('#idle-warning-text');
        if (text.textContent !== warningText(left)) { text.textContent = warningText(left); }
        return;
      }
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'primary idle-continue';
      button.textContent = '继续';
      button.addEventListener('click', keepalive);
      showBanner(warningText(left), button);
      button.focus();
    } else if (banner && !banner.hidden && banner.querySelector('.idle-continue')) {
      hideBanner();
    }
  }
  function warningText(left) {
    return '您已较长时间未操作，将于 ' + Math.max(1, Math.ceil(left / 60000)) + ' 分钟后退出登录。如需继续，请点击“继续”。';
  }
  function startIdleWatch() {
    if (!user || !(idleMs > 0)) { return; }
    markActivity();
    document.addEventListener('htmx:after:request', markActivity);
    setInterval(checkIdle, 5000);
  }
  // Last: every variable above is set by now.
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
})();
