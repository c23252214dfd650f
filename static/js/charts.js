/*
 * Report charts (Chart.js, vendored), for every <canvas data-chart="ID">: the figures come from
 * the page as JSON (<script type="application/json" id="ID">, Django's json_script; built by
 * core.charts), so there is no inline script and the strict CSP holds.
 *
 * Readable without colour: each bar series has its own fill pattern (solid, stripes, dots,
 * cross) as well as its colour, each line series its own dash and point shape. A value of null
 * is a gap; where the JSON names a suppressed label (the CRT's "x"), the category label carries
 * it ("Gent (x)") and the tooltip says so. Every chart has a table with the same figures on the page.
 */
(function () {
  "use strict";

  var COLOURS = ["#0d6efd", "#fd7e14", "#198754", "#6f42c1", "#dc3545", "#20c997"];
  var DASHES = [[], [6, 4], [2, 3], [10, 3, 2, 3], [1, 4]];
  var POINTS = ["circle", "rect", "triangle", "rectRot", "crossRot"];

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

  // Numbers as on the pages (static/js/format.js, loaded by the base template): 1.234 · € 1.234,50.
  function number(value, money) {
    var F = window.AppFormat;
    if (F) {
      return money ? F.euro(value) : F.number(value);
    }
    return String(value);
  }

  function dataset(series, index, data) {
    var colour = COLOURS[index % COLOURS.length];
    var values = series.data.map(function (v) { return v === null ? null : Number(v); });
    var line = series.kind === "line" || (data.kind === "line" && series.kind !== "bar");
    var out = { label: series.label, data: values, borderColor: colour };
    if (line) {
      out.type = "line";
      out.borderDash = DASHES[index % DASHES.length];
      out.pointStyle = POINTS[index % POINTS.length];
      out.pointRadius = 3;
      out.backgroundColor = colour;
      out.fill = false;
      out.spanGaps = false;
    } else {
      out.type = "bar";
      out.backgroundColor = pattern(index % 4, colour);
      out.borderWidth = 2;
    }
    if (series.stack) {
      out.stack = series.stack;
    }
    return out;
  }

  function draw(canvas, data) {
    var suppressed = data.suppressed_label;
    var labels = data.labels.map(function (label, i) {
      var hidden = suppressed && data.series.some(function (s) { return s.data[i] === null; });
      return hidden ? label + " (" + suppressed + ")" : label;
    });
    var stacked = data.series.some(function (s) { return s.stack; });
    var valueAxis = data.horizontal ? "x" : "y";
    var scales = {};
    scales[valueAxis] = {
      beginAtZero: true,
      stacked: stacked,
      ticks: { callback: function (v) { return number(v, data.money); } },
    };
    scales[valueAxis === "x" ? "y" : "x"] = { stacked: stacked, ticks: { autoSkip: !data.horizontal } };
    return new window.Chart(canvas, {
      type: data.kind === "line" ? "line" : "bar",
      data: { labels: labels, datasets: data.series.map(function (s, i) { return dataset(s, i, data); }) },
      options: {
        indexAxis: data.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: "index", intersect: false },
        plugins: {
          title: { display: Boolean(data.title), text: data.title },
          legend: { display: data.series.length > 1, labels: { usePointStyle: true } },
          tooltip: {
            callbacks: {
              label: function (item) {
                var text = item.raw === null ? (suppressed || (window.AppFormat ? window.AppFormat.missing : "\u2014")) : number(item.raw, data.money);
                return item.dataset.label + ": " + text;
              },
            },
          },
        },
        scales: scales,
      },
    });
  }

  // The one drawing of the product's charts, for a page whose JSON has another shape (budget_chart.js).
  window.AppCharts = { draw: draw, pattern: pattern, colours: COLOURS };

  function init() {
    if (!window.Chart) {
      return;
    }
    document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.getAttribute("data-chart"));
      if (source) {
        draw(canvas, JSON.parse(source.textContent));
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
