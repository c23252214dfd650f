/*
 * The municipality map of the HVT overview (choropleth of the realisation), drawn with the
 * vendored d3-geo (projection and SVG paths; no tiles, no CDN). Strict CSP: the configuration comes
 * from json_script blocks, the GeoJSON from /hvt/dashboard/kaart.geojson, and everything is drawn
 * with SVG attributes (fill patterns defined in the page's legend), never inline styles.
 *
 * Each municipality is a focusable link (Tab), its figures are shown in the live info panel on
 * hover and on focus, and Enter or a click opens it.
 */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";

  function json(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function percent(value) {
    return value.toLocaleString("nl-BE", { minimumFractionDigits: 1, maximumFractionDigits: 1 }) + " %";
  }

  function band(realisation) {
    if (realisation === null || realisation === undefined) {
      return "none";
    }
    if (realisation < 25) { return "b0"; }
    if (realisation < 50) { return "b1"; }
    if (realisation < 75) { return "b2"; }
    if (realisation < 100) { return "b3"; }
    return "b4";
  }

  function describe(p, text, bands) {
    var key = band(p.realisation);
    var label = key === "none" ? text.noTarget : bands.filter(function (b) { return b.key === key; })[0].label;
    var figures = p.available + " " + text.available + " / " +
      (p.target === null ? text.noTarget : text.target + " " + p.target);
    var realisation = p.realisation === null ? "" : ", " + text.realisation + " " + percent(p.realisation);
    return p.name + ": " + figures + realisation + " (" + label + ")";
  }

  function draw(container, data, config, bands) {
    var width = 640;
    var height = 400;
    var drawn = {
      type: "FeatureCollection",
      features: data.features.filter(function (f) { return f.geometry && f.geometry.coordinates.length; }),
    };
    var projection = window.d3.geoMercator().fitExtent([[4, 4], [width - 4, height - 4]], drawn);
    var path = window.d3.geoPath(projection);
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.setAttribute("class", "hvt-map-svg");
    svg.setAttribute("role", "presentation");
    var info = document.getElementById("hvt-map-info");
    var text = config.text;
    drawn.features.forEach(function (feature) {
      var p = feature.properties;
      var label = describe(p, text, bands);
      var href = config.detail.replace("REFNIS", encodeURIComponent(p.refnis));
      var link = document.createElementNS(SVG, "a");
      link.setAttribute("href", href);
      link.setAttribute("aria-label", label + ". " + text.open);
      link.setAttribute("data-refnis", p.refnis);
      link.setAttribute("class", "hvt-map-area");
      var shape = document.createElementNS(SVG, "path");
      shape.setAttribute("d", path(feature));
      shape.setAttribute("fill", "url(#hvt-band-" + band(p.realisation) + ")");
      shape.setAttribute("data-band", band(p.realisation));
      var title = document.createElementNS(SVG, "title");
      title.textContent = label;
      shape.appendChild(title);
      link.appendChild(shape);
      function show() {
        info.textContent = label;
      }
      link.addEventListener("mouseenter", show);
      link.addEventListener("focus", show);
      link.addEventListener("keydown", function (event) {
        // Chromium does not follow an SVG link on Enter by itself.
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          window.location.assign(href);
        }
      });
      svg.appendChild(link);
    });
    container.replaceChildren(svg);
    container.setAttribute("data-ready", String(drawn.features.length));
  }

  function init() {
    var container = document.getElementById("hvt-map");
    var config = json("hvt-map-config");
    var bands = json("hvt-map-bands");
    if (!container || !config) {
      return;
    }
    if (!window.d3 || !window.d3.geoPath) {
      container.textContent = config.text.error;
      return;
    }
    fetch(config.url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (data) { draw(container, data, config, bands); })
      .catch(function () { container.textContent = config.text.error; });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
