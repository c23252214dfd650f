/*
 * HVT dashboard charts (Chart.js, vendored). The figures come from the page as JSON
 * (<script type="application/json" id="hvt-dashboard-data">, Django's json_script): no inline
 * script, so the strict CSP holds. Three charts, one point per week: available beds per category
 * (stacked areas) with the target line, occupied beds per category, and the share of individual
 * housing (category 1) in the occupied beds. Colours from the Okabe–Ito palette (readable with
 * colour-blindness) and a dash pattern per category: colour is not the only cue. The page holds
 * the same figures as a table and an export.
 */
(function () {
  "use strict";

  var COLOURS = {
    "1_public": "#0072B2",
    "1_private": "#56B4E9",
    "2": "#E69F00",
    "3": "#D55E00",
  };
  var DASHES = { "1_public": [], "1_private": [6, 3], "2": [2, 2], "3": [10, 3, 2, 3] };

  // Axes and tooltips in the Belgian-Dutch format of the pages (static/js/format.js): 31-12-2023, 12.000, 67,9 %.
  var F = window.AppFormat;
  function xAxis(labels) {
    return { ticks: { callback: function (_value, index) { return F ? F.date(labels[index]) : labels[index]; } } };
  }
  function tooltipTitle(items) {
    return items.length && F ? F.date(items[0].label) : "";
  }

  function stacked(canvas, data, field, title) {
    return new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.datasets.map(function (ds) {
          var colour = COLOURS[ds.key] || "#6c757d";
          return {
            label: ds.label,
            data: ds[field],
            borderColor: colour,
            borderDash: DASHES[ds.key] || [],
            borderWidth: 2,
            backgroundColor: colour + "66",
            fill: true,
            pointRadius: 0,
            tension: 0.1,
          };
        }).concat(field === "available" && data.target.some(function (t) { return t !== null; }) ? [{
          label: data.text.target,
          data: data.target,  // per week: the round in force then (a step when a new round starts)
          stepped: true,
          stack: "target",
          borderColor: "#000000",
          borderDash: [4, 4],
          borderWidth: 2,
          fill: false,
          pointRadius: 0,
        }] : []),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          title: { display: true, text: title },
          tooltip: { callbacks: { title: tooltipTitle, label: function (item) {
            return item.dataset.label + ": " + (F ? F.number(item.parsed.y) : item.parsed.y); } } },
        },
        scales: { x: xAxis(data.labels), y: { stacked: true, beginAtZero: true,
          ticks: { callback: function (value) { return F ? F.number(value) : value; } } } },
      },
    });
  }

  function shareChart(canvas, data) {
    var share = data.share;
    return new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [{
          label: data.text.individual,
          data: share,
          borderColor: COLOURS["1_public"],
          backgroundColor: COLOURS["1_public"] + "33",
          fill: true,
          pointRadius: 0,
          spanGaps: true,
        }],
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          title: { display: true, text: data.text.share },
          tooltip: { callbacks: { title: tooltipTitle, label: function (item) {
            return item.dataset.label + ": " + (F ? F.percent(item.parsed.y) : item.parsed.y); } } },
        },
        scales: { x: xAxis(data.labels), y: { min: 0, max: 100,
          ticks: { callback: function (value) { return F ? F.percent(value) : value; } } } },
      },
    });
  }

  function init() {
    var source = document.getElementById("hvt-dashboard-data");
    if (!source || !window.Chart) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var available = document.getElementById("hvt-chart-available");
    var occupied = document.getElementById("hvt-chart-occupied");
    var shift = document.getElementById("hvt-chart-shift");
    if (available) {
      stacked(available, data, "available", data.text.available);
    }
    if (occupied) {
      stacked(occupied, data, "occupied", data.text.occupied);
    }
    if (shift) {
      shareChart(shift, data);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
