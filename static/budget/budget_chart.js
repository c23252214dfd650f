/*
 * Budget per post and year (Chart.js, vendored). The figures come from the page as JSON
 * (<script type="application/json" id="budget-chart-data">, Django's json_script): no inline
 * script, so the strict CSP holds. One grouped bar chart per tool: the posts on the axis, one
 * series per year. The years differ by colour AND by fill pattern (solid, stripes, dots, cross),
 * so the chart reads without colour; the table under the charts holds the same figures.
 * Amounts arrive as strings with two decimals (no float on the server); they are drawn only.
 */
(function () {
  "use strict";

  var COLOURS = ["#0d6efd", "#fd7e14", "#198754", "#6f42c1", "#dc3545", "#20c997"];

  function pattern(kind, colour) {
    var size = 10;
    var canvas = document.createElement("canvas");
    canvas.width = size;
    canvas.height = size;
    var ctx = canvas.getContext("2d");
    ctx.fillStyle = colour + "55";
    ctx.fillRect(0, 0, size, size);
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = 2;
    if (kind === 0) {
      ctx.fillRect(0, 0, size, size);
    } else if (kind === 1) {
      ctx.beginPath();
      ctx.moveTo(0, size);
      ctx.lineTo(size, 0);
      ctx.stroke();
    } else if (kind === 2) {
      ctx.beginPath();
      ctx.arc(size / 2, size / 2, 2, 0, 2 * Math.PI);
      ctx.fill();
    } else {
      ctx.beginPath();
      ctx.moveTo(0, 0);
      ctx.lineTo(size, size);
      ctx.moveTo(size, 0);
      ctx.lineTo(0, size);
      ctx.stroke();
    }
    return ctx.createPattern(canvas, "repeat");
  }

  // Amounts as on the pages (static/js/format.js, loaded by the base template): € 1.637.100,45.
  function euro(value) {
    return window.AppFormat ? window.AppFormat.euro(value) : String(value);
  }

  function draw(canvas, chart) {
    return new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: chart.datasets.map(function (ds, i) {
          var colour = COLOURS[i % COLOURS.length];
          return {
            label: ds.label,
            data: ds.data.map(function (v) { return v === null ? null : Number(v); }),
            backgroundColor: pattern(i % 4, colour),
            borderColor: colour,
            borderWidth: 2,
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          title: { display: true, text: chart.title },
          tooltip: {
            callbacks: {
              label: function (item) { return item.dataset.label + ": " + euro(item.raw); },
            },
          },
        },
        scales: { y: { beginAtZero: true, ticks: { callback: function (v) { return euro(v); } } } },
      },
    });
  }

  function init() {
    var source = document.getElementById("budget-chart-data");
    if (!source || !window.Chart) {
      return;
    }
    var data = JSON.parse(source.textContent);
    data.charts.forEach(function (chart) {
      var canvas = document.getElementById("budget-chart-" + chart.tool);
      if (canvas) {
        draw(canvas, chart);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
