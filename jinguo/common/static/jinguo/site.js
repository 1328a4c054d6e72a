/* Behaviour the Content-Security-Policy keeps out of templates' attributes (no inline event
   handlers, no style attributes), for every page:
   - a submit button or form with data-confirm="…" asks before submitting;
   - an element with data-width="N" gets width N%, also in content htmx swaps in. */
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var button = event.submitter, form = event.target;
    var message = (button && button.dataset.confirm) || form.dataset.confirm;
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
  function widths(root) {
    var found = Array.prototype.slice.call(root.querySelectorAll("[data-width]"));
    if (root.matches && root.matches("[data-width]")) {
      found.push(root);
    }
    found.forEach(function (el) {
      el.style.width = Math.max(0, Math.min(100, parseFloat(el.dataset.width) || 0)) + "%";
    });
  }
  if (window.htmx) {
    window.htmx.onLoad(widths);  // the page, then every swapped-in element
  } else {
    widths(document);
  }
})();
