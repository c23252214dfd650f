/* Search-as-you-type place chooser (issue 12, item 9), the ARIA 1.2 combobox pattern with a listbox
   popup. Enhances <select data-place-chooser data-url="…" data-allocation="…" data-date-input="…">:
   the select is hidden (it still carries the chosen value in the form) and a text input asks the
   server (hvt:place_choices, JSON, scoped there) for the places matching what is typed, each with
   its municipality and free beds for the period. Without JavaScript the page's own search
   ([data-place-chooser-fallback]) narrows the select instead. No inline script or style (CSP). */
(function () {
  "use strict";

  var lang = (document.documentElement.lang || "nl").slice(0, 2);
  var TEXT = {
    nl: { none: "Geen plaatsen gevonden.", more: "Meer plaatsen gevonden: typ verder om te verfijnen.",
          count: function (n) { return n === 1 ? "1 plaats gevonden" : n + " plaatsen gevonden"; },
          error: "Zoeken lukt nu niet. Probeer opnieuw.", short: " (te weinig voor dit gezin)" },
    en: { none: "No places found.", more: "More places found: keep typing to narrow down.",
          count: function (n) { return n === 1 ? "1 place found" : n + " places found"; },
          error: "Searching failed. Please try again.", short: " (too few for this household)" },
  };
  var t = TEXT[lang] || TEXT.nl;

  function enhance(select) {
    var id = select.id;
    var wrapper = document.createElement("div");
    wrapper.className = "hvt-chooser";
    var input = document.createElement("input");
    input.type = "text";
    input.id = id + "_search";
    input.className = "form-control";
    input.autocomplete = "off";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", id + "_listbox");
    var describedBy = select.getAttribute("aria-describedby");
    if (describedBy) input.setAttribute("aria-describedby", describedBy);
    if (select.getAttribute("aria-invalid")) input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));
    if (select.selectedIndex > 0) input.value = select.options[select.selectedIndex].text;
    var list = document.createElement("ul");
    list.id = id + "_listbox";
    list.className = "hvt-chooser-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrapper.appendChild(input);
    wrapper.appendChild(list);
    wrapper.appendChild(status);
    select.parentNode.insertBefore(wrapper, select);
    select.hidden = true;
    select.setAttribute("tabindex", "-1");
    var label = document.querySelector('label[for="' + id + '"]');
    if (label) {
      label.setAttribute("for", input.id);
      label.id = label.id || id + "_label";
      list.setAttribute("aria-labelledby", label.id);
    }
    document.querySelectorAll("[data-place-chooser-fallback]").forEach(function (el) { el.hidden = true; });

    var dateInput = document.getElementById(select.getAttribute("data-date-input") || "");
    var active = -1;
    var timer = null;
    var serial = 0;

    function options() { return list.querySelectorAll('[role="option"]'); }

    function open(show) {
      list.hidden = !show;
      input.setAttribute("aria-expanded", show ? "true" : "false");
      if (!show) { setActive(-1); }
    }

    function setActive(index) {
      var opts = options();
      opts.forEach(function (o, i) { o.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && opts[index]) {
        input.setAttribute("aria-activedescendant", opts[index].id);
        opts[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(option) {
      var value = option.getAttribute("data-value");
      var text = option.getAttribute("data-label");
      var existing = Array.prototype.find.call(select.options, function (o) { return o.value === value; });
      if (!existing) { select.add(new Option(text, value)); }
      select.value = value;
      input.value = text;
      open(false);
    }

    function note(text) {
      var li = document.createElement("li");
      li.className = "hvt-chooser-note";
      li.setAttribute("aria-disabled", "true");
      li.textContent = text;
      list.appendChild(li);
    }

    function render(data) {
      list.textContent = "";
      data.results.forEach(function (row, i) {
        var li = document.createElement("li");
        li.id = id + "_option_" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-value", String(row.id));
        li.setAttribute("data-label", row.label + " · " + row.free_text);
        li.appendChild(document.createTextNode(row.label));
        var small = document.createElement("small");
        small.textContent = row.municipality + " · " + row.free_text + (row.enough ? "" : t.short);
        li.appendChild(small);
        if (!row.enough) li.classList.add("hvt-chooser-short");
        list.appendChild(li);
      });
      if (!data.results.length) note(t.none);
      if (data.more) note(t.more);
      status.textContent = data.results.length ? t.count(data.results.length) : t.none;
      open(true);
      setActive(-1);
    }

    function search() {
      var params = new URLSearchParams({ q: input.value.trim() });
      var allocation = select.getAttribute("data-allocation");
      if (allocation) params.set("toewijzing", allocation);
      if (dateInput && dateInput.value) params.set("van", dateInput.value);
      var mine = ++serial;
      fetch(select.getAttribute("data-url") + "?" + params.toString(), {
        headers: { Accept: "application/json" }, credentials: "same-origin",
      }).then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      }).then(function (data) {
        if (mine === serial) render(data);
      }).catch(function () {
        if (mine !== serial) return;
        list.textContent = "";
        note(t.error);
        status.textContent = t.error;
        open(true);
      });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    }

    input.addEventListener("input", function () {
      select.value = ""; // typing again un-chooses: never submit a place the field no longer names
      later();
    });
    input.addEventListener("focus", function () { if (list.hidden && !select.value) later(); });
    input.addEventListener("keydown", function (event) {
      var count = options().length;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) { search(); return; }
        if (count) setActive(active < count - 1 ? active + 1 : 0);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (count && !list.hidden) setActive(active > 0 ? active - 1 : count - 1);
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) {
          event.preventDefault(); // choose, do not submit the form
          choose(options()[active]);
        }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); open(false); }
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(function () { open(false); }, 150); });
    list.addEventListener("mousedown", function (event) {
      var option = event.target instanceof Element ? event.target.closest('[role="option"]') : null;
      if (option) { event.preventDefault(); choose(option); }
    });
    if (dateInput) dateInput.addEventListener("change", function () { if (!list.hidden) later(); });
  }

  document.querySelectorAll("select[data-place-chooser]").forEach(enhance);
})();
