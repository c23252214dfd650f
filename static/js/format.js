/* How charts write numbers, percentages and dates: the same as core/formatting.py on the pages
   (Belgian Dutch by default: 10.168 · 67,9 % · € 1.637.100,45 · 30-11-2026). */
(function () {
  "use strict";
  const lang = (document.documentElement.lang || "nl").toLowerCase().startsWith("en") ? "en-BE" : "nl-BE";
  const integer = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
  const oneDecimal = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const money = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const pad = (n) => String(n).padStart(2, "0");
  const missing = "\u2014"; // the em dash of core.formatting.MISSING
  window.AppFormat = {
    missing: missing,
    lang: lang,
    number: (v) => (v === null || v === undefined || v === "" ? missing : integer.format(v)),
    percent: (v) => (v === null || v === undefined || v === "" ? missing : oneDecimal.format(v) + "\u00a0%"),
    euro: (v) => (v === null || v === undefined || v === "" ? missing : "\u20ac\u00a0" + money.format(v)),
    date: (iso) => {
      if (!iso) return missing;
      const [y, m, d] = String(iso).slice(0, 10).split("-");
      return `${pad(d)}-${pad(m)}-${y}`;
    },
  };
})();
