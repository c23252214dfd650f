/*
 * Progress of a stored import (admin/core/import_status.html), without inline script (strict CSP).
 *
 * While the import's task runs, the page asks data-import-progress-url every second for
 * {status_label, working, done, total, phase_label, text} and moves the <progress> bar; when the
 * task is done it reloads the page, which then shows the preview or the row report.
 */
(function () {
  "use strict";

  var box = document.querySelector("[data-import-progress-url]");
  if (!box || box.getAttribute("data-import-working") !== "1") {
    return;
  }
  var url = box.getAttribute("data-import-progress-url");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-import-progress-text]");
  var status = box.querySelector("[data-import-status]");
  var phase = box.querySelector("[data-import-phase]");
  var INTERVAL = 1000;
  var RETRY = 5000;

  function show(data) {
    status.textContent = data.status_label;
    phase.textContent = data.phase_label || "";
    text.textContent = data.text || "";
    if (data.total > 0) {
      bar.max = data.total;
      bar.value = Math.min(data.done, data.total);
    } else {
      bar.removeAttribute("value"); // indeterminate: the number of rows is not known yet
    }
  }

  function poll() {
    window
      .fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.working) {
          window.setTimeout(poll, INTERVAL);
        } else {
          window.location.reload(); // the report is rendered by the server
        }
      })
      .catch(function () {
        window.setTimeout(poll, RETRY);
      });
  }

  window.setTimeout(poll, INTERVAL);
})();
