/*
 * Progress of a subsidy run (budget/subsidy/tranche.html), without inline script (strict CSP).
 * While the calculation task runs, the page asks data-run-progress-url every second for
 * {working, percent, status} and moves the <progress> bar; when it is done it reloads the page,
 * which then shows the totals.
 */
(function () {
  "use strict";

  var box = document.querySelector("[data-run-progress-url]");
  if (!box || box.getAttribute("data-run-working") !== "1") {
    return;
  }
  var url = box.getAttribute("data-run-progress-url");
  var bar = box.querySelector("progress");
  var text = box.querySelector("[data-run-percent]");

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
        bar.value = data.percent || 0;
        text.textContent = (data.percent || 0) + " %";
        if (data.working) {
          window.setTimeout(poll, 1000);
        } else {
          window.location.reload();
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 500);
})();
