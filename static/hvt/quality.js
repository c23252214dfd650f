/*
 * The data-quality trend (Chart.js, vendored): open items per week, one line per item code. The
 * figures come from the page as JSON (json_script): no inline script, so the strict CSP holds.
 * Colour is never the only cue: each line has its own dash pattern and point shape, the legend
 * names it, and the table under the chart holds the same figures.
 */
(function () {
  "use strict";

  // Okabe–Ito palette: distinguishable with the common colour-vision deficiencies.
  var STYLES = {
    offers_waiting: { colour: "#0072B2", dash: [], point: "circle" },
    places_without_check: { colour: "#D55E00", dash: [6, 3], point: "rect" },
    duplicate_addresses: { colour: "#009E73", dash: [2, 2], point: "triangle" },
    idle_places: { colour: "#CC79A7", dash: [10, 4, 2, 4], point: "rectRot" },
    persons_without_municipality: { colour: "#000000", dash: [1, 3], point: "crossRot" },
  };

  function init() {
    var source = document.getElementById("hvt-quality-data");
    var canvas = document.getElementById("hvt-quality-chart");
    if (!source || !canvas || !window.Chart) {
      return;
    }
    var data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (ds) {
          var style = STYLES[ds.key] || { colour: "#6c757d", dash: [], point: "circle" };
          return {
            label: ds.label,
            data: ds.data,
            borderColor: style.colour,
            backgroundColor: style.colour,
            borderDash: style.dash,
            pointStyle: style.point,
            pointRadius: 4,
            fill: false,
            tension: 0,
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: { title: { display: true, text: data.title }, legend: { labels: { usePointStyle: true } } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
