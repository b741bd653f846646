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
  // Remove an uploaded file from a form before saving: the hidden id input goes with its chip.
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
})();
