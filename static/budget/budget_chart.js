/*
 * Budget per post and year: one grouped bar chart per tool (the posts on the axis, one series per
 * year), drawn by the product's one chart script (static/js/charts.js, window.AppCharts: the same
 * colours, fill patterns per series, euro axis and tooltip, legend, index tooltip as every report
 * chart). Load static/js/charts.js before this file. The figures come from the page as JSON
 * (<script type="application/json" id="budget-chart-data">, Django's json_script): no inline
 * script, so the strict CSP holds. Amounts arrive as strings with two decimals; they are drawn only.
 */
(function () {
  "use strict";

  // budget.selectors.budget_chart's shape → core.charts.Chart.as_json's shape
  function asChart(chart) {
    return {
      title: chart.title,
      kind: "bar",
      horizontal: false,
      money: true,
      labels: chart.labels,
      suppressed_label: "",
      series: chart.datasets.map(function (ds) { return { label: ds.label, data: ds.data, kind: "", stack: "" }; }),
    };
  }

  function init() {
    var source = document.getElementById("budget-chart-data");
    if (!source || !window.Chart) {
      return;
    }
    if (!window.AppCharts) {  // a page that forgot static/js/charts.js: say so in the console (the browser tests fail on it)
      throw new Error("budget_chart.js: load static/js/charts.js first");
    }
    JSON.parse(source.textContent).charts.forEach(function (chart) {
      var canvas = document.getElementById("budget-chart-" + chart.tool);
      if (canvas) {
        window.AppCharts.draw(canvas, asChart(chart));
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
