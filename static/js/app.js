/*
 * Site-wide behaviour. No inline JavaScript is allowed (strict CSP), so pages declare intent
 * with data attributes and this file wires them up. Load it with `defer`, after htmx.
 *
 *   <select data-autosubmit>      submits its form on change (language switch)
 *   <meta name="csrf-token">      sent as X-CSRFToken on every htmx request
 *   [data-confirm="question"]     asks confirm() before a form is submitted or a link followed
 */
(function () {
  "use strict";

  var FALLBACK_QUESTION = {
    nl: "Weet u het zeker?",
    en: "Are you sure?",
  };

  function question(el) {
    var text = (el.getAttribute("data-confirm") || "").trim();
    if (text) {
      return text;
    }
    var lang = (document.documentElement.lang || "nl").slice(0, 2);
    return FALLBACK_QUESTION[lang] || FALLBACK_QUESTION.nl;
  }

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // (a) <select data-autosubmit>: submit the surrounding form on change.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!(select instanceof HTMLSelectElement) || !select.hasAttribute("data-autosubmit")) {
      return;
    }
    var form = select.form;
    if (!form) {
      return;
    }
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit(); // fires "submit": validation, data-confirm and htmx still apply
    } else {
      form.submit();
    }
  });

  // (c) data-confirm on a form or on the button that submits it.
  // Capture phase, so a refusal also stops htmx's own submit handler on the form.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      var submitter = event.submitter;
      var source = null;
      if (submitter && submitter.hasAttribute("data-confirm")) {
        source = submitter;
      } else if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm")) {
        source = form;
      }
      if (source && !window.confirm(question(source))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  // data-confirm on a link (or a non-submit element): ask before the click does anything.
  document.addEventListener(
    "click",
    function (event) {
      var el = event.target instanceof Element ? event.target.closest("[data-confirm]") : null;
      if (!el || el instanceof HTMLFormElement) {
        return;
      }
      // Submit buttons are handled on "submit" (once, with the submitter known).
      if ((el instanceof HTMLButtonElement || el instanceof HTMLInputElement) && el.type === "submit" && el.form) {
        return;
      }
      if (!window.confirm(question(el))) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );

  // (b) htmx: CSRF header on every request, and settings compatible with the CSP.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token) {
      event.detail.headers["X-CSRFToken"] = token;
    }
  });

  if (window.htmx) {
    // No inline <style> injected by htmx (blocked by style-src 'self'); app.css has the rules.
    window.htmx.config.includeIndicatorStyles = false;
    // No eval-based features (hx-on, js: values); the CSP forbids them anyway.
    window.htmx.config.allowEval = false;
    window.htmx.config.allowScriptTags = false;
  }
})();
