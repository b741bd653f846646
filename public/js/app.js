// Small progressive enhancements; every page still reads without this file.
(function () {
  'use strict';
  // Confirm dangerous actions declared with data-confirm (no inline handlers: the CSP forbids them).
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);
  // One-time form tokens (partials/_once) survive Back: a sent form shown again from the history
  // is reloaded by the server with a new token but the old typed values, so it gets back the token
  // it was sent with, and sending it again leads to the saved record instead of a second one.
  function onceKey(form) { return 'once:' + location.pathname + '#' + (form.id || form.getAttribute('action')); }
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var once = form instanceof HTMLFormElement ? form.querySelector('input[name="_once"]') : null;
    if (once && !event.defaultPrevented) {
      try { sessionStorage.setItem(onceKey(form), once.value); } catch (error) { /* storage off: no harm */ }
    }
  });
  function restoreOnceTokens() {
    var navigation = window.performance && performance.getEntriesByType ? performance.getEntriesByType('navigation')[0] : null;
    if (!navigation || navigation.type !== 'back_forward') { return; }
    document.querySelectorAll('form input[name="_once"]').forEach(function (once) {
      var saved = null;
      try { saved = sessionStorage.getItem(onceKey(once.form)); } catch (error) { /* storage off */ }
      if (saved) { once.value = saved; }
    });
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', restoreOnceTokens);
  } else {
    restoreOnceTokens();
  }
  // Remove an uploaded file from a form before saving: the hidden id input goes with its chip.
  // A print button (the 改革简报 preview): the page's print CSS lays it out on A4.
  document.addEventListener('click', function (event) {
    if (event.target instanceof Element && event.target.closest('[data-print]')) { window.print(); }
  });
  document.addEventListener('click', function (event) {
    var button = event.target instanceof Element ? event.target.closest('[data-remove-closest]') : null;
    if (button) {
      var container = button.closest(button.getAttribute('data-remove-closest'));
      if (container) { container.remove(); }
    }
  });
  // After an upload, clear the file input so the same file can be chosen again.
  document.addEventListener('htmx:after:request', function (event) {
    var source = event.target;
    if (source instanceof HTMLInputElement && source.type === 'file') { source.value = ''; }
  });
  // Battle map: the running sum of an indicator's 12 monthly targets against its annual target,
  // in integer hundredths so 0.1 + 0.2 shows as 0.3.
  function cents(text) {
    var match = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/.exec(String(text).trim());
    if (!match) { return null; }
    var value = Number(match[2]) * 100 + Number((match[3] || '').padEnd(2, '0'));
    return match[1] === '-' ? -value : value;
  }
  function showCents(value) {
    var sign = value < 0 ? '-' : '';
    var abs = Math.abs(value);
    var fraction = abs % 100;
    return sign + Math.floor(abs / 100) + (fraction ? '.' + String(fraction).padStart(2, '0').replace(/0$/, '') : '');
  }
  // The battle map's monthly targets, by the indicator's kind (battle-map-form.ts states the rule):
  // 当期值 months add up to the annual target; 累计值 months are targets to date, never lower
  // than the month before, December's (an empty month keeps the previous) equal to the annual.
  function updateSum(scope) {
    var output = scope.querySelector('.month-sum');
    if (!output) { return; }
    var kind = scope.querySelector('select[name$="-cumulative"]');
    var cumulative = kind !== null && kind.value === '1';
    var sum = 0;
    var last = 0;
    var bad = false;
    var drop = '';
    scope.querySelectorAll('.month-target').forEach(function (input, index) {
      if (input.value.trim() === '') { return; }
      var value = cents(input.value);
      if (value === null) { bad = true; return; }
      if (cumulative && value < last && !drop) { drop = (index + 1) + '月低于上月'; }
      sum += value;
      last = value;
    });
    var total = cumulative ? last : sum;
    var label = cumulative ? '12月累计目标：' : '12个月合计：';
    var annualInput = scope.querySelector('[data-annual]');
    var annual = annualInput ? cents(annualInput.value) : null;
    if (bad) {
      output.textContent = '月度目标值须为数字（最多两位小数）';
      output.className = 'month-sum bad';
    } else if (drop) {
      output.textContent = '累计目标不能低于上月：' + drop;
      output.className = 'month-sum bad';
    } else if (annual === null) {
      output.textContent = label + showCents(total);
      output.className = 'month-sum';
    } else if (annual === total) {
      output.textContent = label + showCents(total) + '，与年度目标值一致';
      output.className = 'month-sum ok';
    } else {
      output.textContent = label + showCents(total) + '，与年度目标值 ' + showCents(annual) + ' 相差 ' + showCents(annual - total);
      output.className = 'month-sum bad';
    }
  }
  // Live character count of a textarea with data-max-chars (a CJK character counts as one).
  function updateCount(textarea) {
    var counter = document.querySelector('[data-count-for="' + textarea.id + '"]');
    if (!counter) { return; }
    var length = Array.from(textarea.value).length;
    counter.textContent = String(length);
    counter.classList.toggle('bad', length > Number(textarea.dataset.maxChars));
  }
  document.addEventListener('input', function (event) {
    var target = event.target;
    if (!(target instanceof Element)) { return; }
    var scope = target.closest('[data-sum-scope]');
    if (scope) { updateSum(scope); }
    if (target instanceof HTMLTextAreaElement && target.dataset.maxChars) { updateCount(target); }
  });
  // 措施迭代 · 编辑举措: choosing a measure starts the text from its current wording, unless the
  // text was already changed by hand (then it is kept).
  document.addEventListener('change', function (event) {
    var radio = event.target;
    if (!(radio instanceof HTMLInputElement) || radio.name !== 'targetMeasure' || !radio.dataset.measureText) { return; }
    var form = radio.form;
    var text = form ? form.querySelector('textarea[name="text"]') : null;
    if (!text) { return; }
    var untouched = Array.prototype.some.call(form.querySelectorAll('input[name="targetMeasure"]'), function (other) {
      return other.dataset.measureText === text.value;
    });
    if (text.value.trim() === '' || untouched) {
      text.value = radio.dataset.measureText;
      updateCount(text);
    }
    var edit = form.querySelector('input[name="kind"][value="edit"]');
    if (edit) { edit.checked = true; }
  });
  // 成效晾晒: the 具体情形 list shows only the sub-kinds of the chosen 类别 (the server checks the
  // pair as well); a choice of another category is cleared.
  function filterByCategory(select) {
    var form = select.form;
    var checked = form ? form.querySelector('input[name="' + select.dataset.filterBy + '"]:checked') : null;
    var category = checked ? checked.value : null;
    select.querySelectorAll('optgroup[data-category]').forEach(function (group) {
      var shown = !category || group.dataset.category === category;
      group.hidden = !shown;
      group.disabled = !shown;
    });
    var chosen = select.selectedOptions[0];
    if (chosen && chosen.parentElement && chosen.parentElement.disabled) { select.value = ''; }
  }
  document.addEventListener('change', function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.form) { return; }
    input.form.querySelectorAll('select[data-filter-by="' + input.name + '"]').forEach(filterByCategory);
  });
  function initialise(root) {
    root.querySelectorAll('select[data-filter-by]').forEach(filterByCategory);
    root.querySelectorAll('[data-sum-scope]').forEach(updateSum);
  }
  document.addEventListener('DOMContentLoaded', function () { initialise(document); });
  document.addEventListener('htmx:after:swap', function () { initialise(document); });
  // The phone drawer (layouts/app: a checkbox opens it without JavaScript): Escape closes it and
  // gives the focus back to the toggle.
  document.addEventListener('keydown', function (event) {
    var toggle = document.getElementById('nav-toggle');
    if (event.key === 'Escape' && toggle instanceof HTMLInputElement && toggle.checked) {
      toggle.checked = false;
      toggle.focus();
    }
  });
  // Ledgers (a page whose GET filter form, form.toolbar, posts to the page itself): the filtered
  // list is remembered per tab, and a plain link to the ledger (the menu, 返回列表) opens it with
  // those filters again; the table scrolls in its own box with sticky headers and first column;
  // headers whose column the ledger can sort by (th[data-sort]) link to that order.
  function ledgerKey(path) { return 'ledger:' + path; }
  function readLedger(path) {
    try { return sessionStorage.getItem(ledgerKey(path)); } catch (error) { return null; }
  }
  function ledgerForm() {
    var form = document.querySelector('main form.toolbar[method="get"]');
    if (!form) { return null; }
    var action = new URL(form.getAttribute('action') || location.pathname, location.href).pathname;
    return action === location.pathname ? form : null;
  }
  document.addEventListener('click', function (event) {
    var link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!link || link.closest('form.toolbar') || link.hasAttribute('download') || link.hasAttribute('data-no-remember')) { return; }
    var url = new URL(link.getAttribute('href'), location.href);
    if (url.origin !== location.origin || url.search || url.pathname === location.pathname) { return; }
    var saved = readLedger(url.pathname);
    if (saved) { link.setAttribute('href', url.pathname + saved + url.hash); }
  }, true);
  function enhanceLedger() {
    var form = ledgerForm();
    if (form) {
      try { sessionStorage.setItem(ledgerKey(location.pathname), location.search); } catch (error) { /* storage off */ }
      document.querySelectorAll('main form.toolbar ~ table.data').forEach(function (table) {
        var box = document.createElement('div');
        box.className = 'ledger-scroll';
        box.tabIndex = 0;
        box.setAttribute('role', 'region');
        var heading = document.querySelector('main h1');
        box.setAttribute('aria-label', (heading ? heading.textContent.trim() : '列表') + '（可滚动）');
        table.parentNode.insertBefore(box, table);
        box.appendChild(table);
      });
      var sort = form.querySelector('select[name="sort"]');
      if (sort) {
        var current = sort.value;
        document.querySelectorAll('main table.data th[data-sort]').forEach(function (th) {
          var value = th.getAttribute('data-sort');
          if (!sort.querySelector('option[value="' + value + '"]')) { return; }
          var params = new URLSearchParams(location.search);
          params.set('sort', value);
          params.delete('page');
          var link = document.createElement('a');
          link.href = location.pathname + '?' + params.toString();
          link.className = 'sort-link';
          link.setAttribute('data-no-remember', '');
          link.textContent = th.textContent;
          th.textContent = '';
          th.appendChild(link);
          if (value === current) {
            th.setAttribute('aria-sort', th.getAttribute('data-sort-dir') || 'ascending');
            link.className += ' sorted';
          }
        });
      }
      return;
    }
    // A record page (the shared review panel) under a remembered ledger: a way back to the list.
    var panel = document.querySelector('main .workflow-panel');
    var parent = location.pathname.replace(/\/[^/]+\/?$/, '');
    var saved = parent ? readLedger(parent) : null;
    var main = document.querySelector('main');
    if (panel && saved !== null && main && !document.getElementById('back-to-ledger')) {
      var back = document.createElement('p');
      back.className = 'back-to-ledger';
      var link = document.createElement('a');
      link.id = 'back-to-ledger';
      link.href = parent + saved;
      link.textContent = '← 返回列表';
      back.appendChild(link);
      main.insertBefore(back, main.firstChild);
    }
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', enhanceLedger);
  } else {
    enhanceLedger();
  }
  // After a review action (htmx re-renders the record page in place), keyboard focus goes to
  // 下一条待办 when there is one, else to the record's new state, not back to the top of the page.
  var focusAfterAction = false;
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && /\/records\/[^/]+\/transitions$/.test(form.getAttribute('action') || '')) {
      focusAfterAction = true;
    }
  });
  document.addEventListener('htmx:after:settle', function () {
    if (!focusAfterAction) { return; }
    var next = document.querySelector('main .workflow-panel a[id$="-next"]');
    var state = document.querySelector('main .workflow-panel [id$="-state"]');
    var target = next || state;
    if (target) {
      focusAfterAction = false;
      if (!next) { target.setAttribute('tabindex', '-1'); }
      target.focus();
    }
  });
})();
