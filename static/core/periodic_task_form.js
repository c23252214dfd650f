// django-celery-beat's periodic-task admin form: show the chosen crontab in words under its help
// text (the package's inline script, as a static file for the strict CSP; see
// templates/admin/djcelery/change_periodictask_form.html). Text only, never HTML.
(function () {
  "use strict";
  var data = document.getElementById("readable-crontabs");
  var select = document.getElementById("id_crontab");
  if (!data || !select) {
    return;
  }
  var readable = JSON.parse(data.textContent);
  var translationRow = document.querySelector(".field-crontab_translation");
  if (translationRow) {
    translationRow.hidden = true;
  }
  var help = document.querySelector(".field-crontab .help");
  if (!help) {
    return;
  }
  var words = document.createElement("div");
  words.hidden = true;
  help.appendChild(words);
  function show() {
    var text = readable[select.value];
    words.textContent = text || "";
    words.hidden = !text;
  }
  select.addEventListener("change", show);
})();
