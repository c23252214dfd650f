/*
 * Accessibility fixes for widgets of Django's admin that axe-core reports (tests/e2e/test_axe_matrix.py):
 * - the two-box selector's search icons (span.help-tooltip with aria-label) get role="img", so the
 *   label is allowed (aria-prohibited-attr);
 * - select2 (autocomplete fields) gets the field's label as the accessible name of its combobox and
 *   of its search box (aria-input-field-name, label).
 * Widgets are built after the page loads, so changes to the form are watched.
 */
(function () {
  "use strict";

  function labelFor(id) {
    var label = id ? document.querySelector('label[for="' + id + '"]') : null;
    return label ? label.textContent.replace(/[:*]\s*$/, "").trim() : "";
  }

  function fix(root) {
    root.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (el) {
      el.setAttribute("role", "img");
    });
    root.querySelectorAll("select.admin-autocomplete, select[data-select2-id]").forEach(function (select) {
      var name = labelFor(select.id);
      var container = select.nextElementSibling;
      if (!name || !container || !container.classList.contains("select2")) {
        return;
      }
      container.querySelectorAll('[role="combobox"], [role="textbox"], .select2-selection').forEach(function (el) {
        if (!el.getAttribute("aria-label")) {
          el.setAttribute("aria-label", name);
        }
      });
      container.querySelectorAll(".select2-search__field").forEach(function (el) {
        if (!el.getAttribute("aria-label")) {
          el.setAttribute("aria-label", name);
        }
      });
    });
    // a split date/time field (e.g. django-celery-beat's schedules): each half named after the field
    root.querySelectorAll('p.datetime input[id$="_0"]:not([aria-label]), p.datetime input[id$="_1"]:not([aria-label])')
      .forEach(function (el) {
        if (el.labels && el.labels.length) {
          return;
        }
        var row = el.closest(".form-row, .fieldBox, .flex-container");
        var label = row ? row.querySelector("label") : null;
        var base = label ? label.textContent.replace(/[:*]\s*$/, "").trim() : "";
        if (base) {
          el.setAttribute("aria-label", base + (el.id.slice(-2) === "_0" ? " (datum)" : " (tijd)"));
        }
      });
    // a filter choice without text (an empty value in a third-party list filter)
    root.querySelectorAll("#changelist-filter a").forEach(function (el) {
      if (!el.textContent.trim() && !el.getAttribute("aria-label")) {
        el.setAttribute("aria-label", "(leeg)");
      }
    });
    // a multiple choice lists the chosen items and its search box in one <ul>: not a list for
    // assistive technology (the select itself is the control)
    root.querySelectorAll(".select2-selection--multiple > ul:not([role])").forEach(function (el) {
      el.setAttribute("role", "none");
      Array.prototype.forEach.call(el.children, function (child) {
        child.setAttribute("role", "none");
      });
    });
    document.querySelectorAll(".select2-container--open .select2-search__field:not([aria-label])").forEach(function (el) {
      el.setAttribute("aria-label", el.closest(".select2-container") ? "Zoeken" : "");
    });
  }

  function start() {
    fix(document);
    new MutationObserver(function () {
      fix(document);
    }).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
